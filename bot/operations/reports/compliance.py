"""The compliance report: per person and per team, each measure against its pack's rule.

`compute(data, assignment)` is pure; `bot.operations.reports.load` reads the `ReportData`.
Measures: individual supervision (due vs held on time), records written within the pack's
deadline, sign-off within its window, group supervision against the team's cadence, and case
supervision as it stands on the period's last day, by case type and risk (counted in the
database against each rule's cutoff: `bot.operations.reports.case_figures`). People are left
out of individual supervision, and counted with the reason, when they were on leave for at
least half the period, had not started by its end, or their pack has no rule for their role.
Supervision agreements in place and direct observations against the pack's frequency are
judged from the imported `agreement` and `observation` sessions, where the pack has a rule
(`bot.operations.reports.unrecorded`); people whose pack has none are counted with its words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from bot.operations.progress import UNWATCHED, ProgressSink
from bot.operations.reminders import paused_gc
from bot.operations.reports.case_figures import CaseRules
from bot.operations.reports.case_figures import figure as case_figure
from bot.operations.reports.measures import Accumulator, Rule, Tally, cadence, chased
from bot.operations.reports.model import (
    CaseLine,
    Exclusion,
    Measure,
    Period,
    Report,
    ReportData,
    Row,
    TeamPart,
)
from bot.operations.reports.unrecorded import judge
from policies.assignment import PackAssignment
from policies.due import DeadlineName, Due, NoRule, deadline_due, group_due, individual_due
from policies.packs import PolicyPack
from storage.oversight import CaseGroup, HeldSession
from storage.records import Person

PROGRESS_EVERY = 1_000  # people measured between progress updates


def compute(
    data: ReportData, assignment: PackAssignment, progress: ProgressSink = UNWATCHED
) -> Report:
    """The report for `data`'s scope and period; `progress` counts the people measured."""
    return assemble(data.period, data.scope, compute_parts(data, assignment, progress))


def compute_parts(
    data: ReportData, assignment: PackAssignment, progress: ProgressSink = UNWATCHED
) -> list[TeamPart]:
    """Each team's share of the report for `data`, by team name. A team's share depends
    only on its own members' data (bot/operations/reports/kept.py keeps it)."""
    with paused_gc():  # hundreds of thousands of small acyclic objects at national scale
        builder = _Builder(data, assignment)
        members: dict[str, list[Person]] = defaultdict(list)
        for person in sorted(data.people, key=lambda p: (p.team, p.id)):
            members[person.team].append(person)
        lines = builder.case_lines()
        progress.begin("computing the compliance report", len(data.people))
        parts, unreported = [], 0
        for team in sorted(members):
            parts.append(builder.team(team, members[team], lines.get(team, [])))
            unreported += len(members[team])
            if unreported >= PROGRESS_EVERY:
                progress.advance(unreported)
                unreported = 0
        progress.advance(unreported)
        return parts


def assemble(period: Period, scope: str, parts: Iterable[TeamPart]) -> Report:
    """The report made of these teams' shares (in team order, as `compute` makes it)."""
    people: list[Row] = []
    teams: list[Row] = []
    cases: list[CaseLine] = []
    exclusions: list[Exclusion] = []
    unrecorded: dict[str, Rule] = {}
    for part in sorted(parts, key=lambda p: p.team):
        people += part.people
        teams.append(part.row)
        cases += part.cases
        exclusions += part.exclusions
        unrecorded |= part.unrecorded
    return Report(
        period=period,
        scope=scope,
        people=people,
        teams=teams,
        cases=cases,
        exclusions=exclusions,
        unrecorded_rules=[unrecorded[k] for k in sorted(unrecorded)],
    )


