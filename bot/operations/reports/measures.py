"""The arithmetic of compliance: what was due in a period, and whether it was met on time.

Pure functions over dates; every count keeps the rules (pack rule id and seed citation) it was
measured against, so each figure in a report can be traced to the policy.

Readings (the closing note of issue 17 repeats them):
- A due date counts in a period when it falls on or before the period's last day and was still
  open at the period's start (a due date missed before the period and met inside it is late).
- Each held session meets the oldest open due date; met on or before it is on time, after it
  is late by the difference in days. A due date before the period's last day with no session
  by then is missed (overdue by the days to the period's last day). A due date on the last
  day itself cannot be judged yet and is not counted.
- Deadlines (records, sign-off) are judged as of the period's last day in the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import NamedTuple

from policies.due import Due

# Rule and Tally are named tuples, not frozen dataclasses: a council-wide report makes about
# a million of them, and a frozen dataclass takes four times as long to make.


class Rule(NamedTuple):
    """The rule a figure was measured against: `<pack>.<section>.<id>` and its citation."""

    id: str
    cite: str


class Tally(NamedTuple):
    """One measure's figures: due, met on time, met late, missed; the worst lateness."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    worst_days: int = 0
    rules: tuple[Rule, ...] = ()

    def plus(self, other: Tally) -> Tally:
        """Both tallies' figures together (`+` would join the tuples)."""
        rules = self.rules + tuple(r for r in other.rules if r not in self.rules)
        return Tally(
            self.due + other.due,
            self.on_time + other.on_time,
            self.late + other.late,
            self.missed + other.missed,
            max(self.worst_days, other.worst_days),
            rules,
        )

    @property
    def percent_on_time(self) -> int | None:
        """Whole per cent of due items met on time (None when nothing was due)."""
        return None if self.due == 0 else round(100 * self.on_time / self.due)

    def counted(self, due: Due, *, met: date | None, end: date) -> Tally:
        """This tally with one due date judged as of `end` (met on `met`, or not yet)."""
        rule = Rule(due.rule, due.cite)
        rules = self.rules if rule in self.rules else (*self.rules, rule)
        n, on_time, late, missed, worst = (
            self.due + 1, self.on_time, self.late, self.missed, self.worst_days
        )  # fmt: skip
        if met is not None and met <= due.due:
            return Tally(n, on_time + 1, late, missed, worst, rules)
        if met is not None and met <= end:
            return Tally(n, on_time, late + 1, missed, max(worst, (met - due.due).days), rules)
        if due.due >= end:
            return self  # due on (or after) the last day: not yet judged
        return Tally(n, on_time, late, missed + 1, max(worst, (end - due.due).days), rules)


def chased(due: Due, go_live: date | None) -> Due:
    """`due`, or when it falls before go-live (`[reminders] go_live`) the same rule due on
    go-live: nothing is overdue from before the council started using the assistant (as on
    the dashboard and in the reminders)."""
    if go_live is None or due.due >= go_live:
        return due
    return Due(go_live, due.rule, due.cite)


def cadence(
    next_due: Callable[[date | None], Due],
    last: date | None,
    held: Iterable[date],
    start: date,
    end: date,
) -> Tally:
    """A recurring duty (individual or group supervision) over [start, end].

    `next_due(last)` gives the due date after a session on `last` (None: never held); `held`
    are the dates of sessions held within the period.
    """
    tally = Tally()
    for day in sorted(d for d in held if start <= d <= end):
        due = next_due(last)
        if due.due <= end:
            tally = tally.counted(due, met=day, end=end)
        last = day
    due = next_due(last)
    if due.due <= end:
        tally = tally.counted(due, met=None, end=end)
    return tally


def deadline(due: Due, done: date | None, end: date) -> Tally:
    """One deadline (a record to write, a record to sign) judged as of `end`."""
    if due.due > end and (done is None or done > end):
        return Tally()  # not due yet
    return Tally().counted(due, met=done if done is not None and done <= end else None, end=end)


def standing(due: Due, end: date) -> Tally:
    """Something with a due date (a case's next case supervision) as it stands on `end`:
    in time, or overdue by the days since its due date."""
    rule = Rule(due.rule, due.cite)
    if due.due >= end:
        return Tally(due=1, on_time=1, rules=(rule,))
    return Tally(due=1, missed=1, worst_days=(end - due.due).days, rules=(rule,))


class Accumulator:
    """Adds up many tallies or due dates cheaply (a national report adds millions)."""

    __slots__ = ("due", "late", "missed", "on_time", "rules", "worst_days")

    def __init__(self) -> None:
        self.due = self.on_time = self.late = self.missed = self.worst_days = 0
        self.rules: dict[Rule, None] = {}  # in the order first met

    def add(self, tally: Tally) -> None:
        self.due += tally.due
        self.on_time += tally.on_time
        self.late += tally.late
        self.missed += tally.missed
        self.worst_days = max(self.worst_days, tally.worst_days)
        for rule in tally.rules:
            self.rules[rule] = None

    def stand(self, due: Due, end: date) -> None:
        """`standing(due, end)`, added in place."""
        self.due += 1
        self.rules[Rule(due.rule, due.cite)] = None
        if due.due >= end:
            self.on_time += 1
        else:
            self.missed += 1
            self.worst_days = max(self.worst_days, (end - due.due).days)

    def deadline(self, due: Due, done: date | None, end: date) -> None:
        """`deadline(due, done, end)`, added in place (a council has 300,000 a month)."""
        if done is not None and done > end:
            done = None  # done after the period: as of its last day, not done
        if done is None and due.due >= end:
            return  # not due yet, or due on the last day: not judged
        self.due += 1
        self.rules[Rule(due.rule, due.cite)] = None
        if done is None:
            self.missed += 1
            self.worst_days = max(self.worst_days, (end - due.due).days)
        elif done <= due.due:
            self.on_time += 1
        else:
            self.late += 1
            self.worst_days = max(self.worst_days, (done - due.due).days)

    def count(self, due: int, overdue: int, longest: int, rule: Rule) -> None:
        """`due` things standing on the last day, `overdue` of them overdue, the longest by
        `longest` days, all measured against `rule` (a group of cases counted at once)."""
        self.due += due
        self.on_time += due - overdue
        self.missed += overdue
        self.worst_days = max(self.worst_days, longest)
        self.rules[rule] = None

    def tally(self, *, by_id: bool = False) -> Tally:
        """The sums as a tally; its rules in the order first met, or sorted (`by_id`)."""
        rules = tuple(sorted(self.rules) if by_id else self.rules)
        return Tally(self.due, self.on_time, self.late, self.missed, self.worst_days, rules)
