"""What a daily sweep leaves in the server's memory (issue 16, target 4): the resident size of
a process doing what `sva serve` does at its sweep time, before and after sweeping
`--people` people (a digest each), with the day's reminders computed and queued in that
process (as `sva serve` did) or in a process of its own (as it does now:
bot/channels/sweep_process.py).

    python -m benchmarks.sweep_memory [--people 10000]

Each way runs in a fresh process, on a fresh SQLite database, for the next working day (given as a
date, so the figure does not depend on today being one; `benchmarks.memory --after-sweep`
measures a real `sva serve`, on working days only). The digests go to a fake channel that
counts them. Everything `sva serve` imports is imported before "before" is measured; the
day is worked out by the parent, so the measured process first asks about bank holidays
during its sweep, as an idle `sva serve` does.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import bot.cli.serving  # noqa: F401 - what `sva serve` has loaded when idle
from benchmarks.memory import IDLE_SETTLE, rss_mib
from benchmarks.slack_load import NO_CATCH_UP, write_setup
from bot.bootstrap import bootstrap, build_sweeper
from bot.channels.sweep_process import queue_in_child
from bot.config import load_config
from policies.rota import next_working_day
from tests.serving import free_port

WAYS = ("here", "child")


class CountingNotifier:
    """A fake channel: counts digests."""

    def __init__(self) -> None:
        self.digests = 0

    async def deliver(self, person_id: str, text: str) -> bool:
        self.digests += 1
        return True


async def sweep_once(config_path: Path, way: str, on: date) -> dict[str, object]:
    """In this process: measure, sweep `on` the way `way` says, measure again."""
    config = load_config(config_path)
    app = await bootstrap(config)
    try:
        notifier = CountingNotifier()
        sweeper = build_sweeper(config, app.store, notifier)
        await asyncio.sleep(IDLE_SETTLE)
        before = rss_mib(os.getpid())
        child = partial(queue_in_child, config, sweeper.assignment, sweeper.settings)
        queue = child if way == "child" else None
        report = await sweeper.sweep(on, datetime.now(UTC), recompute=False, queue=queue)
        del report
        gc.collect()
        await asyncio.sleep(IDLE_SETTLE)
        after = rss_mib(os.getpid())
    finally:
        await app.close()
    return {
        "way": way,
        "day": on.isoformat(),
        "digests": notifier.digests,
        "rss_before_mib": round(before, 1),
        "rss_after_mib": round(after, 1),
        "left_mib": round(after - before, 1),
    }


def measure(way: str, people: int, on: date) -> dict[str, object]:
    """One way, in a fresh process on a fresh database."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'sva.db'}"
        config = write_setup(folder, people, "http://127.0.0.1:9", free_port(), url, NO_CATCH_UP)
        command = [sys.executable, "-m", "benchmarks.sweep_memory", "--way", way,
                   "--config", str(config), "--on", on.isoformat()]  # fmt: skip
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        return dict(json.loads(done.stdout.splitlines()[-1]), people=people)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)  # one measurement
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--on", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        print(json.dumps(asyncio.run(sweep_once(args.config, args.way, args.on))))
        return
    on = next_working_day(date.today())
    print(json.dumps({way: measure(way, args.people, on) for way in WAYS}))


if __name__ == "__main__":
    main()
