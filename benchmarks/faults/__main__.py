"""`python -m benchmarks.faults`: the fault suite. Prints one line per scenario and a total;
writes benchmarks/results/faults.json; exits 1 if anything acknowledged was lost or answered
twice or out of order (or a sweep re-sent more digests than sweepers were killed)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from benchmarks.databases import POSTGRES_URL, scratch_database
from benchmarks.faults.console import ConsoleChannel, console_under_kills
from benchmarks.faults.serve import WINDOW, Outcome, Zygote, serve_under_kills
from benchmarks.faults.services import SERVICES
from benchmarks.faults.sweep import sweep_under_kills

RESULTS = Path(__file__).resolve().parents[1] / "results" / "faults.json"


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults", description=__doc__)
    parser.add_argument("--kills", type=int, default=1000, help="SIGKILLs per scenario")
    parser.add_argument("--sweep-kills", type=int, default=None,
                        help="SIGKILLs per sweep scenario (default: --kills)")  # fmt: skip
    parser.add_argument("--channels", default="console,slack,telegram,teams")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--people", type=int, default=8, help="people sending at once")
    parser.add_argument("--sweep-people", type=int, default=100, help="digests per sweep run")
    parser.add_argument("--window", type=int, default=WINDOW,
                        help="a person's unanswered messages before they wait (0: flood; "
                        "over the inbox's bounds messages are answered 'slow down')")  # fmt: skip
    parser.add_argument("--no-two-servers", action="store_true",
                        help="skip two servers behind one PostgreSQL")  # fmt: skip
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep scenarios")
    parser.add_argument("--no-single", action="store_true",
                        help="skip the one-server scenarios")  # fmt: skip
    parser.add_argument("--no-serve", action="store_true", help="only the sweep scenarios")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="the JSON results (the processes' log goes beside it)")  # fmt: skip
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--workers", type=int, default=0,
                        help="sva serve --workers N; half the kills then hit a worker")  # fmt: skip
    return parser.parse_args(argv)


def scenarios(args: argparse.Namespace) -> list[tuple[str, str, str, int]]:
    """(kind, channel, backend, servers) for each scenario asked for."""
    backends = args.backends.split(",")
    channels = args.channels.split(",")
    services = [channel for channel in channels if channel != "console"]
    found = [
        ("console" if channel == "console" else "serve", channel, backend, 1)
        for channel in channels
        for backend in backends
        if not args.no_serve and not args.no_single
    ]
    if "postgresql" in backends and not args.no_two_servers and not args.no_serve:
        found += [("serve", channel, "postgresql", 2) for channel in services]
    if not args.no_sweep:
        found += [("sweep", "slack", backend, 3 if backend == "postgresql" else 1)
                  for backend in backends]  # fmt: skip
    return found


async def run(args: argparse.Namespace) -> list[Outcome]:
    outcomes = []
    with tempfile.TemporaryDirectory() as scratch:
        log = args.results.with_suffix(".log")  # what the killed processes wrote
        args.results.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("")
        zygote = Zygote(log)
        try:
            for kind, channel, backend, servers in scenarios(args):
                name = " ".join(dict.fromkeys((kind, channel, backend)))  # "console sqlite"
                name += f" ×{servers}" if servers > 1 else ""
                name += f" +{args.workers}w" if args.workers and kind == "serve" else ""
                async with scratch_database(backend, args.postgres_url) as url:
                    outcome = await one(args, kind, channel, url, servers, Path(scratch), zygote)
                outcome.scenario = name
                print(line(outcome), flush=True)
                outcomes.append(outcome)
        finally:
            zygote.close()
    return outcomes


async def one(
    args: argparse.Namespace,
    kind: str,
    channel: str,
    url: str,
    servers: int,
    scratch: Path,
    zygote: Zygote,
) -> Outcome:
    from benchmarks.faults.setup import prepare

    if kind == "console":
        config = await prepare(scratch, url, ConsoleChannel(), args.people, sweep=False,
                               zygote=zygote)  # fmt: skip
        return await console_under_kills(
            zygote=zygote, config=config, scratch=scratch, kills=args.kills, people=args.people
        )
    service = SERVICES[channel]()
    await service.fake.start()
    try:
        people = args.sweep_people if kind == "sweep" else args.people
        config = await prepare(scratch, url, service, people, sweep=kind == "sweep", zygote=zygote)
        if kind == "sweep":
            return await sweep_under_kills(
                service=service, zygote=zygote, config=config,
                kills=args.sweep_kills or args.kills, sweepers=servers, people=people,
            )  # fmt: skip
        return await serve_under_kills(
            service=service, zygote=zygote, config=config, kills=args.kills,
            servers=servers, people=people, scenario=channel, window=args.window,
            workers=args.workers,
        )  # fmt: skip
    finally:
        await service.fake.stop()


def line(o: Outcome) -> str:
    extra = f"; {'; '.join(o.notes)}" if o.notes else ""
    return (
        f"{o.scenario:<28} kills {o.kills:>5}  sent {o.sent:>6}  acknowledged {o.acknowledged:>6}"
        f"  lost {o.lost}  duplicated {o.duplicated}  out of order {o.out_of_order}"
        f"  re-sent {o.resent}  slowed {o.slowed}"
        + (f"  (of the kills, workers {o.worker_kills})" if o.worker_kills else "")
        + f"  ({o.seconds:.0f} s){extra}"
    )


def failed(outcomes: list[Outcome]) -> bool:
    """Anything lost, duplicated or out of order, or a scenario that acknowledged nothing (it
    proved nothing)."""
    return any(o.lost or o.duplicated or o.out_of_order or not o.acknowledged for o in outcomes)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    outcomes = asyncio.run(run(args))
    total = Outcome("total")
    for o in outcomes:
        for key in (
            "kills",
            "sent",
            "acknowledged",
            "lost",
            "duplicated",
            "out_of_order",
            "resent",
            "slowed",
            "worker_kills",
        ):
            setattr(total, key, getattr(total, key) + getattr(o, key))
        total.seconds += o.seconds
    print(line(total))
    args.results.write_text(json.dumps([asdict(o) for o in [*outcomes, total]], indent=2) + "\n")
    return 1 if failed(outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
