"""Resident memory of `sva serve`: idle with every channel configured, then with 10,000
conversations in flight (each person has started a preparation dialog over Slack and been
asked its first question; the dialogs live in the database, not in the process).

    python -m benchmarks.memory [--conversations 10000] [--database-url URL] [--after-sweep]
                                [--on YYYY-MM-DD]

`--after-sweep`: the server starts in its catch-up window and sweeps the day's reminders for
everyone at once (a digest each on a working day) before "idle" is measured, as a server is
from its daily sweep on. On a weekend or bank holiday the benchmark, and the server with it,
runs on the next working day (`--on` names another), its clock moved by libfaketime
(benchmarks/faked_day.py): a real server's sweep, not a stand-in.

The Slack and Telegram Web APIs are faked in this process; Teams runs in anonymous mode.
People start in waves of `--wave` (default 2,000), each wave answered before the next: the
inbox refuses ("slow down") events beyond 5,000 waiting in one process, which 10,000 at once
would exceed; the dialogs of every wave stay in progress.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import aiohttp

from benchmarks.faked_day import move_to
from benchmarks.faults.serve import answer_workers
from benchmarks.slack_load import NO_CATCH_UP, REPLIES_PER_PERSON, SVA, fire, write_setup
from policies.rota import next_working_day
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegramApi
from tests.integration.channels import slack_requests as slack
from tests.serving import free_port, wait_healthy

IDLE_SETTLE = 3.0
# "Idle after a sweep" is the server as it sits through the rest of the day: measured a
# minute on, once the background delivery round after the sweep has run (every 30 s).
SWEEP_SETTLE = 65.0
CATCH_UP_ALL_DAY = 'sweep_at = "00:00"\ncatch_up_until = "23:59:59"\n'


def rss_mib(pid: int) -> float:
    """The process's resident set size now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def all_channels(config: Path, telegram_url: str) -> None:
    """Add Telegram (webhook) and Teams (anonymous) to the Slack setup's configuration."""
    with config.open("a") as f:
        f.write(
            f'[telegram]\ntoken = "{TELEGRAM_TOKEN}"\nwebhook_secret = "bench-secret"\n'
            f'api_url = "{telegram_url}"\n'
            '[teams]\napp_id = "00000000-0000-0000-0000-000000000001"\nauth = "anonymous"\n'
        )


async def swept(base: str, timeout: float = 900) -> None:
    """Wait until the server has finished a reminder sweep (its sweep histogram counts one)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            async with http.get(f"{base}/metrics") as response:
                if "sva_sweep_seconds_count 1.0" in await response.text():
                    return
            await asyncio.sleep(0.5)
    raise AssertionError("the server did not finish its sweep")


async def run(
    conversations: int,
    database: str | None,
    wave: int,
    workers: int = 0,
    after_sweep: bool = False,
) -> dict[str, object]:
    slack_api, telegram_api = FakeSlackApi(), FakeTelegramApi()
    await slack_api.start()
    await telegram_api.start()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = database or f"sqlite:///{folder / 'sva.db'}"
        reminders = CATCH_UP_ALL_DAY if after_sweep else NO_CATCH_UP
        config = write_setup(folder, conversations, slack_api.api_url, port, url, reminders)
        all_channels(config, telegram_api.api_url)
        # The server logs a line per request: to a file, as a pipe nobody reads fills and
        # blocks the server.
        log = (folder / "serve.log").open("w")
        command = [SVA, "serve", "--workers", str(workers), "--config", str(config)]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_healthy(base, server)
            just_swept = None
            if after_sweep:
                await swept(base)
                await asyncio.sleep(IDLE_SETTLE)
                just_swept = rss_mib(server.pid)
                await asyncio.sleep(SWEEP_SETTLE - IDLE_SETTLE)
            digests = len(slack_api.posted())
            await asyncio.sleep(IDLE_SETTLE)
            idle = rss_mib(server.pid)
            idle_workers = [rss_mib(pid) for pid in answer_workers(server.pid)]
            events = [(slack.dm_event(f"prep AB-{n}", user=f"U{n}", event_id=f"Ev{n}"), {})
                      for n in range(conversations)]  # fmt: skip
            started = time.perf_counter()
            for first in range(0, conversations, wave):
                await fire(base, events[first : first + wave], 100, {})
                expected = digests + min(first + wave, conversations) * REPLIES_PER_PERSON
                with contextlib.suppress(AssertionError):
                    await slack_api.wait_for(
                        lambda _, n=expected: len(slack_api.posted()) >= n, 600
                    )
            answered_in = time.perf_counter() - started
            await asyncio.sleep(IDLE_SETTLE)
            loaded = rss_mib(server.pid)
            loaded_workers = [rss_mib(pid) for pid in answer_workers(server.pid)]
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
            await slack_api.stop()
            await telegram_api.stop()
    return {
        "database": "postgresql" if database else "sqlite",
        "day": date.today().isoformat(),
        "swept_first": after_sweep,
        "digests_sent_by_the_sweep": digests,
        "rss_just_after_the_sweep_mib": just_swept and round(just_swept, 1),
        "idle_rss_mib": round(idle, 1),
        "conversations_in_flight": conversations,
        "answered": len({b["channel"] for b in slack_api.posted()[digests:]}),
        # 2 each: the introduction, the question
        "messages_posted": len(slack_api.posted()) - digests,
        "answered_in_s": round(answered_in, 1),
        "rss_with_conversations_mib": round(loaded, 1),
        "growth_mib": round(loaded - idle, 1),
        # `--workers`: each answer worker's own resident memory (the server's is above).
        "workers_idle_rss_mib": [round(m, 1) for m in idle_workers],
        "workers_rss_with_conversations_mib": [round(m, 1) for m in loaded_workers],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--wave", type=int, default=2_000)
    parser.add_argument("--database-url", default=os.environ.get("SVA_BENCH_DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=0, help="sva serve --workers")
    parser.add_argument("--after-sweep", action="store_true", help="sweep everyone first")
    parser.add_argument("--on", type=date.fromisoformat, help="run on this day (libfaketime)")
    args = parser.parse_args()
    on = args.on or (next_working_day(date.today()) if args.after_sweep else None)
    if on is not None:
        move_to(on)
    figures = run(args.conversations, args.database_url, args.wave, args.workers, args.after_sweep)
    print(json.dumps(asyncio.run(figures)))


if __name__ == "__main__":
    main()
