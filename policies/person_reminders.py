"""Reminders that follow something happening to a person rather than a case: a change of
supervisor (Somerset 7.2: a supervision agreement within one month; Bexley, Manchester: the
records pass to the new supervisor) and a supervisor's absence (Central Bedfordshire over
two weeks, Southwark long-term: cover for their supervisees). The assistant records neither
agreements, handovers nor cover, so each is reminded before it falls due, never overdue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from policies.due import NoRule, agreement_due
from policies.packs import PolicyError, PolicyPack
from policies.reminder_day import Day, Reminder, Snapshot, day_name
from policies.subject_reminders import next_session_due
from policies.subjects import SubjectFacts, subject_due, subjects_for
from storage.records import Person, SupervisorChange

SUPERVISOR_ABSENT = "supervisor_absent"
SUPERVISOR_CHANGE = "supervisor_change"


def _current(snapshot: Snapshot, day: Day) -> Iterator[tuple[SupervisorChange, Person, PolicyPack]]:
    """Each person's latest change of supervisor, while it still names their supervisor."""
    latest: dict[str, SupervisorChange] = {}
    for change in snapshot.supervisor_changes:
        latest[change.person_id] = change  # oldest first: the last one stands
    for change in latest.values():
        person = snapshot.people.get(change.person_id)
        pack = _pack(day, person)
        if person is None or pack is None or not person.supervisor_id:
            continue
        if person.supervisor_id == change.supervisor_id:
            yield change, person, pack


def agreements(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    """The supervision agreement after a person's latest change of supervisor, to the new
    supervisor, where the person's pack dates it from the change."""
    for change, person, pack in _current(snapshot, day):
        assert person.supervisor_id is not None
        signed = snapshot.last_agreement.get(person.id)
        if signed is not None and signed >= change.on:
            continue  # the new supervisor's agreement is in place
        try:
            due = agreement_due(pack, person.started_on, change.on)
        except NoRule:
            continue
        if not due.rule.endswith(".supervisor-change") or not day.on <= due.due:
            continue
        if not day.soon(due):
            continue
        text = (
            f"Supervision agreement for {person.name} is due by {day_name(due.due)}, after the "
            f"change of supervisor on {day_name(change.on)} ({pack.council} policy)."
        )
        key = f"{person.id}/agreement/{change.on.isoformat()}"
        yield Reminder(person.supervisor_id, "agreement", key, None, due.due, False, text)


def records_handovers(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    """Supervision records passed on after a change of supervisor where the pack says so
    (Bexley: to the new supervisor; Manchester: to the new manager or archived): to the
    previous supervisor, who passes them, and the new one, who receives them."""
    for change, person, pack in _current(snapshot, day):
        for subject in subjects_for(pack, "event"):
            if subject.event_of != "person" or SUPERVISOR_CHANGE not in subject.events:
                continue
            facts = SubjectFacts(
                event=change.on, next_session=next_session_due(snapshot, pack, person)
            )
            due = subject_due(pack, subject.id, facts)
            if not day.on <= due.due or not day.soon(due):
                continue  # not recorded by the assistant: reminded before, never overdue
            by = f"by {day_name(due.due)} ({pack.council} policy)"
            key = f"{person.id}/{subject.id}/{change.on.isoformat()}"
            new, old = person.supervisor_id, change.previous
            records = f"{person.name}'s supervision records"
            if old and old in snapshot.people:
                text = f"{subject.label}: pass {records} to {day.name(new)} {by}."
                yield Reminder(old, subject.id, key, None, due.due, False, text)
            if new:
                since = f" from {day.name(old)}" if old else ""
                text = f"{subject.label}: {records}{since} should reach you {by}."
                yield Reminder(new, subject.id, key, None, due.due, False, text)


def supervisor_absences(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    """Cover for the supervisees of a supervisor whose recorded leave is longer than their
    pack's threshold (or, without one, spans their next supervision): to the supervisor's
    line manager and, where the pack says, the supervisee."""
    supervisees: dict[str, list[Person]] = defaultdict(list)
    for person in snapshot.people.values():
        if person.supervisor_id:
            supervisees[person.supervisor_id].append(person)
    for absent, first, last in snapshot.absences:
        if last < day.on:
            continue
        for person in supervisees.get(absent, ()):
            yield from _cover(snapshot, day, person, absent, first, last)


def _cover(
    snapshot: Snapshot, day: Day, person: Person, absent: str, first: date, last: date
) -> Iterator[Reminder]:
    pack = _pack(day, person)
    if pack is None:
        return
    for subject in subjects_for(pack, "event"):
        if subject.event_of != "person" or SUPERVISOR_ABSENT not in subject.events:
            continue
        next_session = next_session_due(snapshot, pack, person)
        if subject.longer_than is not None:
            if last < subject.longer_than.after(first):
                continue  # not more than the threshold
        elif next_session is None or not first <= next_session <= last:
            continue  # "long-term" read as: over the supervisee's next supervision
        facts = SubjectFacts(event=first, next_session=next_session)
        due = subject_due(pack, subject.id, facts)
        if not day.soon(due):
            continue
        away = f"{day.name(absent)} is away {day_name(first)} to {day_name(last)}"
        by = f"by {day_name(due.due)} ({pack.council} policy)"
        key = f"{person.id}/{subject.id}/{first.isoformat()}"
        manager = day.manager_of(absent)
        if subject.remind in ("supervisor", "both") and manager:
            text = f"{subject.label} for {person.name}: {away}; arrange cover {by}."
            yield Reminder(manager, subject.id, key, None, due.due, False, text)
        if subject.remind in ("supervisee", "both"):
            boss = day.name(manager) if manager else "their line manager"
            text = f"{subject.label}: {away}; ask {boss} for cover {by}."
            yield Reminder(person.id, subject.id, key, None, due.due, False, text)


def _pack(day: Day, person: Person | None) -> PolicyPack | None:
    try:
        return day.policies.for_person(person) if person is not None else None
    except PolicyError:
        return None  # counted once by the sweep as a broken pack
