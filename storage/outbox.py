"""The reminder outbox: rows written under a unique key, claimed, then marked sent.

Exactly-once comes from the database, not from a scheduler: `enqueue` ignores keys already
present; `claim` takes unsent, unclaimed rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so two
sweeps never take the same row; SQLite's BEGIN IMMEDIATE serialises the same way) and stamps
them with the dispatcher's token; `mark_sent` finishes them. A claim older than the lease is
taken to belong to a crashed dispatcher and may be claimed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from itertools import groupby

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.records import OutboxItem
from storage.tables import OutboxRow

BATCH = 5_000


class OutboxSql:
    """Outbox operations on one open connection (inside the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def enqueue(self, items: Sequence[OutboxItem], created_on: date) -> None:
        """Write reminders whose key is not there yet; existing keys are left alone."""
        dialect = postgresql if self._db.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(OutboxRow.__table__).on_conflict_do_nothing(
            index_elements=["key"]
        )
        rows = [
            {
                "key": i.key,
                "person_id": i.person_id,
                "kind": i.kind,
                "subject": i.key.split("|")[2],
                "case_ref": i.case_ref,
                "due": i.due,
                "text": i.text,
                "created_on": created_on,
            }
            for i in items
        ]
        for start in range(0, len(rows), BATCH):
            self._db.execute(statement, rows[start : start + BATCH])

    def sent_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of `keys` were already sent."""
        found: set[str] = set()
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            found.update(
                self._db.scalars(
                    select(OutboxRow.key).where(
                        OutboxRow.key.in_(chunk), OutboxRow.sent_at.is_not(None)
                    )
                )
            )
        return found

    def claim(self, token: str, now: datetime, lease: timedelta, limit: int) -> list[OutboxItem]:
        """Claim up to `limit` unsent rows, whole people at a time, ordered by person."""
        candidates = (
            select(
                OutboxRow.key,
                OutboxRow.person_id,
                OutboxRow.kind,
                OutboxRow.case_ref,
                OutboxRow.due,
                OutboxRow.text,
            )
            .where(
                OutboxRow.sent_at.is_(None),
                or_(OutboxRow.claimed_at.is_(None), OutboxRow.claimed_at < now - lease),
            )
            .order_by(OutboxRow.person_id, OutboxRow.due, OutboxRow.key)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        items = [
            OutboxItem(r.key, r.person_id, r.kind, r.case_ref, r.due, r.text)
            for r in self._db.execute(candidates)
        ]
        if len(items) == limit and len({i.person_id for i in items}) > 1:
            last = items[
                -1
            ].person_id  # may continue past the limit: leave them whole for next time
            items = [i for i in items if i.person_id != last]
        keys = [i.key for i in items]
        for start in range(0, len(keys), BATCH):
            self._db.execute(
                update(OutboxRow)
                .where(OutboxRow.key.in_(keys[start : start + BATCH]))
                .values(claimed_by=token, claimed_at=now)
            )
        return items

    def mark_sent(self, token: str, keys: Sequence[str], now: datetime) -> None:
        """Finish rows this dispatcher claimed and delivered."""
        for start in range(0, len(keys), BATCH):
            self._db.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.key.in_(keys[start : start + BATCH]), OutboxRow.claimed_by == token
                )
                .values(sent_at=now)
            )

    def release(self, token: str, keys: Sequence[str]) -> None:
        """Give back rows that could not be delivered, for a later run."""
        for start in range(0, len(keys), BATCH):
            self._db.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.key.in_(keys[start : start + BATCH]), OutboxRow.claimed_by == token
                )
                .values(claimed_by=None, claimed_at=None)
            )


def by_person(items: Sequence[OutboxItem]) -> list[tuple[str, list[OutboxItem]]]:
    """Claimed items grouped per person (they come ordered by person)."""
    return [(person, list(group)) for person, group in groupby(items, key=lambda i: i.person_id)]
