"""Supervision agreements in place and direct observations against the pack's frequency.

Both are imported as sessions of their own kind (`agreement`: signed on the date;
`observation`: held on the date). An agreement is judged as a deadline: the pack's time after
the start date, or after the change to the current supervisor where the pack says so
(`policies.due.agreement_due`), met by the first agreement signed on or after that day.
Observations are judged as a cadence, like individual supervision: each step of the
pack's frequency counted from the last observation (or the start date). Where the pack sets
no rule, or none for the person's role, the person is counted as left out with the pack's own
words; the rules measured are listed with their citations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.operations.reports.measures import Rule, Tally, cadence, chased, deadline
from bot.operations.reports.model import Exclusion, Measure, Period
from policies.due import Due, NoRule, agreement_due, agreement_since
from policies.packs import PolicyPack
from policies.subjects import OBSERVATION, SubjectFacts, subject_due
from storage.records import Person

Dates = Mapping[str, list[date]]
Judged = tuple[Tally | Rule | None, str | None]  # measured (or its rule), why left out


@dataclass(slots=True)
class Judgement:
    """One person's agreement and observation tallies (where measured), the reasons they
    were left out (where not), and the rules met, by id."""

    tallies: dict[Measure, Tally] = field(default_factory=dict)
    exclusions: list[Exclusion] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)


def judge(
    person: Person,
    pack: PolicyPack,
    period: Period | None,
    agreements: Dates,
    observations: Dates,
    supervisor_changed: date | None = None,
    go_live: date | None = None,
) -> Judgement:
    """The person's agreement and observation measures in `period` (None: the rules alone),
    nothing overdue from before `go_live`."""
    found = Judgement()
    judged_by: list[tuple[Measure, Judged]] = [
        ("agreement", _agreement(pack, person, period, agreements, supervisor_changed, go_live)),
        ("observation", _observation(pack, person, period, observations, go_live)),
    ]
    for measure, (figure, reason) in judged_by:
        if isinstance(figure, Tally):
            found.tallies[measure] = figure
            found.rules.update((r.id, r) for r in figure.rules)
        elif figure is not None:
            found.rules[figure.id] = figure
        if reason is not None:
            found.exclusions.append(Exclusion(person.id, person.team, measure, reason))
    return found


def _agreement(
    pack: PolicyPack,
    person: Person,
    period: Period | None,
    dates: Dates,
    changed: date | None = None,
    go_live: date | None = None,
) -> Judged:
    try:
        due = agreement_due(pack, person.started_on, changed)
    except NoRule:
        none = pack.deadlines.agreement.none
        return None, f"{pack.name} has no supervision agreement deadline: {none}"
    if period is None:
        return Rule(due.rule, due.cite), None
    if person.started_on > period.end:
        return Rule(due.rule, due.cite), "started after the period"
    since = agreement_since(pack, person.started_on, changed)
    signed = [d for d in dates.get(person.id, []) if d >= since]
    tally = deadline(chased(due, go_live), min(signed, default=None), period.end)
    return _named(tally, Rule(due.rule, due.cite)), None


def _observation(
    pack: PolicyPack, person: Person, period: Period | None, dates: Dates, go_live: date | None
) -> Judged:
    subject = pack.subject(OBSERVATION)
    if subject is None or subject.none is not None:
        why = f": {subject.none}" if subject is not None and subject.none else ""
        return None, f"{pack.name} sets no direct observation frequency{why}"
    if subject.roles and person.role not in subject.roles:
        return None, f"{pack.name} sets no direct observation frequency for {person.role}"
    rule = Rule(f"{pack.name}.subjects.{OBSERVATION}", subject.cite)
    if period is None:
        return rule, None
    if person.started_on > period.end:
        return rule, "started after the period"
    held = [d for d in dates.get(person.id, []) if d >= person.started_on]
    before = [d for d in held if d < period.start]

    def next_due(last: date | None) -> Due:
        facts = SubjectFacts(start=person.started_on, last=last, role=person.role)
        return chased(subject_due(pack, OBSERVATION, facts), go_live)

    tally = cadence(next_due, max(before, default=None), held, period.start, period.end)
    return _named(tally, rule), None


def _named(tally: Tally, rule: Rule) -> Tally:
    """The tally naming its rule even when nothing fell due in the period."""
    if rule in tally.rules:
        return tally
    figures = (tally.due, tally.on_time, tally.late, tally.missed, tally.worst_days)
    return Tally(*figures, (*tally.rules, rule))
