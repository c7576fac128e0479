"""One reminder sweep over an existing database, measured: wall time and peak memory.

    python -m benchmarks.sweep --url sqlite:///national.db

Runs in its own process so that its peak resident memory is the sweep's alone. Reminders are
delivered through the console channel to a temporary log file. A second sweep of the same
day follows, to show the cost of a re-run that finds everything already sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.generate import SWEEP_DAY
from bot.bootstrap import build_sweeper
from bot.config import Config, ConsoleConfig
from bot.operations.notify import ConsoleNotifier
from storage.db import create_engine
from storage.sql import SqlStore


async def measure(url: str) -> dict[str, object]:
    store = SqlStore(engine=create_engine(url))
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "reminders.log"
        config = Config(console=ConsoleConfig(reminder_log=log))
        sweeper = build_sweeper(config, store, ConsoleNotifier(log=log))
        started = time.perf_counter()
        first = await sweeper.sweep(SWEEP_DAY, datetime.now(UTC))
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = await sweeper.sweep(SWEEP_DAY, datetime.now(UTC))
        second_seconds = time.perf_counter() - started
    await store.close()
    return {
        "sweep_seconds": round(first_seconds, 2),
        "phases": first.seconds,
        "reminders": len(first.reminders),
        "digests_sent": first.digests,
        "not_computed": sum(first.problems.values()),
        "rerun_seconds": round(second_seconds, 2),
        "rerun_sent": len(second.sent_now),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    print(json.dumps(asyncio.run(measure(parser.parse_args().url))))


if __name__ == "__main__":
    main()
