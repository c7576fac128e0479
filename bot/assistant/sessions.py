"""Recording what happened to a supervision session: held, cancelled, or rebooked.

The supervisor (or someone above them in the line) records it, in chat with `/session` or on
the command line with `sva session`; the supervisee is told. What is recorded is what the
reminder sweep reads: a held session restarts the clock, a cancelled one is chased to be
rebooked (the pack's rebooking rule) until a later session is booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.assistant import audit
from bot.assistant.access import Subject, Viewer, below
from bot.assistant.dates import spoken
from policies.intervals import bank_holiday
from storage.records import Person, Session
from storage.store import Transaction

VERBS = {"held": "held", "cancel": "cancelled", "cancelled": "cancelled", "rebook": "rebooked"}


class SessionError(ValueError):
    """The session cannot be recorded; the message says why, to the person who asked."""


@dataclass(frozen=True, slots=True)
class SessionChange:
    """What to record: `verb` (held, cancelled, rebooked) for the supervisee's session on
    `day` (a case session when `case_ref` is given); `new_day` for a rebooking."""

    verb: str
    supervisee: str
    day: date
    case_ref: str | None = None
    new_day: date | None = None
    kind: str | None = None  # agreement or observation; None: individual or case supervision


# Recorded once held, with no record to write up (`sva session held --kind`).
ONCE_HELD = {"agreement": "supervision agreement", "observation": "direct observation of practice"}


def record_session(tx: Transaction, viewer: Viewer, change: SessionChange, now: datetime) -> str:
    """Record the change, audit it and tell the supervisee (an administrator `viewer` may
    record anyone's; a refusal for someone not in the line is audited too).

    Raises:
        SessionError: unknown person, not their supervisor or line manager, or a date that
            cannot be (a session held in the future, a rebooking into the past).
    """
    person = _supervisee(tx, viewer, change.supervisee, now)
    supervisor = person.supervisor_id or viewer.person_id or ""
    kind = change.kind or ("case" if change.case_ref else "individual")
    if kind in ONCE_HELD:
        told = _once_held(tx, person, supervisor, change, now)
    else:
        told = _session(tx, person, supervisor, kind, change, now)
    record_id = f"{kind}:{change.day.isoformat()}:{change.case_ref or ''}:{change.verb}"
    subject = Subject(person_id=person.id)
    audit.record(tx, viewer, "change", "session", subject, now, record_id=record_id)
    return told


def _session(
    tx: Transaction,
    person: Person,
    supervisor: str,
    kind: str,
    change: SessionChange,
    now: datetime,
) -> str:
    """An individual or case session held, cancelled or rebooked."""
    warnings: list[str] = []
    today = now.date()
    if change.verb == "held" and change.day > today:
        raise SessionError(f"{_when(change.day)} is in the future; a session can be held by today.")
    session = Session(kind, change.day, person.id, supervisor, change.case_ref, "cancelled")
    if change.verb == "held":
        tx.save_session(Session(kind, change.day, person.id, supervisor, change.case_ref, "held"))
        done = f"held on {_when(change.day)}"
    elif change.verb == "cancelled":
        tx.save_session(session)
        done = f"on {_when(change.day)} cancelled; it needs rebooking"
    else:
        new_day = change.new_day
        if new_day is None or new_day < today:
            raise SessionError("Give the new date, today or later: rebook PERSON DATE NEW-DATE.")
        tx.save_session(session)
        tx.save_session(Session(kind, new_day, person.id, supervisor, change.case_ref, "booked"))
        done = f"on {_when(change.day)} moved to {_when(new_day)}"
        present = [p for p in (person, tx.person(supervisor)) if p is not None]
        warnings = booking_warnings(tx, present, new_day)
    what = f"case supervision for {change.case_ref}" if change.case_ref else "supervision"
    boss = tx.person(supervisor)
    by = f" with {boss.name}" if boss is not None else ""
    tx.notify(
        person.id,
        f"session-{change.verb}",
        f"{kind}|{change.day.isoformat()}|{change.case_ref or ''}",
        f"Your {what}{by} is recorded as {done}.",
        now,
    )
    told = f"Recorded: {person.name}'s {what} {done}. {person.name} has been told."
    return " ".join([told, *(f"Warning: {w}; rebook if it cannot go ahead." for w in warnings)])


def booking_warnings(tx: Transaction, people: list[Person], day: date) -> list[str]:
    """Why a session on `day` may not happen: a weekend, a bank holiday, someone's leave."""
    warnings = []
    holiday = bank_holiday(day)
    if holiday:
        warnings.append(f"{spoken(day)} is a bank holiday ({holiday})")
    elif day.weekday() >= 5:
        warnings.append(f"{spoken(day)} is a {day:%A}")
    for who in people:
        if tx.on_leave(who.id, day):
            warnings.append(f"{who.name} is on leave on {spoken(day)}")
    return warnings


def _once_held(
    tx: Transaction, person: Person, supervisor: str, change: SessionChange, now: datetime
) -> str:
    """A supervision agreement signed, or a direct observation held, on the day."""
    kind = change.kind or ""
    if kind not in ONCE_HELD or change.verb != "held" or change.case_ref:
        raise SessionError(f"An {kind} is recorded once held: session held --kind {kind}.")
    if change.day > now.date():
        raise SessionError(f"{_when(change.day)} is in the future; it can be recorded by today.")
    tx.save_session(Session(kind, change.day, person.id, supervisor, None, "held"))
    done = f"{'signed' if kind == 'agreement' else 'held'} on {_when(change.day)}"
    what = ONCE_HELD[kind]
    key = f"{kind}|{change.day.isoformat()}|"
    tx.notify(person.id, "session-held", key, f"Your {what} is recorded as {done}.", now)
    return f"Recorded: {person.name}'s {what} {done}. {person.name} has been told."


def _supervisee(tx: Transaction, viewer: Viewer, supervisee: str, now: datetime) -> Person:
    person = tx.person(supervisee)
    if person is None:
        raise SessionError(f"There is nobody with the id {supervisee[:40]!r} in the directory.")
    actor = viewer.person_id
    if actor is not None and not below(tx, actor, person.id):
        subject = Subject(person_id=person.id)
        audit.record(tx, viewer, "change", "session", subject, now, allowed=False)
        raise SessionError(
            f"Only {person.name}'s supervisor or their line management can record their sessions."
        )
    return person


def _when(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
