"""Managers in chat: a weekly digest and the monthly compliance report, through the outbox.

On the first working day of each week every manager (anyone with people below them in the
supervisor chain) is told how their span stands ("this week: 3 people overdue, 2 records
late, 1 decision waiting") with the dashboard's address. On the configured working day of
each month they get the month just ended's compliance figures: Bexley's team managers
report monthly on the frequency of supervision (lines 327-330); no seed names the day, so it
is configuration (`oversight.monthly_report_working_day`, default the first).

Each message goes into the outbox under a unique key (manager, week or month), so running
the job twice, or on several servers, sends it once; the dispatcher delivers it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.operations.reminders import next_after_sweep
from bot.operations.reports.compliance import compute
from bot.operations.reports.keeping import last_month
from bot.operations.reports.load import read_for
from bot.operations.reports.measures import Tally
from bot.operations.reports.overview import below, team_overview
from policies.assignment import PackAssignment
from policies.intervals import is_working_day
from storage.records import OutboxItem, Person
from storage.sql import SqlStore, SqlTransaction

log = logging.getLogger(__name__)
AFTER_SWEEP = timedelta(minutes=1)  # the sweep first


@dataclass(frozen=True, slots=True)
class DigestSettings:
    dashboard_url: str  # where the dashboard is (people sign in with /dashboard in chat)
    weekly: bool = True
    monthly: bool = True
    monthly_working_day: int = 1
    go_live: date | None = None  # `[reminders] go_live`: nobody overdue from before it


def first_working_day_of_week(day: date) -> bool:
    monday = day - timedelta(days=day.weekday())
    return next(d for d in (monday + timedelta(n) for n in range(7)) if is_working_day(d)) == day


def nth_working_day_of_month(day: date, n: int) -> bool:
    first = day.replace(day=1)
    days = [first + timedelta(k) for k in range(31) if (first + timedelta(k)).month == day.month]
    working = [d for d in days if is_working_day(d)]
    return len(working) >= n and working[n - 1] == day


class ManagerDigests:
    """Queues the weekly digests and monthly reports due on a day."""

    def __init__(
        self, *, store: SqlStore, policies: PackAssignment, settings: DigestSettings
    ) -> None:
        self.store, self.policies, self.settings = store, policies, settings

    async def run(self, on: date) -> int:
        """Queue what is due on `on`; returns how many messages were queued (new or not)."""
        kinds = []
        if self.settings.weekly and first_working_day_of_week(on):
            kinds.append("weekly")
        if self.settings.monthly and nth_working_day_of_month(
            on, self.settings.monthly_working_day
        ):
            kinds.append("monthly")
        if not kinds:
            return 0
        return await self.store.run_sql(lambda tx: self._queue(tx, on, kinds))

    def _queue(self, tx: SqlTransaction, on: date, kinds: list[str]) -> int:
        managers = sorted({p.supervisor_id for p in tx.oversight.people() if p.supervisor_id})
        items = []
        for manager in managers:
            span = below(tx, manager)
            if not span:
                continue
            if "weekly" in kinds:
                items.append(self.weekly(tx, manager, span, on))
            if "monthly" in kinds:
                items.append(self.monthly(tx, manager, span, on))
        tx.outbox.enqueue(items, on, token=None, now=None)
        return len(items)

    def weekly(self, tx: SqlTransaction, manager: str, span: list[Person], on: date) -> OutboxItem:
        overdue = late = 0
        waiting: set[int] = set()
        for team in sorted({p.team for p in span}):
            members = [p for p in span if p.team == team]
            o = team_overview(tx, members, team, on, self.policies, self.settings.go_live)
            overdue += sum(1 for m in o.members if m.status == "overdue")
            late += sum(m.records_late for m in o.members)
            waiting |= {number for number, *_ in o.awaiting}
        text = (
            f"This week: {_count(overdue, 'person', 'people')} overdue for individual supervision, "
            f"{_count(late, 'record')} late, {_count(len(waiting), 'decision')} waiting to be acknowledged. "
            f"Dashboard: {self.settings.dashboard_url}/dashboard (type /dashboard for a sign-in link)."
        )
        week = f"{on.isocalendar().year}-W{on.isocalendar().week:02d}"
        return OutboxItem(
            f"{manager}|oversight|weekly-{week}", manager, "oversight", None, on, text
        )

    def monthly(self, tx: SqlTransaction, manager: str, span: list[Person], on: date) -> OutboxItem:
        period = last_month(on)
        last = period.end
        report = compute(
            read_for(
                tx,
                span,
                [p.id for p in span],
                period,
                f"span of {manager}",
                self.policies,
                self.settings.go_live,
            ),
            self.policies,
        )
        t = report.total().tallies
        parts = [
            _figure("individual supervision", t.get("individual")),
            _figure("records written in time", t.get("record")),
            _figure("sign-off in time", t.get("signoff")),
            _figure("group supervision", t.get("group")),
        ]
        cases = t.get("case", Tally())
        parts.append(f"cases overdue at month end: {cases.missed} of {cases.due}")
        text = (
            f"Supervision in {last:%B %Y} (everyone you supervise or manage): "
            + "; ".join(p for p in parts if p)
            + f". The full report, with each rule and its source: {self.settings.dashboard_url}/dashboard"
            f" or sva report compliance --manager {manager} --month {last:%Y-%m}."
        )
        return OutboxItem(
            f"{manager}|oversight|monthly-{last:%Y-%m}", manager, "oversight", None, on, text
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _figure(label: str, tally: Tally | None) -> str:
    if tally is None or tally.due == 0:
        return ""
    return (
        f"{label} {tally.on_time} of {tally.due} on time ({tally.late} late, {tally.missed} missed)"
    )


async def daily_digests(
    digests: ManagerDigests, at: datetime, today: Callable[[], datetime] = datetime.now
) -> None:
    """Run the digests every day at `at`'s time of day (just after the sweep), forever."""
    while True:
        now = today()
        wake = next_after_sweep(now, at, AFTER_SWEEP)
        await asyncio.sleep((wake - now).total_seconds())
        try:
            queued = await digests.run(wake.date())
            log.info("queued %d manager digests at %s", queued, f"{datetime.now(UTC):%H:%M}")
        except Exception:  # tomorrow's run tries again; nothing half-written (one transaction)
            log.exception("manager digests failed")
