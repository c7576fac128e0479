"""Keeping last month's council figures ready before anyone asks for them.

The first council report of a period measures every team (tens of seconds at national
scale); later ones reuse each team's kept share while its data are unchanged
(`bot.operations.reports.kept`). `sva serve` runs `keep_last_month` a minute after it starts
and each day after the sweep, in a process of its own (`bot.cli.keeping`), so the report `sva report compliance
--council` makes by default (the last complete month), and any team's or manager's report
of that month, is read from kept shares except for the teams that changed since.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from bot.operations.progress import UNWATCHED, ProgressSink
from bot.operations.reports.kept import report
from bot.operations.reports.load import month
from bot.operations.reports.model import Period
from bot.operations.reports.scope import Scope
from policies.assignment import PackAssignment
from storage.sql import SqlStore


@dataclass(frozen=True, slots=True)
class KeptRun:
    """One keeping run: the period, how many teams and people it covered, how many people
    had to be measured (their team's kept share was missing or out of date) and how long
    it took."""

    period: Period
    teams: int
    people: int
    measured: int
    seconds: float

    def summary(self) -> str:
        covered = f"{self.teams:,} teams, {self.people:,} people"
        afresh = (
            f"{self.measured:,} people measured afresh"
            if self.measured
            else "nothing changed since they were last kept"
        )
        return (
            f"kept the council's figures for {self.period.label} ({covered}; {afresh}) "
            f"in {self.seconds:.1f} s"
        )


class _Counted:
    """Passes progress on, and remembers how many people were measured."""

    def __init__(self, watching: ProgressSink) -> None:
        self.watching, self.measured = watching, 0

    def begin(self, label: str, total: int | None) -> None:
        self.measured = 0
        self.watching.begin(label, total)

    def advance(self, count: int = 1) -> None:
        self.measured += count
        self.watching.advance(count)


def last_month(today: date) -> Period:
    """The last complete month before `today` (what `sva report compliance` reports by
    default)."""
    return month(f"{today.replace(day=1) - timedelta(days=1):%Y-%m}")


async def keep_last_month(
    store: SqlStore,
    assignment: PackAssignment,
    today: date,
    go_live: date | None = None,
    progress: ProgressSink = UNWATCHED,
) -> KeptRun:
    """Make the council's report of the month before `today`, keeping every team's share
    that was missing or out of date; says what it did. StorageError: not kept."""
    started = time.perf_counter()
    counted = _Counted(progress)
    when = last_month(today)
    council = Scope("council", "council")
    made = await report(store, council, when, assignment, counted, go_live, must_keep=True)
    seconds = time.perf_counter() - started
    return KeptRun(when, len(made.teams), len(made.people), counted.measured, seconds)
