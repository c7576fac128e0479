"""Load on the Slack endpoint (issue 5): N signed DM events at C concurrent connections.

`sva serve slack` runs in its own process on loopback, with the Slack Web API faked in this
process. Each of N people sends "prep CASE" once; a tenth of the events are then sent again
as Slack retries (same event id, X-Slack-Retry-Num). Reports the ack time of every request
(p50/p99/max), whether every one was acknowledged within 3 s, and whether every person got
exactly one answer (two messages: the introduction and the first question).

Then the same requests go, through the same client, to the acknowledgement floor
(`benchmarks/ack_floor.py`: verify, commit through the bare driver, 200, in a process of its
own), and the ack times are printed beside the floor's and as a ratio of them.

    .venv/bin/python -m benchmarks.slack_load --events 2000 --connections 100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

from storage.sealing import new_key_entry
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.integration.channels import slack_requests as slack
from tests.serving import free_port, wait_healthy

SVA = Path(sys.executable).with_name("sva")
ROOT = Path(__file__).resolve().parent.parent
ACK_LIMIT = 3.0
REPLIES_PER_PERSON = 2


def server_times(log: str) -> list[float]:
    """The handling time of every POST /slack/events in the server's request log, sorted."""
    found = re.findall(r"POST /slack/events \d+ ([0-9.]+)ms", log)
    return sorted(float(ms) for ms in found)


# The benchmarks' servers do not sweep at start (they would, started in the day's catch-up
# window): a sweep is not what they measure. `benchmarks.memory --after-sweep` sets its own.
NO_CATCH_UP = 'sweep_at = "07:30"\ncatch_up_until = "07:30"\n'


