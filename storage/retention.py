"""Removing what has been kept long enough, in small batches (each its own transaction).

`EXPIRING` names, for each record kind, its table and the moment its retention runs from.
A batch selects at most `limit` primary keys older than the cutoff and deletes exactly those,
so a purge never holds a long lock and an interrupted one simply continues next time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Column, Connection, Table, delete, func, select, tuple_

from storage.tables import Base


@dataclass(frozen=True, slots=True)
class Expiring:
    """A record kind that expires: its table, the column its age runs from."""

    table: str
    since: str


EXPIRING: dict[str, Expiring] = {
    "abandoned dialogs": Expiring("conversations", "updated_at"),
    "received message ids": Expiring("received_messages", "received_at"),
    "answered chat events": Expiring("inbox", "processed_at"),  # payload already emptied
    "delivered replies": Expiring("replies", "sent_at"),
    "sent messages": Expiring("outbox", "sent_at"),  # unsent rows never expire here
    "wellbeing check-ins": Expiring("wellbeing_checkins", "completed_at"),
    "preparation notes": Expiring("prep_notes", "completed_at"),
    "EARS reflections": Expiring("ears_reflections", "completed_at"),
    "agenda arrangements and sent agendas": Expiring("agenda_edits", "sent_at"),
}


def _parts(kind: str) -> tuple[Table, Column[datetime], list[Column[object]]]:
    spec = EXPIRING[kind]
    table = Base.metadata.tables[spec.table]
    return table, table.c[spec.since], list(table.primary_key.columns)


def count_expired(db: Connection, kind: str, cutoff: datetime) -> int:
    """How many rows of `kind` are older than `cutoff` (for --dry-run)."""
    table, since, _ = _parts(kind)
    return int(db.scalar(select(func.count()).select_from(table).where(since < cutoff)) or 0)


def delete_expired(db: Connection, kind: str, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` rows of `kind` older than `cutoff`; returns how many went."""
    table, since, keys = _parts(kind)
    doomed = db.execute(select(*keys).where(since < cutoff).limit(limit)).all()
    if not doomed:
        return 0
    if len(keys) == 1:
        db.execute(delete(table).where(keys[0].in_([row[0] for row in doomed])))
    else:
        db.execute(delete(table).where(tuple_(*keys).in_([tuple(row) for row in doomed])))
    return len(doomed)


def abandoned_between(
    db: Connection, start: datetime, end: datetime, limit: int
) -> list[tuple[str, str, datetime]]:
    """Dialogs last touched in [start, end): (person, dialog, last touched), oldest first."""
    conversations = Base.metadata.tables["conversations"]
    rows = db.execute(
        select(conversations.c.person_id, conversations.c.dialog, conversations.c.updated_at)
        .where(conversations.c.updated_at >= start, conversations.c.updated_at < end)
        .order_by(conversations.c.updated_at)
        .limit(limit)
    ).all()
    return [(person, dialog, moment) for person, dialog, moment in rows]


def leavers_before(db: Connection, cutoff: date, limit: int) -> list[str]:
    """People who left before `cutoff` (their retention has run), up to `limit`."""
    people = Base.metadata.tables["people"]
    query = select(people.c.id).where(people.c.left_on < cutoff).order_by(people.c.id)
    return list(db.scalars(query.limit(limit)))


class RetentionSql:
    """The retention queries on one open connection (inside the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def count_expired(self, kind: str, cutoff: datetime) -> int:
        return count_expired(self._db, kind, cutoff)

    def delete_expired(self, kind: str, cutoff: datetime, limit: int) -> int:
        return delete_expired(self._db, kind, cutoff, limit)

    def abandoned_between(
        self, start: datetime, end: datetime, limit: int
    ) -> list[tuple[str, str, datetime]]:
        return abandoned_between(self._db, start, end, limit)

    def leavers_before(self, cutoff: date, limit: int) -> list[str]:
        return leavers_before(self._db, cutoff, limit)
