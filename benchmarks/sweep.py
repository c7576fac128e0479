"""One reminder sweep over an existing database, measured: wall time, peak memory, and the
floor — the same rows read by the bare driver — in the same process.

    python -m benchmarks.sweep --url sqlite:///national.db

Runs in its own process so that its peak resident memory is the sweep's alone. First the
statements the sweep's load phase sends to the database are recorded (a dry read, which also
warms the cache the same for both); the floor is those statements replayed through the bare
driver with every row fetched. Then the sweep, delivering through the console channel to a
temporary log, and a second sweep of the same day (nothing new to send) as the daily
schedule runs it (the day is recorded as swept: only the queue is looked at), then a third
as `sva remind` runs it (recomputed, to list the day's reminders).

The dispatch floor: each digest (or each `--digests-per-commit` digests, the setting of that
name) must be marked sent in its own commit before the next is delivered (a killed sweeper
re-sends at most that many digests), so the bare driver doing one `UPDATE … WHERE key IN (…)`
and one commit per that many digests, with the same `synchronous`, on a scratch copy of the
outbox's shape, is what dispatch cannot go below.

The queue floor: the bare driver writing the day's rows again (as the sweep stored them,
sealed) into an empty table of the outbox's shape and indexes, `ENQUEUE_ROWS` a commit.
`floors_together_seconds` is the load floor, the queue floor and the dispatch floor added:
what the sweep's reads and writes cost the driver alone, done one after the other as the
sweep does them, before any of its own work. `floors_together_times_floor` says how that
compares with the load floor that issue 16's "within 2×" is measured against.

The loop stall: `sva serve` sweeps on the event loop that also acknowledges chat events, so
while the first sweep runs a heartbeat asks for a 5 ms sleep over and over; how late it wakes
is how long an acknowledgement would have waited behind the sweep. And an acknowledgement
first commits the event to the inbox (bot/assistant/inbox.py): the ack stall is how long
such a commit, made every 20 ms as the inbox makes it, waited behind the sweep's own
transactions (SQLite has one writer at a time).

`--in-child`: the first sweep computes and queues in a process of its own, as `sva serve`
does (bot/channels/sweep_process.py), and this process sends; the loop and ack stalls are
then what the server sees while its child holds the write lock, and `child_peak_rss_mib` is
the child's peak.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, event

from benchmarks.generate import SWEEP_DAY
from bot.bootstrap import build_sweeper, pack_assignment
from bot.channels.sweep_process import queue_in_child
from bot.config import Config, ConsoleConfig, DatabaseConfig, EncryptionConfig, RemindersConfig
from bot.operations.notify import ConsoleNotifier
from bot.operations.reminders import ENQUEUE_ROWS, load_snapshot
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


def dispatch_floor(url: str, synchronous: str, digests: int, per_commit: int = 1) -> float:
    """Seconds for the bare driver to mark `digests` digests sent, `per_commit` a commit."""
    if digests == 0:
        return 0.0
    commits = [
        [str(i) for i in range(start, min(start + per_commit, digests))]
        for start in range(0, digests, per_commit)
    ]
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///") + ".floor.db"
        _remove(Path(path))  # a run stopped half way left it, its rows marked already
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous.upper()}")
        db.execute("CREATE TABLE IF NOT EXISTS o (key TEXT PRIMARY KEY, sent_at TEXT)")
        db.executemany(
            "INSERT OR IGNORE INTO o VALUES (?, NULL)", [(str(i),) for i in range(digests)]
        )
        started = time.perf_counter()
        for keys in commits:
            db.execute("BEGIN IMMEDIATE")
            marks = ",".join("?" * len(keys))
            db.execute(
                f"UPDATE o SET sent_at = 'x' WHERE key IN ({marks}) AND sent_at IS NULL", keys
            )
            db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        db.close()
        _remove(Path(path))
        return elapsed
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as pg:
        # Logged, as the outbox is (a temporary table's commits wait for no WAL flush).
        pg.execute("DROP TABLE IF EXISTS dispatch_floor")
        pg.execute("CREATE TABLE dispatch_floor (key TEXT PRIMARY KEY, sent_at TEXT)")
        try:
            pg.execute(
                "INSERT INTO dispatch_floor SELECT g::text, NULL FROM generate_series(0, %s) g",
                (digests,),
            )
            started = time.perf_counter()
            for keys in commits:
                with pg.transaction():
                    pg.execute(
                        "UPDATE dispatch_floor SET sent_at = 'x' WHERE key = ANY(%s)", (keys,)
                    )
            elapsed = time.perf_counter() - started
        finally:
            pg.execute("DROP TABLE dispatch_floor")
    return elapsed


def queue_floor(url: str, synchronous: str) -> tuple[float, int]:
    """Seconds for the bare driver to write the outbox's rows again (the day's reminders,
    already made and sealed, read back after the sweep) into an empty table of the outbox's
    shape and indexes, `ENQUEUE_ROWS` a commit, with the same `synchronous`; and how many
    rows that table then holds. On PostgreSQL an ordinary (logged) table, as the outbox is:
    a temporary one writes no WAL, and its commits would wait for no flush."""
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        rows = db.execute(f"SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY person_id").fetchall()
        shape = [sql for (sql,) in db.execute(OUTBOX_SHAPE) if sql]
        db.close()
        path = Path(url.removeprefix("sqlite:///") + ".queue-floor.db")
        _remove(path)  # a run stopped half way left it
        try:
            scratch = sqlite3.connect(path, isolation_level=None)
            scratch.execute("PRAGMA journal_mode=WAL")
            scratch.execute(f"PRAGMA synchronous={synchronous.upper()}")
            scratch.execute("PRAGMA secure_delete=ON")  # as the project's connections have it
            for sql in shape:
                scratch.execute(sql)
            elapsed = _timed_batches(scratch.execute, scratch.executemany, rows, "?")
            (written,) = scratch.execute("SELECT count(*) FROM outbox").fetchone()
            scratch.close()
        finally:
            _remove(path)
        return elapsed, written
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as pg:
        rows = pg.execute(f"SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY person_id").fetchall()
        pg.execute("DROP TABLE IF EXISTS outbox_floor")
        pg.execute("CREATE TABLE outbox_floor (LIKE outbox INCLUDING ALL)")
        try:
            cursor = pg.cursor()
            elapsed = _timed_batches(
                pg.execute, cursor.executemany, rows, "%s", table="outbox_floor"
            )
            written = pg.execute("SELECT count(*) FROM outbox_floor").fetchone()
        finally:
            pg.execute("DROP TABLE outbox_floor")
        return elapsed, written[0] if written else 0


OUTBOX_COLUMNS = "key, person_id, kind, subject, case_ref, due, text, created_on"
OUTBOX_SHAPE = "SELECT sql FROM sqlite_master WHERE tbl_name = 'outbox' ORDER BY type DESC"


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _timed_batches(
    execute: Any, executemany: Any, rows: list[Any], marker: str, table: str = "outbox"
) -> float:
    # What `OutboxSql.enqueue` writes: the claim columns too, empty as the sweep queues them.
    insert = (
        f"INSERT INTO {table} ({OUTBOX_COLUMNS}, claimed_by, claimed_at) "
        f"VALUES ({', '.join([marker] * 8)}, NULL, NULL) ON CONFLICT (key) DO NOTHING"
    )
    started = time.perf_counter()
    for start in range(0, len(rows), ENQUEUE_ROWS):
        execute("BEGIN")
        executemany(insert, rows[start : start + ENQUEUE_ROWS])
        execute("COMMIT")
    return time.perf_counter() - started


async def measure(
    url: str, synchronous: str, per_commit: int = 1, in_child: bool = False
) -> dict[str, object]:
    key = new_key_entry("bench")  # the sealed outbox text, as `sva serve` has it
    keys = parse_keys(key)
    engine = create_engine(url, keyring=keys, sqlite_synchronous=synchronous)
    horizon = case_horizon(pack_assignment(Config()).packs.values(), SWEEP_DAY, _settings())
    statements = await asyncio.to_thread(recorded_load, engine, horizon)
    floor, floor_rows = await asyncio.to_thread(floor_seconds, url, statements)
    store = SqlStore(engine=engine)
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "reminders.log"
        config = Config(
            database=DatabaseConfig.model_validate({"url": url, "sqlite_synchronous": synchronous}),
            encryption=EncryptionConfig(keys=key),
            console=ConsoleConfig(reminder_log=log),
            reminders=RemindersConfig(digests_per_commit=per_commit),
        )
        sweeper = build_sweeper(config, store, ConsoleNotifier(log=log))
        child = partial(queue_in_child, config, sweeper.assignment, sweeper.settings)
        started = time.perf_counter()
        with heartbeat() as lateness, inbox_commits(store) as commits:
            first = await sweeper.sweep(
                SWEEP_DAY,
                datetime.now(UTC),
                recompute=not in_child,
                queue=child if in_child else None,
            )
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = await sweeper.sweep(SWEEP_DAY, datetime.now(UTC), recompute=False)
        second_seconds = time.perf_counter() - started
        started = time.perf_counter()
        third = await sweeper.sweep(SWEEP_DAY, datetime.now(UTC), recompute=True)
        third_seconds = time.perf_counter() - started
    await store.close()
    floor_dispatch = await asyncio.to_thread(
        dispatch_floor, url, synchronous, first.digests, per_commit
    )
    floor_queue, _ = await asyncio.to_thread(queue_floor, url, synchronous)
    # The least the sweep's own work could cost through the bare driver, done one after
    # the other as the sweep does it: read what it reads, write its rows, mark its digests.
    floor_all = floor + floor_queue + floor_dispatch
    return {
        "synchronous": synchronous if url.startswith("sqlite") else "on",
        "digests_per_commit": per_commit,
        "sweep_seconds": round(first_seconds, 2),
        "floor_seconds": round(floor, 2),
        "floor_rows": floor_rows,
        "times_floor": round(first_seconds / floor, 2),
        "phases": first.seconds,
        "in_child": in_child,
        "reminders": first.found,
        "digests_sent": first.digests,
        "not_computed": sum(first.problems.values()),
        "rerun_seconds": round(second_seconds, 2),
        "rerun_phases": second.seconds,
        "rerun_sent": len(second.sent_now),
        "rerun_recomputed_seconds": round(third_seconds, 2),
        "rerun_recomputed_phases": third.seconds,
        "dispatch_floor_seconds": round(floor_dispatch, 2),
        "dispatch_times_floor": round(first.seconds["dispatch"] / floor_dispatch, 2)
        if floor_dispatch
        else None,
        "queue_floor_seconds": round(floor_queue, 2),
        "floors_together_seconds": round(floor_all, 2),
        "floors_together_times_floor": round(floor_all / floor, 2),
        "times_floors_together": round(first_seconds / floor_all, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "child_peak_rss_mib": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "loop_stall_max_ms": round(max(lateness, default=0.0) * 1000, 1),
        "loop_stall_p99_ms": round(_p99(lateness) * 1000, 1),
        "ack_stall_max_ms": round(max(commits, default=0.0) * 1000, 1),
        "ack_stall_p99_ms": round(_p99(commits) * 1000, 1),
    }


@contextmanager
def inbox_commits(store: SqlStore, every: float = 0.02) -> Iterator[list[float]]:
    """While the block runs, commit an inbox event every `every` seconds as an acknowledgement
    does (urgent, small); yields how long each commit took (seconds), filled in as it runs."""
    took: list[float] = []

    async def commit(n: int) -> None:
        now = datetime.now(UTC)
        await store.run_sql(
            lambda tx: tx.inbox.add("bench", f"ack-{n}", "bench:acks", {}, now, processed=True),
            urgent=True,
            small=True,
        )

    async def commits() -> None:
        for n in itertools.count():
            started = time.perf_counter()
            await commit(n)
            took.append(time.perf_counter() - started)
            await asyncio.sleep(every)

    task = asyncio.get_running_loop().create_task(commits())
    try:
        yield took
    finally:
        task.cancel()


def _p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99)] if values else 0.0


@contextmanager
def heartbeat(every: float = 0.005) -> Iterator[list[float]]:
    """While the block runs, sleep `every` seconds over and over on the running loop; yields
    how late each wake-up was (seconds), filled in as the block runs."""
    lateness: list[float] = []

    async def beat() -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(every)
            lateness.append(time.perf_counter() - asked - every)

    task = asyncio.get_running_loop().create_task(beat())
    try:
        yield lateness
    finally:
        task.cancel()


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
    parser.add_argument("--digests-per-commit", type=int, default=1)
    parser.add_argument("--in-child", action="store_true", help="queue as `sva serve` does")
    args = parser.parse_args()
    figures = measure(args.url, args.synchronous, args.digests_per_commit, args.in_child)
    print(json.dumps(asyncio.run(figures)))


if __name__ == "__main__":
    main()
