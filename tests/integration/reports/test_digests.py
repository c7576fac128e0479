"""Managers' weekly digest and monthly report, queued in the outbox once, on SQLite and
PostgreSQL, with the hand-worked team."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.operations.reports.digests import (
    DigestSettings,
    ManagerDigests,
    first_working_day_of_week,
    nth_working_day_of_month,
)
from policies.assignment import PackAssignment, TeamSettings
from policies.packs import load_packs
from storage.records import OutboxItem
from storage.sql import SqlStore
from tests import oversight_fixture as fx

MONDAY = date(2026, 11, 30)
FIRST_WORKING_DAY_OF_DECEMBER = date(2026, 12, 1)


def digests(store: SqlStore) -> ManagerDigests:
    teams = {
        fx.TEAM: TeamSettings(policy="manchester"),
        fx.OTHER_TEAM: TeamSettings(policy="manchester"),
    }
    policies = PackAssignment(packs=load_packs(), default="manchester", teams=teams)
    return ManagerDigests(
        store=store, policies=policies, settings=DigestSettings(dashboard_url="https://sva.example")
    )


async def queued(store: SqlStore) -> dict[str, OutboxItem]:
    now = datetime(2026, 12, 2, tzinfo=UTC)
    items = await store.run_sql(lambda tx: tx.outbox.claim("t", now, timedelta(minutes=5), 100))
    return {i.key: i for i in items}


def test_which_days() -> None:
    assert first_working_day_of_week(MONDAY) and not first_working_day_of_week(date(2026, 12, 1))
    assert first_working_day_of_week(date(2026, 12, 29))  # Monday 28 December is a bank holiday
    assert nth_working_day_of_month(FIRST_WORKING_DAY_OF_DECEMBER, 1)
    assert nth_working_day_of_month(date(2027, 1, 5), 2)  # 1 January is a holiday; 4th is the 1st


async def test_the_weekly_digest_counts_the_managers_span(sql_store: SqlStore) -> None:
    await fx.seed(sql_store)
    assert await digests(sql_store).run(MONDAY) == 3  # h1, m1, m2 supervise someone
    assert await digests(sql_store).run(MONDAY) == 3  # same keys: nothing new is queued
    items = await queued(sql_store)
    assert len(items) == 3
    maya = items["m1|oversight|weekly-2026-W49"]
    # sw3 (due 7 Nov) and sw4 (never supervised) are overdue; sw1, sw2 in time; st1 no rule.
    assert maya.text.startswith(
        "This week: 2 people overdue for individual supervision, 1 record late, 0 decisions waiting"
    )
    assert "https://sva.example/dashboard" in maya.text


async def test_the_monthly_report_goes_out_on_the_first_working_day(sql_store: SqlStore) -> None:
    await fx.seed(sql_store)
    assert await digests(sql_store).run(date(2026, 12, 2)) == 0  # a Wednesday, not the day
    assert await digests(sql_store).run(FIRST_WORKING_DAY_OF_DECEMBER) == 3
    maya = (await queued(sql_store))["m1|oversight|monthly-2026-11"]
    # m1's span (not m1): sw1 on time, sw2 late, sw3 missed; records 1/3; group run by m1 is
    # outside the span; CR-2 is the one overdue case of six.
    assert "individual supervision 1 of 3 on time (1 late, 1 missed)" in maya.text
    assert "records written in time 1 of 3 on time (1 late, 1 missed)" in maya.text
    assert "cases overdue at month end: 1 of 6" in maya.text
    assert "sva report compliance --manager m1 --month 2026-11" in maya.text
