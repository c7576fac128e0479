"""Keeping last month's council figures ahead of the first report (keeping.py): after a
keeping run, a report of that month measures nobody and equals a fresh one; a day's change
is measured again for the changed team only. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from bot.operations.reports.compliance import compute
from bot.operations.reports.keeping import keep_last_month, last_month
from bot.operations.reports.kept import report
from bot.operations.reports.load import load, month
from bot.operations.reports.scope import Scope
from policies.assignment import PackAssignment
from policies.packs import load_packs
from storage.sql import SqlStore, SqlTransaction
from tests import oversight_fixture as fx

COUNCIL = Scope("council", "council")
EARLY_DECEMBER = date(2026, 12, 3)  # the fixture's month, November, is the last complete one
RULES = PackAssignment(packs=load_packs(), default="manchester", teams={})


def test_last_month_is_the_last_complete_one() -> None:
    assert last_month(date(2026, 12, 1)) == month("2026-11")
    assert last_month(date(2026, 1, 31)) == month("2025-12")


@pytest.mark.asyncio
async def test_a_keeping_run_leaves_nobody_to_measure_when_the_month_is_reported(
    sql_store: SqlStore,
) -> None:
    await fx.seed(sql_store)
    first = await keep_last_month(sql_store, RULES, EARLY_DECEMBER)
    people = len(fx.PEOPLE)
    assert (first.period, first.people, first.measured) == (month(fx.MONTH), people, people)
    again = await keep_last_month(sql_store, RULES, EARLY_DECEMBER)
    assert (again.teams, again.people, again.measured) == (first.teams, people, 0)
    fresh = compute(await load(sql_store, COUNCIL, month(fx.MONTH), RULES), RULES)
    assert await report(sql_store, COUNCIL, month(fx.MONTH), RULES) == fresh


@pytest.mark.asyncio
async def test_after_a_days_work_only_the_changed_team_is_measured_again(
    sql_store: SqlStore,
) -> None:
    await fx.seed(sql_store)
    await keep_last_month(sql_store, RULES, EARLY_DECEMBER)

    def record_a_session(tx: SqlTransaction) -> int:
        tx.directory.upsert_sessions([fx.held("individual", date(2026, 11, 24), "sw3", "m1")])
        team = next(p.team for p in fx.PEOPLE if p.id == "sw3")
        return sum(1 for p in fx.PEOPLE if p.team == team)

    members = await sql_store.run_sql(record_a_session)
    later = await keep_last_month(sql_store, RULES, EARLY_DECEMBER)
    assert later.measured == members < len(fx.PEOPLE)
