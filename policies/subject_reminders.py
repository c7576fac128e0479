"""Reminders for the due subjects packs declare (`[[subjects]]`) and for the supervisee's own
escalation route. The assistant does not record observations, so a person subject is
scheduled from the start date in steps of its interval and reminded before each step; it is
never reported overdue."""

from __future__ import annotations

from collections.abc import Iterator

from policies.packs import PolicyError
from policies.reminder_day import Day, Reminder, Snapshot, day_name
from policies.subjects import next_step, subjects_for


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
            due = next_step(subject, person.started_on, day.on)
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


def supervisee_route(route: str, limit: int) -> str:
    """What a supervisee is told when their own supervision is overdue beyond the limit."""
    return f"Your individual supervision is more than {limit} days overdue. {route}"
