"""Issue 16: the statements a sweep sends per digest seek an index; none scans a big table.

A per-digest statement that scans the sessions table costs a national sweep minutes (2,383
digests × 200,000 sessions); SQLite's own query plan says whether it seeks or scans. Run on
SQLite whatever the configured backends (its planner is the one that needs the help).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from storage.db import create_engine, migrate
from storage.records import OutboxItem
from storage.sql import SqlTransaction
from tests.factories import a_team, session

BIG_TABLES = ("sessions", "outbox")


@contextmanager
def recorded(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def scans(
    engine: Engine,
    work: Callable[[SqlTransaction], object],
    before: Callable[[SqlTransaction], object] = lambda tx: None,
) -> list[str]:
    """The plan steps of what `work` sends (after `before`) that read far too many rows."""
    with engine.begin() as db:
        before(SqlTransaction(db))
    with engine.begin() as db, recorded(engine) as seen:
        work(SqlTransaction(db))
    found = []
    with engine.connect() as db:
        raw = db.connection.driver_connection
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH")):
                continue
            if isinstance(parameters, list):  # executemany: every row has the same plan
                parameters = parameters[0]
            plan = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            found += [row[-1] for row in plan if _reads_many(row[-1])]
    return found


def _reads_many(step: str) -> bool:
    """A plan step that scans a big table, or seeks the outbox by its claim token or by
    `sent_at IS NULL` (all of a run's rows, or all unsent rows, for each digest)."""
    return any(step.startswith(f"SCAN {table}") for table in BIG_TABLES) or any(
        index in step for index in ("ix_outbox_claims", "ix_outbox_unsent")
    )


def a_database(tmp_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    migrate(engine)
    with engine.begin() as db:
        tx = SqlTransaction(db)
        tx.directory.upsert_people(a_team())
        tx.directory.upsert_sessions(
            [session("individual", f"2026-11-{d:02}", "sw1") for d in range(2, 21)]
        )
    return engine


def test_checking_whether_a_queued_reminder_was_satisfied_seeks_the_sessions_index(
    tmp_path: Path,
) -> None:
    engine = a_database(tmp_path)
    assert scans(engine, lambda tx: tx.sessions_on("sw1", date(2026, 11, 19))) == []
    engine.dispose()


def test_marking_a_digest_sent_seeks_the_outbox_by_key_not_by_the_runs_claims(
    tmp_path: Path,
) -> None:
    # Every row a dispatcher claims carries its token until the run ends: seeking by token
    # reads all of the run's rows for every digest (quadratic in the digests of a run).
    engine = a_database(tmp_path)
    now = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)

    keys = [f"sw1|individual|x{n}|2026-11-23" for n in range(12)]  # a long digest

    def claim(tx: SqlTransaction) -> None:
        items = [OutboxItem(k, "sw1", "individual", None, now.date(), "t") for k in keys]
        tx.outbox.enqueue(items, now.date(), token=None, now=None)
        tx.outbox.claim("t", now, timedelta(minutes=15), 500)

    mark = lambda tx: tx.outbox.mark_keys_sent("t", keys, now)  # noqa: E731
    assert scans(engine, mark, before=claim) == []
    engine.dispose()


def test_giving_back_a_persons_rows_seeks_the_outbox_by_key_not_by_the_runs_claims(
    tmp_path: Path,
) -> None:
    # Every claim of a dispatcher gives back the rows of the batch's last person (they may
    # continue past the batch): seeking them by the run's token read every row the run had
    # handled, 13 of a national sweep's 31 s of dispatch.
    engine = a_database(tmp_path)
    now = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    keys = [f"sw1|individual|x{n}|2026-11-23" for n in range(12)]

    def claim(tx: SqlTransaction) -> None:
        items = [OutboxItem(k, "sw1", "individual", None, now.date(), "t") for k in keys]
        tx.outbox.enqueue(items, now.date(), token=None, now=None)
        tx.outbox.claim("t", now, timedelta(minutes=15), 500)

    give_back = lambda tx: tx.outbox.release("t", keys)  # noqa: E731
    assert scans(engine, give_back, before=claim) == []
    engine.dispose()
