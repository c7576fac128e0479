"""Durable dialog turns through the service, the dialog engine and real storage, each figure
beside the bare-driver floor measured in the same run (benchmarks/floors.py).

A conversation is the 10-turn case preparation (/prep, statements 1-4, key dates, the
child's voice twice, the rationale, confirm); every reply is returned only after its turn
committed.

- sequential: N conversations one at a time, one process.
- in flight: N conversations, C of them at once (people typing at the same time), so the
  store may commit several turns together; nobody's reply leaves before their commit.
- flatness: the same 1,000 conversations measured with 1k / 10k / 100k others in progress.

    python -m benchmarks.dialog_turns --conversations 10000 --backends sqlite,postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import resource
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert

from benchmarks import floors
from benchmarks.databases import scratch_database
from bot.bootstrap import build_assistant
from bot.config import Config
from dialogs.messages import Inbound
from storage.db import create_engine, migrate
from storage.sql import SqlStore
from storage.tables import ConversationRow

SCRIPT = [
    "/prep CR-{n}",
    "Worried about school attendance and a bruise seen on {n}",
    "Grandmother visits daily and the school reports progress",
    "Visit on Monday and speak to the school nurse",
    "skip",
    "Review conference on the 4th",
    "She says home is calm most of the time",
    "skip",
    "skip",
    "confirm",
]
Figures = dict[str, Any]


def engine_for(url: str, synchronous: str, encrypted: bool = True) -> Engine:
    """Our engine, with answers sealed by a fresh data key unless `encrypted` is False. (The
    code before issue 16 had no synchronous setting, it used NORMAL; nor, before issue 15,
    encryption: the benchmark runs on both.)"""
    options: dict[str, Any] = {}
    parameters = inspect.signature(create_engine).parameters
    if "sqlite_synchronous" in parameters:
        options["sqlite_synchronous"] = synchronous
    if "keyring" in parameters and encrypted:
        from storage.sealing import new_key_entry, parse_keys

        options["keyring"] = parse_keys(new_key_entry("bench"))
    return create_engine(url, **options)


async def _converse(assistant: Any, people: Iterator[int], latencies: list[float]) -> None:
    for n in people:
        for line in SCRIPT:
            begin = time.perf_counter()
            await assistant.handle(Inbound(f"worker-{n}", "bench", line.format(n=n)))
            latencies.append(time.perf_counter() - begin)


async def turns(engine: Engine, conversations: int, in_flight: int, first: int = 0) -> Figures:
    """Run `conversations` dialogs, `in_flight` at a time, and time every turn."""
    store = SqlStore(engine=engine)
    assistant = build_assistant(Config(), store)
    latencies: list[float] = []
    people = iter(range(first, first + conversations))
    started, cpu = time.perf_counter(), _cpu_seconds()
    await asyncio.gather(*(_converse(assistant, people, latencies) for _ in range(in_flight)))
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    committer = getattr(store, "committer", None)
    batches = committer.batches if committer else None
    inline = getattr(committer, "inline_units", None)
    await store.close()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "turns": len(ms),
        "turns_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 3),
        "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 3),
        "commits": batches,
        "on_loop_thread": inline,  # commits run inline, without a thread hop
        # Busy machines stretch wall time; the process's own CPU time per turn moves less.
        "cpu_us_per_turn": round(cpu / len(ms) * 1e6, 1),
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def floor(backend: str, url: str, synchronous: str, people: int, connections: int) -> float:
    """The bare driver doing the same durable work: an upsert and a commit per turn."""
    if backend == "sqlite":
        path = url.removeprefix("sqlite:///") + "-floor"
        turns = 20_000 if synchronous == "normal" else 1_500
        return floors.sqlite_turns(path, turns, people, synchronous)
    plain = url.replace("postgresql+psycopg", "postgresql")
    return floors.postgres_turns(plain, 2_000 if connections > 1 else 600, people, connections)


async def measure(
    backend: str,
    conversations: int,
    in_flight: int,
    synchronous: str = "full",
    encrypted: bool = True,
) -> Figures:
    """One figure with its floor: `conversations` dialogs, `in_flight` at once."""
    async with scratch_database(backend) as url:
        engine = engine_for(url, synchronous, encrypted)
        migrate(engine)
        floor_connections = 1 if in_flight == 1 or backend == "sqlite" else 4
        base = floor(backend, url, synchronous, conversations, floor_connections)
        figures = await turns(engine, conversations, in_flight)
        engine.dispose()
    return {
        "backend": backend,
        "synchronous": synchronous if backend == "sqlite" else "on (synchronous_commit)",
        "encrypted": encrypted and "keyring" in inspect.signature(create_engine).parameters,
        "conversations": conversations,
        "in_flight": in_flight,
        **figures,
        "floor_per_second": round(base, 1),
        "floor_connections": floor_connections,
        "times_floor": round(base / figures["turns_per_second"], 2),
    }


async def flatness(backend: str, sizes: list[int], sample: int, synchronous: str) -> Figures:
    """`sample` conversations measured with each of `sizes` conversations in progress."""
    rows: list[Figures] = []
    async with scratch_database(backend) as url:
        engine = engine_for(url, synchronous)
        migrate(engine)
        filled = 0
        for size in sizes:
            prefill_more = size - sample - filled
            if prefill_more > 0:
                await asyncio.to_thread(_prefill_from, engine, filled, prefill_more)
                filled += prefill_more
            figures = await turns(engine, sample, 1, first=size * 10)
            rows.append({"in_progress": size, **figures})
        engine.dispose()
    small = rows[0]["turns_per_second"]
    return {
        "backend": backend,
        "synchronous": synchronous if backend == "sqlite" else "on",
        "sample_conversations": sample,
        "sizes": rows,
        "largest_vs_smallest": round(rows[-1]["turns_per_second"] / small, 3),
    }


def _prefill_from(engine: Engine, start: int, count: int) -> None:
    now = datetime.now(UTC)
    data = {"answers": {"worries": SCRIPT[1].format(n=0)}, "context": {"case_ref": "CR-0"}}
    with engine.begin() as db:
        for first in range(start, start + count, 10_000):
            rows = [
                {
                    "person_id": f"other-{n}",
                    "dialog": "prep",
                    "state": "working_well",
                    "data": data,
                    "version": 2,
                    "updated_at": now,
                }
                for n in range(first, min(start + count, first + 10_000))
            ]
            db.execute(insert(ConversationRow), rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--in-flight", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--synchronous", default="full", choices=["full", "normal"])
    parser.add_argument("--plaintext", action="store_true", help="no data key (issue 15 off)")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        sealed = not args.plaintext
        figures = measure(backend, args.conversations, args.in_flight, args.synchronous, sealed)
        print(asyncio.run(figures))


if __name__ == "__main__":
    main()
