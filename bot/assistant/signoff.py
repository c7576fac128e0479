"""Record sign-off: the supervisor marks a record written; the supervisee agrees or disputes it
within the pack's window; after a lapsed window (Central Bedfordshire) the supervisor closes it
as agreed with a note. Every step is an appended event; nothing is overwritten."""

from __future__ import annotations

from datetime import date, datetime

from bot.assistant.names import counted
from dialogs.answers import InvalidAnswer, clean_text
from policies.due import NoRule, deadline_due
from policies.packs import PolicyPack
from storage.store import Transaction

MAX_REASON = 4000
# How the answers that change nothing begin (the command line exits 1 on them).
NOTHING_DONE = ("No unwritten record", "No record of", "There is no")
NO_DEADLINE = "has no signoff deadline"


def mark_written(
    tx: Transaction, pack: PolicyPack, supervisee: str, day: date, now: datetime
) -> str:
    """Mark the records of the person's sessions on `day` written, and ask them to agree."""
    pending = [s for s in tx.sessions_on(supervisee, day) if s.recorded_on is None]
    if not pending:
        return f"No unwritten record of a session with {supervisee} on {day:%d %b %Y}."
    for session in pending:
        tx.add_session_event(session, "written", session.supervisor_id, None, now)
    try:
        due = deadline_due(pack, "signoff", now.date())
        window = f" by {due.due:%a %d %b %Y}"  # the citation is for managers, not the nudge
    except NoRule:
        window = ""
    ask = f"The record of your supervision on {day:%d %b %Y} is written. Reply /agree {day.isoformat()}, or /disagree {day.isoformat()} REASON{window}."
    tx.notify(supervisee, "record-written", day.isoformat(), ask, now)
    person = tx.person(supervisee)
    who = person.name if person is not None else supervisee
    records = counted(len(pending), "record")
    return f"Marked {records} of {day:%d %b %Y} written; {who} has been asked to agree them."


def respond(tx: Transaction, supervisee: str, day: date, reason: str | None, now: datetime) -> str:
    """The supervisee agrees (reason None) or disputes the written records of `day`."""
    written = [
        s
        for s in tx.sessions_on(supervisee, day)
        if s.recorded_on is not None and s.signed_off_on is None
    ]
    if not written:
        return f"There is no written record of your supervision on {day:%d %b %Y} waiting for you."
    if reason is not None:
        try:
            reason = clean_text(reason, max_chars=MAX_REASON)
        except InvalidAnswer as problem:
            return str(problem)
    kind = "agreed" if reason is None else "disputed"
    for session in written:
        tx.add_session_event(session, kind, supervisee, reason, now)
        person = tx.person(supervisee)
        who = person.name if person is not None else supervisee
        told = f"{who} {kind} the record of {day:%d %b %Y}." + (
            f" Their reason: {reason}" if reason else ""
        )
        tx.notify(session.supervisor_id, f"record-{kind}", session.key, told, now)
    if reason is None:
        return f"Thank you: you agreed the record(s) of {day:%d %b %Y}."
    return f"Your disagreement with the record of {day:%d %b %Y} is recorded with it; it is never overwritten."


def close_lapsed(
    tx: Transaction, pack: PolicyPack, supervisee: str, day: date, now: datetime
) -> str:
    """Close unsigned records as agreed once the pack's sign-off window has passed."""
    window = pack.deadlines.signoff
    if window.within is None:
        return f"{pack.name} has no signoff deadline: {window.none}"
    unsigned = [
        s for s in tx.sessions_on(supervisee, day) if s.recorded_on and s.signed_off_on is None
    ]
    lapsed = [
        s
        for s in unsigned
        if s.recorded_on and deadline_due(pack, "signoff", s.recorded_on).overdue_on(now.date())
    ]
    if not lapsed:
        return f"No record of {day:%d %b %Y} is past its sign-off window."
    note = f"Not signed off within the window, so taken as agreed and closed ({window.cite})."
    undisputed = [
        s for s in lapsed if all(kind != "disputed" for kind, _, _ in tx.session_events(s))
    ]
    for session in undisputed:
        tx.add_session_event(session, "closed-as-agreed", session.supervisor_id, note, now)
    kept = len(lapsed) - len(undisputed)
    disputes = (
        f" {kept} disputed record(s) stay open for the disagreement to be resolved." if kept else ""
    )
    return f"Closed {len(undisputed)} record(s) of {day:%d %b %Y} as agreed, with the note: {note}{disputes}"