class _Builder:
    def __init__(self, data: ReportData, assignment: PackAssignment) -> None:
        self.data, self.assignment, self.period = data, assignment, data.period
        # The team being measured: its exclusions, and its agreement and observation rules.
        self.exclusions: list[Exclusion] = []
        self.unrecorded_rules: dict[str, Rule] = {}
        self.people = {p.id: p for p in data.people}
        self._packs: dict[str, PolicyPack] = {}
        self.sessions_of: dict[str, list[HeldSession]] = defaultdict(list)
        self.groups_led: dict[str, list[date]] = defaultdict(list)
        for s in data.sessions:
            if s.kind == "group":
                self.groups_led[s.supervisor_id].append(s.date)
            elif s.kind in ("individual", "case") and s.supervisee_id is not None:
                self.sessions_of[s.supervisee_id].append(s)
        self.leave_days = _leave_days(data.leave, data.period)
        self.go_live = data.go_live
        self._deadlines: dict[tuple[str, str, date], Due] = {}
        self._individual_dues: dict[tuple[str, str, date, date | None], Due] = {}
        self._individual_rules: dict[tuple[str, str], bool] = {}
        self.case_rules = CaseRules(assignment, data.period.end)
        # Each person's open cases, and each team's by type and risk, summed in one pass.
        self.cases_of: dict[str, Accumulator] = {who.id: Accumulator() for who in data.people}
        self.case_lines_of: dict[tuple[str, str, str], Accumulator] = defaultdict(Accumulator)
        for group in data.case_groups:
            if group.worker_id in self.cases_of:
                self._count(group)

    def _count(self, group: CaseGroup) -> None:
        pack = self.pack(group.worker_id)
        found = case_figure(self.case_rules, pack, group, self.data.cutoffs, self.go_live)
        if found is None:
            return
        figures = (found.open, found.overdue, found.longest, found.rule)
        self.cases_of[group.worker_id].count(*figures)
        team = self.people[group.worker_id].team
        self.case_lines_of[(team, group.case_type, group.risk)].count(*figures)

    def pack(self, person_id: str) -> PolicyPack:
        found = self._packs.get(person_id)
        if found is None:
            found = self._packs[person_id] = self.assignment.for_person(self.people[person_id])
        return found

    def team(self, team: str, members: list[Person], cases: list[CaseLine]) -> TeamPart:
        """The team's share: its members' rows (by id), its own row, its case lines."""
        self.exclusions, self.unrecorded_rules = [], {}
        people = [self.person(person) for person in members]
        sums: dict[Measure, Accumulator] = defaultdict(Accumulator)
        for row in people:
            for measure, tally in row.tallies.items():
                sums[measure].add(tally)
        tallies = {measure: total.tally() for measure, total in sums.items()}
        group = self.group(team, members)
        if group is not None:
            tallies["group"] = group
        row = Row(team, None, team, dict(sorted(tallies.items())))
        return TeamPart(team, people, row, cases, self.exclusions, self.unrecorded_rules)

    def person(self, person: Person) -> Row:
        pack = self.pack(person.id)
        tallies: dict[Measure, Tally] = {}
        individual = self._individual(person, pack)
        if individual is not None:
            tallies["individual"] = individual
        tallies["record"], tallies["signoff"] = self._records(person, pack)
        tallies["case"] = self.cases_of[person.id].tally(by_id=True)
        data = self.data
        changed = data.supervisor_changed.get(person.id)
        judged = judge(
            person, pack, self.period, data.agreements, data.observations, changed, self.go_live
        )
        tallies |= judged.tallies
        self.exclusions += judged.exclusions
        self.unrecorded_rules |= judged.rules
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
        role = person.role
        if not self._has_individual_rule(pack, role):
            self._exclude(person, f"{pack.name} has no individual supervision rule for {role}")
            return None
        if person.supervisor_id is None:  # the top of the directory: supervised outside it
            self._exclude(person, "no supervisor in the directory")
            return None
        held = [s.date for s in self.sessions_of[person.id] if s.kind == "individual"]
        return cadence(
            lambda last: self._individual_due(pack, role, person.started_on, last),
            self.data.last_individual.get(person.id),
            held,
            self.period.start,
            self.period.end,
        )

    def _records(self, person: Person, pack: PolicyPack) -> tuple[Tally, Tally]:
        written, signed = Accumulator(), Accumulator()
        record, signoff = pack.deadlines.record, pack.deadlines.signoff
        end = self.period.end
        for s in self.sessions_of[person.id]:
            if record.within is not None and s.kind in record.kinds:
                written.deadline(self._deadline(pack, "record", s.date), s.recorded_on, end)
            sent = s.recorded_on
            if signoff.within is None or s.kind not in signoff.kinds:
                continue
            if sent is not None and sent <= end:
                signed.deadline(self._deadline(pack, "signoff", sent), s.signed_off_on, end)
        return written.tally(), signed.tally()

    def case_lines(self) -> dict[str, list[CaseLine]]:
        """Each team's open cases by type and risk: how many, how many overdue, the longest,
        and the rule (the first by id when a line's cases were measured by more than one)."""
        lines: dict[str, list[CaseLine]] = defaultdict(list)
        for (team, kind, risk), a in sorted(self.case_lines_of.items()):
            line = CaseLine(team, kind, risk, a.due, a.missed, a.worst_days, Rule(*min(a.rules)))
            lines[team].append(line)
        return lines

    def _has_individual_rule(self, pack: PolicyPack, role: str) -> bool:
        """Whether the pack has an individual supervision rule for the role, remembered."""
        key = (pack.name, role)
        found = self._individual_rules.get(key)
        if found is None:
            try:
                individual_due(pack, role, self.period.start, None)  # NoRule: pack and role
                found = True
            except NoRule:
                found = False
            self._individual_rules[key] = found
        return found

    def _individual_due(self, pack: PolicyPack, role: str, started: date, last: date | None) -> Due:
        """`individual_due` as chased after go-live, remembered: a council's people share
        start and session dates."""
        key = (pack.name, role, started, last)
        found = self._individual_dues.get(key)
        if found is None:
            due = individual_due(pack, role, started, last)
            found = self._individual_dues[key] = chased(due, self.go_live)
        return found

    def _deadline(self, pack: PolicyPack, name: DeadlineName, event: date) -> Due:
        key = (pack.name, name, event)
        if key not in self._deadlines:
            self._deadlines[key] = chased(deadline_due(pack, name, event), self.go_live)
        return self._deadlines[key]

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
            due = group_due(pack, service, last) if last else Due(start, first.rule, first.cite)
            return chased(due, self.go_live)

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