def write_setup(
    folder: Path,
    people: int,
    api_url: str,
    port: int,
    database: str,
    reminders: str = NO_CATCH_UP,
) -> Path:
    with (folder / "people.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "id",
                "name",
                "role",
                "team",
                "policy",
                "supervisor_id",
                "started_on",
                "case_holding",
                "chat",
            ]
        )
        out.writerow(["tm", "Manager", "team_manager", "Team", "", "", "2020-01-01", "no", ""])
        for n in range(people):
            row = [
                f"p{n}",
                f"Person {n}",
                "social_worker",
                "Team",
                "",
                "tm",
                "2020-01-01",
                "yes",
                f"slack:U{n}",
            ]
            out.writerow(row)
    config = folder / "sva.toml"
    config.write_text(
        f'[database]\nurl = "{database}"\n[server]\nport = {port}\n'
        f'[slack]\nbot_token = "{TOKEN}"\nsigning_secret = "{slack.SECRET}"\napi_url = "{api_url}"\n'
        f'[console]\nreminder_log = "{folder / "reminders.log"}"\n'
        f'[encryption]\nkeys = "{new_key_entry("bench")}"\n'
        f"[reminders]\n{reminders}"
    )
    # Each person prepares their own case (the access rules refuse anyone else's).
    with (folder / "cases.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["ref", "worker_id", "case_type", "risk", "allocated_on"])
        out.writerows([f"AB-{n}", f"p{n}", "child_in_need", "standard", "2026-01-05"]
                      for n in range(people))  # fmt: skip
    subprocess.run([SVA, "db", "init", "--config", str(config)], check=True, capture_output=True)
    for kind in ("people", "cases"):
        subprocess.run([SVA, "import", kind, str(folder / f"{kind}.csv"), "--config", str(config)],
                       check=True, capture_output=True)  # fmt: skip
    return config


async def fire(
    url: str, bodies: list[tuple[str, dict[str, str]]], connections: int, sent: dict[str, float]
) -> list[tuple[int, float]]:
    """POST every body; `sent` gets each event's first sending time (time.monotonic).
    Returns (status, seconds) per request in the order they were sent: the first
    `connections` of them each also opened a connection."""
    order = iter(range(len(bodies)))
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        slots = asyncio.Semaphore(connections)

        async def one(body: str, extra: dict[str, str]) -> None:
            async with slots:  # time from sending, not from waiting for a free connection
                index = next(order)
                started = time.monotonic()
                sent.setdefault(json.loads(body)["event"]["user"], started)
                status, _ = await slack.post(session, url, body, headers=extra)
                timed.append((index, status, time.monotonic() - started))

        timed: list[tuple[int, int, float]] = []
        await asyncio.gather(*(one(b, h) for b, h in bodies))
    return [(status, seconds) for _, status, seconds in sorted(timed)]


async def run(
    events: int, connections: int, database: str | None, workers: int = 0
) -> dict[str, object]:
    fake = FakeSlackApi()
    await fake.start()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_setup(
            folder, events, fake.api_url, port, database or f"sqlite:///{folder / 'sva.db'}"
        )
        # The server logs a line per request: to a file, as a pipe nobody reads fills and
        # blocks the server.
        log = (folder / "serve.log").open("w")
        command = [SVA, "serve", "slack", "--workers", str(workers), "--config", str(config)]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            await wait_healthy(url, server)
            originals: list[tuple[str, dict[str, str]]] = [(slack.dm_event(f"prep AB-{n}", user=f"U{n}", event_id=f"Ev{n}"), {})
                         for n in range(events)]  # fmt: skip
            retries = [(slack.dm_event(f"prep AB-{n}", user=f"U{n}", event_id=f"Ev{n}"),
                        {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
                       for n in range(0, events, 10)]  # fmt: skip
            sent: dict[str, float] = {}
            started = time.monotonic()
            results = await fire(url, originals + retries, connections, sent)
            acked_in = time.monotonic() - started
            expected = events * REPLIES_PER_PERSON
            with contextlib.suppress(AssertionError):  # counted below: unanswered people
                await fake.wait_for(lambda calls: len(fake.posted()) >= expected, timeout=300)
            await fake.settle(1.0)
            answered_in = max((c.at for c in fake.named("chat.postMessage")), default=started)
            answered_in -= started
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
            inside = server_times((folder / "serve.log").read_text())
            await fake.stop()
        at_floor = await ack_floor(originals + retries, connections, folder, database)
    per_user = Counter(body["channel"] for body in fake.posted())
    times = sorted(seconds for _, seconds in results)
    warm = sorted(seconds for _, seconds in results[connections:])
    floor = sorted(seconds for _, seconds in at_floor)
    floor_warm = sorted(seconds for _, seconds in at_floor[connections:])
    waits = answer_waits(fake, sent)
    return {
        "events": events,
        "retries": len(results) - events,
        "connections": connections,
        "workers": workers,
        "database": "postgresql" if database else "sqlite",
        "acknowledged_200": sum(status == 200 for status, _ in results),
        "within_3s": sum(seconds <= ACK_LIMIT for _, seconds in results),
        "ack_p50_ms": round(statistics.median(times) * 1000, 1),
        "ack_p99_ms": round(times[int(len(times) * 0.99) - 1] * 1000, 1),
        "ack_max_ms": round(times[-1] * 1000, 1),
        # The same requests at the acknowledgement floor (benchmarks/ack_floor.py), same client.
        "floor_ack_p50_ms": round(statistics.median(floor) * 1000, 1),
        "floor_ack_p99_ms": round(percentile(floor, 0.99) * 1000, 1),
        "ack_p99_x_floor": round(percentile(times, 0.99) / percentile(floor, 0.99), 2),
        # Without the first `connections` requests, which also opened the connections.
        "warm_ack_p99_ms": round(percentile(warm, 0.99) * 1000, 1),
        "floor_warm_ack_p99_ms": round(percentile(floor_warm, 0.99) * 1000, 1),
        # Where the ack time goes: the server's own time per request (its request log, from
        # the handler's start to its response: verify, commit to the inbox, answer 200); the
        # rest is waiting to be read off the socket and the client's own loop.
        "server_p50_ms": round(statistics.median(inside), 1) if inside else None,
        "server_p99_ms": round(inside[int(len(inside) * 0.99) - 1], 1) if inside else None,
        "all_acked_s": round(acked_in, 2),
        "all_answered_s": round(answered_in, 2),
        # Each person's wait: from sending their event to the last of its replies.
        "answer_p50_s": round(statistics.median(waits), 2) if waits else None,
        "answer_p99_s": round(waits[int(len(waits) * 0.99) - 1], 2) if waits else None,
        "answer_max_s": round(waits[-1], 2) if waits else None,
        "answered_within_3s": sum(wait <= ACK_LIMIT for wait in waits),
        "people_answered": len(per_user),
        "people_not_answered": events - len(per_user),
        "people_answered_twice": sum(n > REPLIES_PER_PERSON for n in per_user.values()),
    }


async def ack_floor(
    bodies: list[tuple[str, dict[str, str]]], connections: int, folder: Path, database: str | None
) -> list[tuple[int, float]]:
    """The same requests' ack times at the floor server (one of its own, a fresh table)."""
    port = free_port()
    url = database or f"sqlite:///{folder / 'floor.db'}"
    command = [sys.executable, "-m", "benchmarks.ack_floor", "--port", str(port),
               "--database-url", url, "--secret", slack.SECRET]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        await wait_healthy(f"http://127.0.0.1:{port}", server)
        results = await fire(f"http://127.0.0.1:{port}", bodies, connections, {})
    finally:
        server.terminate()
        server.wait(timeout=30)
    if any(status != 200 for status, _ in results):
        raise AssertionError("the floor server refused a request")
    return results


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[int(len(ordered) * fraction) - 1]


def answer_waits(fake: FakeSlackApi, sent: dict[str, float]) -> list[float]:
    """Per person, sorted: from their event's sending to the arrival of its last reply."""
    last: dict[str, float] = {}
    for call in fake.named("chat.postMessage"):
        last[call.body["channel"]] = max(last.get(call.body["channel"], 0.0), call.at)
    return sorted(at - sent[user] for user, at in last.items() if user in sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("SVA_BENCH_DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=0, help="sva serve --workers")
    args = parser.parse_args()
    report = asyncio.run(run(args.events, args.connections, args.database_url, args.workers))
    print(json.dumps(report, indent=2))
    ok = (
        report["within_3s"] == report["acknowledged_200"] == args.events + report["retries"]
        and report["people_not_answered"] == 0
        and report["people_answered_twice"] == 0
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
