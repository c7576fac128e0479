"""Reminders already satisfied when their digest goes out: a record written, or agreed,
after the reminder was queued (the person was unreachable, or the digest waited for the
dispatcher). They are dropped from the digest and marked done, never sent."""

from __future__ import annotations

from datetime import date

from storage.records import OutboxItem
from storage.store import Transaction

# reminder kind -> the session date that satisfies it
SATISFIED_BY = {"record": "recorded_on", "signoff": "signed_off_on"}


def satisfied(tx: Transaction, items: list[OutboxItem]) -> set[str]:
    """The keys of `items` whose record has since been written (record) or agreed (signoff)."""
    done: set[str] = set()
    for item in items:
        field = SATISFIED_BY.get(item.kind)
        if field is None:
            continue
        # key: to|kind|session kind|session date|supervisee|case|due
        parts = item.key.split("|")
        if len(parts) != 7:
            continue
        session_key = "|".join(parts[2:6])
        try:
            day = date.fromisoformat(parts[3])
        except ValueError:
            continue
        sessions = [s for s in tx.sessions_on(parts[4], day) if s.key == session_key]
        if sessions and all(getattr(s, field) is not None for s in sessions):
            done.add(item.key)
    return done
