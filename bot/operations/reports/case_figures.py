"""Case supervision figures at the period's end, from counts the database made.

A case's next case supervision is due one interval of its rule after the date it is counted
from (its last case supervision, or its allocation when none was held); it is overdue on the
period's last day when that due date is before it. Every interval only moves a date later
(`Interval.after` and "the working day on or before" never go back), so for each rule there
is one cutoff: a case is overdue exactly when it is counted from a date before the rule's
cutoff. The report works the cutoffs out here with the rule's own due-date code
(`CaseSchedule.due`, the same as `sva policy due` and the dashboard), the database counts
the cases before each cutoff (`storage.oversight.CaseGroup`), and the longest overdue is
the due date of each group's earliest case, again from the rule. Each figure keeps the rule
(pack, citation) it was measured against.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product
from typing import NamedTuple

from bot.operations.reports.measures import Rule
from policies.assignment import PackAssignment
from policies.due import CaseSchedule, Due, NoRule, case_schedule
from policies.packs import PolicyPack
from policies.vocabulary import Risk
from storage.oversight import CaseGroup

SEARCH = timedelta(days=4000)  # longer than any rule's interval: due dates before then are late


def due_from(schedule: CaseSchedule, first: bool, since: date) -> Due:
    """The due date of a case counted from `since` (first: no case supervision held yet)."""
    return schedule.due(since, None if first else since)


def cutoff(schedule: CaseSchedule, first: bool, end: date) -> date:
    """The earliest date a case may be counted from and still not be overdue on `end`."""
    low, high = (end - SEARCH).toordinal(), (end + timedelta(days=31)).toordinal()

    def in_time(day: int) -> bool:
        return due_from(schedule, first, date.fromordinal(day)).due >= end

    if in_time(low) or not in_time(high):
        raise ValueError(f"{schedule.rule}: no cutoff for {end} within the search range")
    while high - low > 1:  # in_time(low) is false and in_time(high) true throughout
        middle = (low + high) // 2
        low, high = (low, middle) if in_time(middle) else (middle, high)
    return date.fromordinal(high)


class CaseRules:
    """Case schedules per (pack, case type, risk), resolved once, and their cutoffs."""

    def __init__(self, assignment: PackAssignment, end: date) -> None:
        self.assignment, self.end = assignment, end
        self._schedules: dict[tuple[str, str, str, bool], CaseSchedule | None] = {}
        self._cutoffs: dict[tuple[str, bool], date] = {}
        self._measured: dict[tuple[str, str, str, bool, bool], Measured | None] = {}

    def schedule(
        self, pack: PolicyPack, case_type: str, risk: str, key_worker: bool
    ) -> CaseSchedule | None:
        key = (pack.name, case_type, risk, key_worker)
        if key not in self._schedules:
            try:
                found = case_schedule(pack, case_type, risk, key_worker=key_worker)
            except NoRule:
                found = None
            self._schedules[key] = found
        return self._schedules[key]

    def cutoff(self, schedule: CaseSchedule, first: bool) -> date:
        key = (schedule.first_rule if first and schedule.first else schedule.rule, first)
        if key not in self._cutoffs:
            self._cutoffs[key] = cutoff(schedule, first, self.end)
        return self._cutoffs[key]

    def measured(
        self, pack: PolicyPack, group: CaseGroup, cutoffs: tuple[date, ...]
    ) -> Measured | None:
        """What a group of cases is measured against under `pack` (None: no rule),
        remembered per pack, type, risk, key worker or not, and first or not (so one
        `CaseRules` serves one report: always the same `cutoffs`)."""
        key = (pack.name, group.case_type, group.risk, group.key_worker, group.first)
        if key in self._measured:
            return self._measured[key]
        schedule = self.schedule(pack, group.case_type, group.risk, group.key_worker)
        found = None
        if schedule is not None:
            try:
                index = cutoffs.index(self.cutoff(schedule, group.first))
            except ValueError:
                message = "the case counts were made for other packs or another period"
                raise ValueError(message) from None
            found = Measured(schedule, group.first, index)
        self._measured[key] = found
        return found

    def every_cutoff(self) -> tuple[date, ...]:
        """The cutoffs of every case rule of every pack in the assignment, sorted: what the
        database is asked to count against."""
        found: set[date] = set()
        for pack in self.assignment.packs.values():
            for case_type in pack.case_types:  # the standard types and the pack's own
                for risk, key_worker in product(Risk, (True, False)):
                    schedule = self.schedule(pack, case_type, risk, key_worker)
                    if schedule is not None:
                        found |= {self.cutoff(schedule, first) for first in (False, True)}
        return tuple(sorted(found))


class Measured:
    """One rule as it measures groups of cases: its cutoff's index among the counted
    cutoffs, and the due date (with its rule) of a case counted from a given date."""

    def __init__(self, schedule: CaseSchedule, first: bool, index: int) -> None:
        self.schedule, self.first, self.index = schedule, first, index
        self._dues: dict[date, tuple[Due, Rule]] = {}

    def due(self, since: date) -> tuple[Due, Rule]:
        found = self._dues.get(since)
        if found is None:
            due = due_from(self.schedule, self.first, since)
            found = self._dues[since] = due, Rule(due.rule, due.cite)
        return found


class CaseFigure(NamedTuple):  # a tuple: a council report makes 400,000 of them
    """One group's figures: how many open, how many overdue, the longest overdue, the rule."""

    open: int
    overdue: int
    longest: int
    rule: Rule


def figure(
    rules: CaseRules,
    pack: PolicyPack,
    group: CaseGroup,
    cutoffs: tuple[date, ...],
    go_live: date | None = None,
) -> CaseFigure | None:
    """A group's figures under its worker's pack (None: the pack has no rule for its cases).

    `cutoffs` are those the database counted against (`CaseRules.every_cutoff` of the same
    assignment and period end). A due date before `go_live` is chased from go-live, so a
    case is overdue only when both are before the period's end, and by the days since the
    later of the two."""
    measured = rules.measured(pack, group, cutoffs)
    if measured is None:
        return None
    live = go_live is None or go_live < rules.end
    overdue = group.before[measured.index] if live else 0
    earliest, rule = measured.due(group.earliest)
    chased_from = earliest.due if go_live is None else max(earliest.due, go_live)
    longest = (rules.end - chased_from).days if overdue else 0
    return CaseFigure(group.cases, overdue, longest, rule)
