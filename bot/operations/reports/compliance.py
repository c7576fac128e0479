"""The compliance report: per person and per team, each measure against its pack's rule.

`compute(data, assignment)` is pure; `bot.operations.reports.load` reads the `ReportData`.
Measures: individual supervision (due vs held on time), records written within the pack's
deadline, sign-off within its window, group supervision against the team's cadence, and case
supervision as it stands on the period's last day, by case type and risk. People are left
out of individual supervision, and counted with the reason, when they were on leave for at
least half the period, had not started by its end, or their pack has no rule for their role.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from bot.operations.reports.measures import Rule, Tally, cadence, deadline, standing
from bot.operations.reports.model import (
    CaseLine,
    Exclusion,
    Measure,
    Period,
    Report,
    ReportData,
    Row,
)
from policies.assignment import PackAssignment
from policies.due import Due, NoRule, case_schedule, deadline_due, group_due, individual_due
from policies.packs import PolicyPack
from policies.vocabulary import CaseType, Risk, Role
from storage.records import Case, Person, Session


def compute(data: ReportData, assignment: PackAssignment) -> Report:
    """The report for `data`'s scope and period."""
    builder = _Builder(data, assignment)
    members: dict[str, list[Person]] = defaultdict(list)
    for person in data.people:
        members[person.team].append(person)
    people = [builder.person(p) for p in sorted(data.people, key=lambda p: (p.team, p.id))]
    teams = []
    for team in sorted(members):
        tallies: dict[Measure, Tally] = {}
        for row in people:
            if row.team == team:
                for measure, tally in row.tallies.items():
                    tallies[measure] = tallies.get(measure, Tally()) + tally
        group = builder.group(team, members[team])
        if group is not None:
            tallies["group"] = group
        teams.append(Row(team, None, team, dict(sorted(tallies.items()))))
    return Report(
        period=data.period,
        scope=data.scope,
        people=people,
        teams=teams,
        cases=builder.case_lines(members),
        exclusions=builder.exclusions,
    )


class _Builder:
    def __init__(self, data: ReportData, assignment: PackAssignment) -> None:
        self.data, self.assignment, self.period = data, assignment, data.period
        self.exclusions: list[Exclusion] = []
        self.sessions_of: dict[str, list[Session]] = defaultdict(list)
        self.groups_led: dict[str, list[date]] = defaultdict(list)
        for s in data.sessions:
            if s.kind == "group" and s.status == "held":
                self.groups_led[s.supervisor_id].append(s.date)
            elif s.kind != "group" and s.supervisee_id is not None:
                self.sessions_of[s.supervisee_id].append(s)
        self.leave_days = _leave_days(data.leave, data.period)
        self.cases_of: dict[str, list[tuple[Case, date | None]]] = defaultdict(list)
        for case, last in data.cases:
            self.cases_of[case.worker_id].append((case, last))

    def person(self, person: Person) -> Row:
        pack = self.assignment.for_person(person)
        tallies: dict[Measure, Tally] = {}
        individual = self._individual(person, pack)
        if individual is not None:
            tallies["individual"] = individual
        tallies["record"], tallies["signoff"] = self._records(person, pack)
        tallies["case"] = sum(
            (standing(d, self.period.end) for d in self._case_dues(person, pack) if d), Tally()
        )
        return Row(person.team, person.id, person.name, tallies)

    def _exclude(self, person: Person, reason: str) -> None:
        self.exclusions.append(Exclusion(person.id, person.team, "individual", reason))

    def _individual(self, person: Person, pack: PolicyPack) -> Tally | None:
        if person.started_on > self.period.end:
            self._exclude(person, "started after the period")
            return None
        if 2 * self.leave_days.get(person.id, 0) >= self.period.days:
            self._exclude(person, "on leave for at least half the period")
            return None
        role = Role(person.role)
        try:
            individual_due(pack, role, person.started_on, None)
        except NoRule:
            self._exclude(person, f"{pack.name} has no individual supervision rule for {role}")
            return None
        held = [
            s.date
            for s in self.sessions_of[person.id]
            if s.kind == "individual" and s.status == "held"
        ]
        return cadence(
            lambda last: individual_due(pack, role, person.started_on, last),
            self.data.last_individual.get(person.id),
            held,
            self.period.start,
            self.period.end,
        )

    def _records(self, person: Person, pack: PolicyPack) -> tuple[Tally, Tally]:
        written, signed = Tally(), Tally()
        record, signoff = pack.deadlines.record, pack.deadlines.signoff
        for s in self.sessions_of[person.id]:
            if s.status != "held":
                continue
            if record.within is not None and s.kind in record.kinds:
                due = deadline_due(pack, "record", s.date)
                written = written + deadline(due, s.recorded_on, self.period.end)
            sent = s.recorded_on
            if signoff.within is None or s.kind not in signoff.kinds:
                continue
            if sent is not None and sent <= self.period.end:
                due = deadline_due(pack, "signoff", sent)
                signed = signed + deadline(due, s.signed_off_on, self.period.end)
        return written, signed

    def case_lines(self, members: dict[str, list[Person]]) -> list[CaseLine]:
        """Each team's open cases by type and risk: how many, how many overdue, the longest."""
        lines: dict[tuple[str, str, str], tuple[Tally, Rule]] = {}
        for team, people in members.items():
            for person in people:
                pack = self.assignment.for_person(person)
                cases = [c for c, _ in self.cases_of[person.id]]
                for case, due in zip(cases, self._case_dues(person, pack), strict=True):
                    if due is None:
                        continue
                    key = (team, case.case_type, case.risk)
                    before, _ = lines.get(key, (Tally(), Rule(due.rule, due.cite)))
                    lines[key] = (before + standing(due, self.period.end), Rule(due.rule, due.cite))
        return [
            CaseLine(team, kind, risk, t.due, t.missed, t.worst_days, rule)
            for (team, kind, risk), (t, rule) in sorted(lines.items())
        ]

    def _case_dues(self, person: Person, pack: PolicyPack) -> list[Due | None]:
        dues: list[Due | None] = []
        for case, last in self.cases_of[person.id]:
            try:
                schedule = case_schedule(pack, CaseType(case.case_type), Risk(case.risk))
            except NoRule:
                dues.append(None)
                continue
            dues.append(schedule.due(case.allocated_on, last))
        return dues

    def group(self, team: str, members: list[Person]) -> Tally | None:
        """The team's group supervision against its pack's cadence (None: no rule)."""
        pack = self.assignment.packs[self.assignment.team_pack_name(team)]
        service = self.assignment.service(team)
        start = self.period.start
        try:
            first = group_due(pack, service, start)
        except NoRule:
            return None
        ids = [p.id for p in members]
        held = sorted({d for i in ids for d in self.groups_led.get(i, [])})
        lasts = [self.data.last_group[i] for i in ids if i in self.data.last_group]

        def next_due(last: date | None) -> Due:
            # Never held: due from the period's start (a reading; see the closing note).
            return group_due(pack, service, last) if last else Due(start, first.rule, first.cite)

        return cadence(next_due, max(lasts) if lasts else None, held, start, self.period.end)


def _leave_days(leave: list[tuple[str, date, date]], period: Period) -> dict[str, int]:
    """Days of the period each person was on leave (overlapping periods counted once)."""
    days: dict[str, set[date]] = defaultdict(set)
    for person_id, starts, ends in leave:
        day = max(starts, period.start)
        while day <= min(ends, period.end):
            days[person_id].add(day)
            day += timedelta(days=1)
    return {person_id: len(found) for person_id, found in days.items()}
