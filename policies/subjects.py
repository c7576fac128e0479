"""Due subjects a pack declares as data (`[[subjects]]`): direct observations, case
summaries, plan reviews, discussions after a decision, cover for an absent supervisor.

A subject recurs for a person or a case (`every`), or follows an event (`within` it, or by
the person's next supervision where the seed says "before or just after").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from policies.due import Due, NoRule
from policies.intervals import Interval
from policies.pack_terms import Subject
from policies.packs import PolicyPack

# The person subject an imported `observation` session records (a direct observation).
OBSERVATION = "direct-observation"


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    """What is known about the person, case or event the question is about."""

    start: date | None = None  # started in post (person) or allocated (case)
    last: date | None = None  # the last time the subject was done
    event: date | None = None  # the event's date (event subjects)
    next_session: date | None = None  # the person's next supervision, where known
    role: str | None = None
    case_type: str | None = None


def subject_due(pack: PolicyPack, subject_id: str, facts: SubjectFacts) -> Due:
    """When a declared subject is next due; `NoRule` with the reason when it cannot be."""
    subject = pack.subject(subject_id)
    if subject is None:
        known = ", ".join(s.id for s in pack.subjects) or "none"
        raise NoRule(f"{pack.name} has no subject {subject_id!r}; its subjects: {known}")
    if subject.none is not None:
        raise NoRule(f"{pack.name} has no rule for {subject.label.lower()}: {subject.none}")
    _applies(pack, subject, facts)
    name = f"{pack.name}.subjects.{subject.id}"
    if subject.every is not None:
        since = facts.last or facts.start
        if since is None:
            raise NoRule(f"{subject.id}: give 'last' or the start date ('started' or 'allocated')")
        return Due(subject.every.after(since), name, subject.source)
    if facts.event is None:
        raise NoRule(f"{subject.id}: give the event's date ('event')")
    if subject.within is not None:
        return Due(subject.within.after(facts.event), name, subject.source)
    after = facts.next_session if facts.next_session and facts.next_session >= facts.event else None
    return Due(after or facts.event, name + (".next-session" if after else ""), subject.source)


def _applies(pack: PolicyPack, subject: Subject, facts: SubjectFacts) -> None:
    if subject.roles and facts.role is not None and facts.role not in subject.roles:
        raise NoRule(
            f"{pack.name}: {subject.label.lower()} applies to {', '.join(subject.roles)}, "
            f"not {facts.role}"
        )
    types = subject.case_types
    if types and facts.case_type is not None and facts.case_type not in types:
        raise NoRule(
            f"{pack.name}: {subject.label.lower()} applies to {', '.join(types)} cases, "
            f"not {facts.case_type}"
        )


def subjects_for(pack: PolicyPack, applies_to: str) -> Iterator[Subject]:
    """The pack's subjects of one kind that have a rule."""
    return (s for s in pack.subjects if s.applies_to == applies_to and s.none is None)


def next_step(subject: Subject, start: date, on: date) -> date | None:
    """The first date on or after `on` in the subject's schedule counted from `start` (the
    start in post, or the allocation): start + every, + 2·every, … Months are counted from the
    start each time, so 31 January steps to 30 April, not to 28 April."""
    every = subject.every
    if every is None or on < start:
        return every.after(start) if every is not None else None
    longest = {"day": 1, "working day": 1, "week": 7}.get(every.unit.value, 31) * every.count
    k = max(1, (on - start).days // longest)
    while (found := Interval(every.count * k, every.unit).after(start)) < on:
        k += 1
    return found
