"""A person's leave as a tidy set of periods: added leave joins the periods it overlaps or
touches, and removed days are cut out of whatever periods hold them.

Leave is kept tidy so that what `sva leave list` shows is what a manager would say ("on
leave 1 to 30 November"), not the history of how it was typed in, and so that a supervisor's
absence is one period with one first day (the cover reminder is sent once per first day:
`policies.person_reminders`). Leave recorded before this, overlapping, is tidied the next
time that person's leave is changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

DAY = timedelta(days=1)


class Leave(NamedTuple):
    """One period of leave, both days included."""

    starts_on: date
    ends_on: date

    def __str__(self) -> str:
        return f"{self.starts_on.isoformat()} to {self.ends_on.isoformat()}"


def joined(periods: Iterable[Leave]) -> list[Leave]:
    """The periods with those that overlap or follow on from each other made one, in order."""
    tidy: list[Leave] = []
    for period in sorted(periods):
        if tidy and period.starts_on <= tidy[-1].ends_on + DAY:
            last = tidy[-1]
            tidy[-1] = Leave(last.starts_on, max(last.ends_on, period.ends_on))
        else:
            tidy.append(period)
    return tidy


def without(periods: Iterable[Leave], gone: Leave) -> list[Leave]:
    """The periods with the days of `gone` taken out (a period may split in two)."""
    kept: list[Leave] = []
    for period in joined(periods):
        if period.ends_on < gone.starts_on or period.starts_on > gone.ends_on:
            kept.append(period)
            continue
        if period.starts_on < gone.starts_on:
            kept.append(Leave(period.starts_on, gone.starts_on - DAY))
        if period.ends_on > gone.ends_on:
            kept.append(Leave(gone.ends_on + DAY, period.ends_on))
    return kept
