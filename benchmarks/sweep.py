"""One reminder sweep over an existing database, measured: wall time, peak memory, and the
floor — the same rows read by the bare driver — in the same process.

    python -m benchmarks.sweep --url sqlite:///national.db

Runs in its own process so that its peak resident memory is the sweep's alone. First the
statements the sweep's load phase sends to the database are recorded (a dry read, which also
warms the cache the same for both); the floor is those statements replayed through the bare
driver with every row fetched. Then the sweep, delivering through the console channel to a
temporary log, and a second sweep of the same day (nothing new to send).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, event

from benchmarks.generate import SWEEP_DAY
from bot.bootstrap import build_sweeper, pack_assignment
from bot.config import Config, ConsoleConfig
from bot.operations.notify import ConsoleNotifier
from bot.operations.reminders import load_snapshot
from policies.reminders import ReminderSettings, case_horizon
from storage.db import create_engine
from storage.sealing import new_key_entry, parse_keys
from storage.sql import SqlStore, SqlTransaction

Statement = tuple[str, Any]


def recorded_load(engine: Engine, horizon_days: Any) -> list[Statement]:
    """The statements (SQL text and parameters) that loading the sweep's snapshot sends."""
    seen: list[Statement] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.begin() as db:
            load_snapshot(SqlTransaction(db), SWEEP_DAY, horizon_days)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def floor_seconds(url: str, statements: list[Statement]) -> tuple[float, int]:
    """Seconds for the bare driver to run `statements` and fetch every row; and the rows."""
    rows = 0
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        started = time.perf_counter()
        for statement, parameters in statements:
            rows += len(db.execute(statement, parameters).fetchall())
        elapsed = time.perf_counter() - started
        db.close()
        return elapsed, rows
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain) as pg:
        started = time.perf_counter()
        for statement, parameters in statements:
            rows += len(pg.execute(statement, parameters).fetchall())
        elapsed = time.perf_counter() - started
    return elapsed, rows


async def measure(url: str, synchronous: str) -> dict[str, object]:
    keys = parse_keys(new_key_entry("bench"))  # the sealed outbox text, as `sva serve` has it
    engine = create_engine(url, keyring=keys, sqlite_synchronous=synchronous)
    horizon = case_horizon(pack_assignment(Config()).packs.values(), SWEEP_DAY, _settings())
    statements = await asyncio.to_thread(recorded_load, engine, horizon)
    floor, floor_rows = await asyncio.to_thread(floor_seconds, url, statements)
    store = SqlStore(engine=engine)
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
        "synchronous": synchronous if url.startswith("sqlite") else "on",
        "sweep_seconds": round(first_seconds, 2),
        "floor_seconds": round(floor, 2),
        "floor_rows": floor_rows,
        "times_floor": round(first_seconds / floor, 2),
        "phases": first.seconds,
        "reminders": len(first.reminders),
        "digests_sent": first.digests,
        "not_computed": sum(first.problems.values()),
        "rerun_seconds": round(second_seconds, 2),
        "rerun_phases": second.seconds,
        "rerun_sent": len(second.sent_now),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _settings() -> ReminderSettings:
    reminders = Config().reminders
    return ReminderSettings(
        ahead_days=reminders.ahead_days,
        escalate_after_days=reminders.escalate_after_days,
        presenter_notice_days=reminders.presenter_notice_days,
        agenda_notice_days=reminders.agenda_notice_days,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--synchronous", default="full", choices=["full", "normal"])
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.url, args.synchronous))))


if __name__ == "__main__":
    main()
