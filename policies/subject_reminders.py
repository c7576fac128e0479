"""Reminders for the due subjects packs declare (`[[subjects]]`) and for the supervisee's own
escalation route. A person subject is scheduled in steps of its interval from the start date,
or for direct observations from the last one recorded (an imported `observation` session),
and reminded before each step; it is never reported overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from policies.due import NoRule, individual_due
from policies.pack_terms import Subject
from policies.packs import PolicyError, PolicyPack
from policies.reminder_day import Day, Reminder, Snapshot, day_name, when
from policies.subjects import OBSERVATION, SubjectFacts, next_step, subject_due, subjects_for
from storage.records import Person


def person_subjects(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    """Direct observations and other person subjects, to whoever the pack says."""
    horizon = day.on.toordinal() + day.settings.ahead_days
    for person in snapshot.people.values():
        try:
            pack = day.policies.for_person(person)
        except PolicyError:
            continue  # counted once by the sweep as a broken pack
        for subject in subjects_for(pack, "person"):
            if subject.roles and person.role not in subject.roles:
                continue
            due = next_step(subject, _counted_from(snapshot, person, subject), day.on)
            if due is None or due.toordinal() > horizon:
                continue
            key = f"{person.id}/{subject.id}"
            when = f"is due by {day_name(due)}"
            if subject.remind in ("supervisor", "both") and person.supervisor_id:
                text = f"{subject.label} for {person.name} {when} ({pack.council} policy)."
                yield Reminder(person.supervisor_id, subject.id, key, None, due, False, text)
            if subject.remind in ("supervisee", "both"):
                text = f"{subject.label} {when} ({pack.council} policy)."
                yield Reminder(person.id, subject.id, key, None, due, False, text)


def _counted_from(snapshot: Snapshot, person: Person, subject: Subject) -> date:
    """Where a person subject's schedule starts: the last recorded direct observation (an
    imported `observation` session) when there is one since the start, else the start."""
    last = snapshot.last_observation.get(person.id) if subject.id == OBSERVATION else None
    return last if last is not None and last >= person.started_on else person.started_on


def supervisee_route(route: str, limit: int) -> str:
    """What a supervisee is told when their own supervision is overdue beyond the limit."""
    return f"Your individual supervision is more than {limit} days overdue. {route}"


def case_subjects(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    """Case summaries, plan reviews and other case subjects, scheduled from allocation and
    reminded before each step (the assistant does not record them, so never overdue)."""
    horizon = day.on.toordinal() + day.settings.ahead_days
    for case in snapshot.subject_cases:
        worker = snapshot.people.get(case.worker_id)
        pack = _pack(day, worker)
        if worker is None or pack is None:
            continue
        for subject in subjects_for(pack, "case"):
            if subject.case_types and case.case_type not in subject.case_types:
                continue
            due = next_step(subject, case.allocated_on, day.on)
            if due is None or due.toordinal() > horizon:
                continue
            text = f"{subject.label} for {case.ref} ({worker.name}) is due by {day_name(due)} ({pack.council} policy)."
            yield from _to(subject, worker, f"{case.ref}/{subject.id}", case.ref, due, False, text)


def case_events(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    """A decision recorded on a case (closure, transfer, CP or legal planning) that the
    worker's pack wants discussed: by the next supervision, or within the pack's time."""
    for event in snapshot.case_events:
        worker = snapshot.people.get(event.worker_id)
        pack = _pack(day, worker)
        if worker is None or pack is None:
            continue
        for subject in subjects_for(pack, "event"):
            if subject.event_of != "case" or event.event not in subject.events:
                continue
            facts = SubjectFacts(
                event=event.on, next_session=next_session_due(snapshot, pack, worker)
            )
            due = day.counted(subject_due(pack, subject.id, facts))
            if not day.soon(due):
                continue
            what = f"{event.event.replace('_', ' ')} on {day_name(event.on)}"
            text = f"{subject.label} for {event.case_ref} ({worker.name}; {what}) {when(due, day.on)} ({pack.council} policy)."
            key = f"{event.case_ref}/{subject.id}/{event.on.isoformat()}"
            overdue = due.overdue_on(day.on)
            yield from _to(subject, worker, key, event.case_ref, due.due, overdue, text)


def _pack(day: Day, person: Person | None) -> PolicyPack | None:
    try:
        return day.policies.for_person(person) if person is not None else None
    except PolicyError:
        return None  # counted once by the sweep as a broken pack


def next_session_due(snapshot: Snapshot, pack: PolicyPack, person: Person) -> date | None:
    """When the person's next individual supervision is due, if the pack says."""
    try:
        last = snapshot.last_individual.get(person.id)
        return individual_due(pack, person.role, person.started_on, last).due
    except NoRule:
        return None


def _to(
    subject: Subject,
    worker: Person,
    key: str,
    case_ref: str,
    due: date,
    overdue: bool,
    text: str,
) -> Iterator[Reminder]:
    """The reminder to whoever the subject names: the worker's supervisor, the worker, both."""
    if subject.remind in ("supervisor", "both") and worker.supervisor_id:
        yield Reminder(worker.supervisor_id, subject.id, key, case_ref, due, overdue, text)
    if subject.remind in ("supervisee", "both"):
        yield Reminder(worker.id, subject.id, key, case_ref, due, overdue, text)
