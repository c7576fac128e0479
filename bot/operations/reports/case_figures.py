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

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product

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
        self._dues: dict[tuple[CaseSchedule, bool, date], Due] = {}

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

    def due(self, schedule: CaseSchedule, first: bool, since: date) -> Due:
        """`due_from`, remembered (a council's cases start from a few hundred dates)."""
        key = (schedule, first, since)
        found = self._dues.get(key)
        if found is None:
            found = self._dues[key] = due_from(schedule, first, since)
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


@dataclass(frozen=True, slots=True)
class CaseFigure:
    """One group's figures: how many open, how many overdue, the longest overdue, the rule."""

    open: int
    overdue: int
    longest: int
    rule: Rule


def figure(
    rules: CaseRules, pack: PolicyPack, group: CaseGroup, cutoffs: tuple[date, ...]
) -> CaseFigure | None:
    """A group's figures under its worker's pack (None: the pack has no rule for its cases).

    `cutoffs` are those the database counted against (`CaseRules.every_cutoff` of the same
    assignment and period end)."""
    schedule = rules.schedule(pack, group.case_type, group.risk, group.key_worker)
    if schedule is None:
        return None
    try:
        index = cutoffs.index(rules.cutoff(schedule, group.first))
    except ValueError:
        raise ValueError("the case counts were made for other packs or another period") from None
    overdue = group.before[index]
    earliest = rules.due(schedule, group.first, group.earliest)
    longest = (rules.end - earliest.due).days if overdue else 0
    return CaseFigure(group.count, overdue, longest, Rule(earliest.rule, earliest.cite))
