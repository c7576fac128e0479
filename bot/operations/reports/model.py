"""What a compliance report holds: periods, rows of tallies, case lines, exclusions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.operations.reports.measures import Accumulator, Rule, Tally
from storage.oversight import CaseGroup, HeldSession
from storage.records import Person

Measure = Literal["individual", "record", "signoff", "group", "case", "agreement", "observation"]
MEASURES: dict[Measure, str] = {
    "individual": "Individual supervision held on time",
    "record": "Records written within the deadline",
    "signoff": "Records signed off within the window",
    "group": "Group supervision held on cadence",
    "case": "Cases not overdue for case supervision at the period's end",
    "agreement": "Supervision agreements in place",
    "observation": "Direct observations against the pack's frequency",
}


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class ReportData:
    """What the report reads: the scope's people, their leave, the period's sessions, the
    last held sessions before it and the open cases, counted per worker, type and risk
    against the case rules' cutoffs (bot.operations.reports.case_figures)."""

    period: Period
    scope: str
    people: list[Person]
    leave: list[tuple[str, date, date]]
    sessions: list[HeldSession]  # held in the period
    last_individual: dict[str, date]
    last_group: dict[str, date]
    case_groups: list[CaseGroup]  # open cases on the last day, counted against `cutoffs`
    cutoffs: tuple[date, ...]
    # Imported `agreement` and `observation` sessions per person, up to the period's end.
    agreements: dict[str, list[date]] = field(default_factory=dict)
    observations: dict[str, list[date]] = field(default_factory=dict)
    # The day each person's supervisor changed to the one they have, by the period's end.
    supervisor_changed: dict[str, date] = field(default_factory=dict)
    # `[reminders] go_live`: nothing is counted overdue from before it (a due date before
    # it is chased from it), as on the dashboard, in /team and in the reminders.
    go_live: date | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One person's or one team's figures; `person_id` is None on a team's row."""

    team: str
    person_id: str | None
    name: str
    tallies: dict[Measure, Tally]


@dataclass(frozen=True, slots=True)
class CaseLine:
    """A team's open cases of one type and risk at the period's end."""

    team: str
    case_type: str
    risk: str
    open: int
    overdue: int
    longest_overdue_days: int
    rule: Rule


@dataclass(frozen=True, slots=True)
class Exclusion:
    person_id: str
    team: str
    measure: Measure
    reason: str


@dataclass(frozen=True, slots=True)
class TeamPart:
    """One team's share of a report: its people's rows, its own row, its case lines, the
    exclusions of its people and the agreement and observation rules they were judged by.
    It depends on the team's own data only, so it can be kept until that changes."""

    team: str
    people: list[Row]
    row: Row
    cases: list[CaseLine]
    exclusions: list[Exclusion]
    unrecorded: dict[str, Rule]


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    scope: str
    people: list[Row]
    teams: list[Row]
    cases: list[CaseLine]
    exclusions: list[Exclusion] = field(default_factory=list)
    unrecorded_rules: list[Rule] = field(default_factory=list)  # agreement, observation rules

    def excluded_counts(self) -> list[tuple[Measure, str, int]]:
        """How many people each measure left out, and why."""
        counts = Counter((e.measure, e.reason) for e in self.exclusions)
        return [(m, r, n) for (m, r), n in sorted(counts.items())]

    def total(self) -> Row:
        """The whole scope's figures."""
        sums: dict[Measure, Accumulator] = {}
        for row in self.teams:
            for measure, tally in row.tallies.items():
                sums.setdefault(measure, Accumulator()).add(tally)
        tallies = {measure: total.tally() for measure, total in sums.items()}
        return Row(team="", person_id=None, name="All teams", tallies=tallies)
