"""Supervision agreements in place and direct observations against the pack's frequency.

The issue asks the report to measure both, but the assistant holds no record of either:
nothing imports a signed agreement or an observation (`policies.subject_reminders` only
reminds from the start date). Rather than leave them out silently, the report counts, per
person, what would be measured and against which rule (pack, citation), and says why it is
not: "not measured" where the pack has a rule, the pack's own words where it has none. When
agreements or observations are imported, this is where they are judged instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.operations.reports.measures import Rule
from bot.operations.reports.model import Exclusion
from policies.due import NoRule, agreement_due
from policies.packs import PolicyPack
from storage.records import Person

OBSERVATION = "direct-observation"


def unrecorded(
    people: Iterable[Person], pack_of: Callable[[str], PolicyPack]
) -> tuple[list[Exclusion], list[Rule]]:
    """Each person's agreement and observation, as exclusions with the reason; the rules."""
    exclusions: list[Exclusion] = []
    rules: dict[str, Rule] = {}
    for person in people:
        pack = pack_of(person.id)
        rule, reason = _agreement(pack, person)
        exclusions.append(Exclusion(person.id, person.team, "agreement", reason))
        if rule is not None:
            rules[rule.id] = rule
        rule, reason = _observation(pack, person)
        exclusions.append(Exclusion(person.id, person.team, "observation", reason))
        if rule is not None:
            rules[rule.id] = rule
    return exclusions, [rules[k] for k in sorted(rules)]


def _agreement(pack: PolicyPack, person: Person) -> tuple[Rule | None, str]:
    try:
        due = agreement_due(pack, person.started_on, None)
    except NoRule:
        none = pack.deadlines.agreement.none
        return None, f"{pack.name} has no supervision agreement deadline: {none}"
    rule = due.rule
    reason = f"not measured: no supervision agreements are recorded in the assistant (rule {rule})"
    return Rule(rule, due.cite), reason


def _observation(pack: PolicyPack, person: Person) -> tuple[Rule | None, str]:
    subject = pack.subject(OBSERVATION)
    if subject is None or subject.none is not None:
        why = f": {subject.none}" if subject is not None and subject.none else ""
        return None, f"{pack.name} sets no direct observation frequency{why}"
    if subject.roles and person.role not in subject.roles:
        return None, f"{pack.name} sets no direct observation frequency for {person.role}"
    rule = f"{pack.name}.subjects.{OBSERVATION}"
    reason = f"not measured: no direct observations are recorded in the assistant (rule {rule})"
    return Rule(rule, subject.cite), reason
