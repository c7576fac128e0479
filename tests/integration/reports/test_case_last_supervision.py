"""Each case keeps its last held case supervision on its row (migration 0020), so a council
report need not seek it for 500,000 cases. The kept date must follow every import: sessions
imported before their case, a later session, a session re-imported as cancelled; a report
for an earlier period must still see the last supervision *before* its end; and the
migration fills the column for a database that already holds cases and sessions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, insert, select

from benchmarks.databases import scratch_database
from storage.db import create_engine, migrate
from storage.directory import DirectorySql, session_row
from storage.oversight import OversightSql
from storage.records import Case, Session
from storage.tables import CaseRow, SessionRow
from tests.conftest import BACKENDS, POSTGRES_URL

NOV = date(2026, 11, 2)
OCT = date(2026, 10, 5)
JAN = date(2026, 1, 5)
ENDS = [date(2026, 11, 30), date(2026, 10, 31), date(2026, 9, 30)]  # report periods' ends


def case_supervision(day: date, status: str = "held", ref: str = "AB-1") -> Session:
    return Session("case", day, "w1", "m1", ref, status)


def kept(connection: Connection, ref: str = "AB-1") -> date | None:
    column = CaseRow.last_case_supervision
    found: date | None = connection.scalar(select(column).where(CaseRow.ref == ref))
    return found


def with_directory(url: str, work: Callable[[DirectorySql, Connection], Any]) -> Any:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            return work(DirectorySql(connection), connection)
    finally:
        engine.dispose()


def test_the_kept_date_follows_every_import(database_url: str) -> None:
    case = Case("AB-1", "w1", "child_in_need", "standard", JAN)

    def sessions_first(directory: DirectorySql, db: Connection) -> date | None:
        directory.upsert_sessions([case_supervision(OCT)])  # before the case is known
        directory.upsert_cases([case])
        return kept(db)

    assert with_directory(database_url, sessions_first) == OCT

    def later_then_cancelled(directory: DirectorySql, db: Connection) -> list[date | None]:
        directory.upsert_sessions([case_supervision(NOV), case_supervision(date(2026, 11, 9))])
        seen = [kept(db)]
        directory.upsert_sessions([case_supervision(date(2026, 11, 9), "cancelled")])
        seen.append(kept(db))
        directory.upsert_sessions([case_supervision(NOV, "cancelled")])
        seen.append(kept(db))
        directory.upsert_cases([case])  # a re-import of the case leaves it as it is
        seen.append(kept(db))
        return seen

    assert with_directory(database_url, later_then_cancelled) == [
        date(2026, 11, 9),
        NOV,
        OCT,
        OCT,
    ]


def test_a_report_for_an_earlier_period_sees_the_last_supervision_before_its_end(
    database_url: str,
) -> None:
    def cases_on(directory: DirectorySql, db: Connection) -> list[Any]:
        directory.upsert_cases(
            [Case(ref, "w1", "child_in_need", "standard", JAN) for ref in ("AB-1", "AB-2", "AB-3")]
        )
        directory.upsert_sessions([case_supervision(OCT), case_supervision(NOV)])
        directory.upsert_sessions([case_supervision(NOV, ref="AB-2")])  # none before
        directory.upsert_sessions([case_supervision(OCT, ref="AB-3")])  # none after
        oversight = OversightSql(db)
        return [sorted((c.ref, last) for c, last in oversight.cases(None, on)) for on in ENDS]

    assert with_directory(database_url, cases_on) == [
        [("AB-1", NOV), ("AB-2", NOV), ("AB-3", OCT)],
        [("AB-1", OCT), ("AB-2", None), ("AB-3", OCT)],
        [("AB-1", None), ("AB-2", None), ("AB-3", None)],
    ]

    def groups_on(directory: DirectorySql, db: Connection) -> list[Any]:
        cutoffs = [date(2026, 10, 1), date(2026, 11, 1)]
        found = []
        for on in ENDS:
            groups = OversightSql(db).case_groups(None, on, cutoffs)
            found.append(sorted((g.first, g.cases, g.earliest, g.before) for g in groups))
        return found

    assert with_directory(database_url, groups_on) == [
        [(False, 3, OCT, (0, 1))],  # AB-3 last supervised in October, the others in November
        # AB-1 sought back to October, counted with AB-3 (kept); AB-2 not yet supervised
        [(False, 2, OCT, (0, 2)), (True, 1, JAN, (1, 1))],
        [(True, 3, JAN, (3, 3))],  # none supervised by the end of September
    ]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_migration_fills_the_column_for_cases_already_there(backend: str) -> None:
    async with scratch_database(backend, POSTGRES_URL) as url:
        engine = create_engine(url)
        try:
            migrate(engine, "0019_person_events")
            with engine.begin() as db:
                _old_rows(db)
            migrate(engine)
            with engine.begin() as db:
                assert [kept(db, ref) for ref in ("AB-1", "AB-2")] == [NOV, None]
        finally:
            engine.dispose()


def _old_rows(db: Connection) -> None:
    """A case supervised twice (once cancelled later) and a case never supervised, written
    as the code before migration 0020 wrote them."""
    for ref in ("AB-1", "AB-2"):
        case = {"ref": ref, "worker_id": "w1", "case_type": "child_in_need", "risk": "standard"}
        db.execute(insert(CaseRow), [case | {"allocated_on": date(2026, 1, 5)}])
    sessions = [
        case_supervision(OCT),
        case_supervision(NOV),
        case_supervision(date(2026, 11, 20), "cancelled"),
        case_supervision(date(2026, 11, 25), ref="AB-3"),  # another case's
    ]
    rows = [session_row(s) for s in sessions]
    db.execute(insert(SessionRow), rows)


def test_two_transactions_writing_one_cases_sessions_leave_the_latest_date(
    database_url: str,
) -> None:
    """An import holding a case while a `/session` for it waits: once the import commits,
    the waiting write must see its sessions (on PostgreSQL a refresh that waited for the
    row would otherwise still read the sessions as they were before the import)."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as db:
            DirectorySql(db).upsert_cases([Case("AB-1", "w1", "child_in_need", "standard", JAN)])
        importing = engine.connect()
        importing.begin()
        DirectorySql(importing).upsert_sessions([case_supervision(NOV)])
        recorded = threading.Event()

        def record_october() -> None:
            with engine.begin() as db:  # waits for the import (the case, or the file)
                DirectorySql(db).upsert_sessions([case_supervision(OCT)])
            recorded.set()

        waiting = threading.Thread(target=record_october)
        waiting.start()
        assert not recorded.wait(0.5)  # still waiting for the import
        importing.commit()
        importing.close()
        waiting.join(30)
        assert recorded.is_set()
        with engine.connect() as db:
            assert kept(db) == NOV
    finally:
        engine.dispose()
