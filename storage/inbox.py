"""The durable inbox of chat events and the transactional outbox of replies.

Inbox: a channel commits each event here (keyed by the service's own event id) before it
acknowledges the service, so an acknowledged event survives a crash. A worker takes a
conversation's oldest unprocessed row, runs the turn, writes its replies and marks the row
processed, all in one transaction; `lock` makes that transaction the only one working on the
conversation (an advisory lock on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises anyway).

Replies: delivered strictly in `id` order per conversation. Only a conversation's oldest
unsent reply can be claimed, under a lease, so two processes never deliver one conversation's
replies at once or out of order; a failed delivery is retried later with backoff.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.prepared import Prepared
from storage.tables import InboxRow, ReplyRow

CONVERSATION_LOCKS = 0x5356_4102  # advisory-lock class for per-conversation ordering


def _typed(name: str, column: Any) -> Any:
    """A parameter with its column's type, spelled out (SQLAlchemy 2 infers the same in
    `.values()`). Its name must not be a column's: that name is reserved there."""
    return bindparam(name, type_=column.type)


# The statements of every chat event, built once: building them per call (and their cache
# keys) was an eighth of a busy server's time (issue 16's profile: `ColumnOperators.__eq__`
# alone 7.6%). On the table, not the ORM entity: an ORM insert took a fifth of the store
# thread's time under a burst of Slack events (`_get_orm_crud_kv_pairs`). Run as `Prepared`
# statements on the driver's cursor (storage/prepared.py).
_ADD_COLUMNS = ("channel", "event_id", "conversation", "payload", "received_at", "processed_at")
_ADD = {
    dialect: Prepared(
        insert_into(cast(Table, InboxRow.__table__))
        .values({name: bindparam(name) for name in _ADD_COLUMNS})
        .on_conflict_do_nothing()
    )
    for dialect, insert_into in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_NEXT = Prepared(
    select(InboxRow.id, InboxRow.channel, InboxRow.conversation, InboxRow.payload)
    .where(InboxRow.conversation == bindparam("conversation"), InboxRow.processed_at.is_(None))
    .order_by(InboxRow.id)
    .limit(1)
)
_DONE = Prepared(
    update(InboxRow)
    .where(InboxRow.id == bindparam("row_id"))
    .values(processed_at=_typed("now", InboxRow.processed_at), payload={})
)
_UNPROCESSED = Prepared(
    select(func.count()).where(
        InboxRow.conversation == bindparam("conversation"), InboxRow.processed_at.is_(None)
    )
)
# The conversation's oldest unsent reply, claimed if it is due and nobody else holds it: one
# statement (on PostgreSQL each is a round trip, and every reply is claimed).
_HEAD = (
    select(ReplyRow.id)
    .where(
        ReplyRow.conversation == bindparam("of_conversation"),
        ReplyRow.sent_at.is_(None),
        ReplyRow.failed_at.is_(None),
    )
    .order_by(ReplyRow.id)
    .limit(1)
    .scalar_subquery()
)
_CLAIM = Prepared(
    update(ReplyRow)
    .where(
        ReplyRow.id == _HEAD,
        # Again on the row itself: on PostgreSQL a row another transaction holds is checked
        # afresh once it commits, and it may just have been sent (its claim cleared).
        ReplyRow.sent_at.is_(None),
        ReplyRow.failed_at.is_(None),
        ReplyRow.next_attempt_at <= _typed("now", ReplyRow.next_attempt_at),
        or_(
            ReplyRow.claimed_until.is_(None),
            ReplyRow.claimed_until < _typed("now", ReplyRow.claimed_until),
            ReplyRow.claimed_by == _typed("token", ReplyRow.claimed_by),
        ),
    )
    .values(
        claimed_by=_typed("token", ReplyRow.claimed_by),
        claimed_until=_typed("until", ReplyRow.claimed_until),
    )
    .returning(
        ReplyRow.id,
        ReplyRow.channel,
        ReplyRow.conversation,
        ReplyRow.address,
        ReplyRow.message,
        ReplyRow.attempts,
    )
)
_SENT = Prepared(
    update(ReplyRow)
    .where(ReplyRow.id == bindparam("reply_id"))
    .values(sent_at=_typed("now", ReplyRow.sent_at), claimed_by=None, claimed_until=None)
)


@dataclass(frozen=True, slots=True)
class InboxEvent:
    """One unprocessed inbox row."""

    id: int
    channel: str
    conversation: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PendingReply:
    """One claimed reply, to be delivered at `address` on `channel`."""

    id: int
    channel: str
    conversation: str
    address: dict[str, Any]
    message: dict[str, Any]
    attempts: int


class InboxSql:
    """Inbox operations inside the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(
        self,
        channel: str,
        event_id: str,
        conversation: str,
        payload: dict[str, Any],
        now: datetime,
        *,
        processed: bool = False,
    ) -> bool:
        """Store an event unless its id is already there; False for a repeat."""
        values = {
            "channel": channel,
            "event_id": event_id,
            "conversation": conversation,
            "payload": {} if processed else payload,
            "received_at": now,
            "processed_at": now if processed else None,
        }
        statement = _ADD[self._db.dialect.name]
        return statement.rowcount(self._db, values) == 1

    def next(self, conversation: str) -> InboxEvent | None:
        """The conversation's oldest unprocessed event."""
        row = _NEXT.first(self._db, {"conversation": conversation})
        return None if row is None else InboxEvent(*row)

    def lock(self, conversation: str, event_id: int) -> bool:
        """Take the conversation for this transaction; True if `event_id` is still its oldest
        unprocessed event (False: another worker got there first, or an older one appeared)."""
        if self._db.dialect.name == "postgresql":
            key = zlib.crc32(conversation.encode()) - 2**31
            self._db.execute(
                text("SELECT pg_advisory_xact_lock(:kind, :key)"),
                {"kind": CONVERSATION_LOCKS - 2**31, "key": key},
            )
        oldest = self.next(conversation)
        return oldest is not None and oldest.id == event_id

    def done(self, event_id: int, now: datetime) -> None:
        """Mark processed and drop the content (the event id stays, so a retry is ignored)."""
        _DONE.rowcount(self._db, {"row_id": event_id, "now": now})

    def unprocessed(self, conversation: str) -> int:
        """How many of the conversation's events wait to be answered, by any process."""
        return int(_UNPROCESSED.scalar(self._db, {"conversation": conversation}) or 0)

    def waiting(self, received_before: datetime) -> list[str]:
        """Conversations with events unprocessed since before `received_before`."""
        query = (
            select(InboxRow.conversation)
            .where(InboxRow.processed_at.is_(None), InboxRow.received_at < received_before)
            .group_by(InboxRow.conversation)
            .order_by(func.min(InboxRow.id))
        )
        return list(self._db.scalars(query))


class RepliesSql:
    """Reply-outbox operations inside the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(
        self,
        channel: str,
        conversation: str,
        address: dict[str, Any],
        messages: list[dict[str, Any]],
        now: datetime,
    ) -> None:
        """Queue `messages` (in order) for the conversation."""
        if not messages:
            return
        rows = [
            {
                "channel": channel,
                "conversation": conversation,
                "address": address,
                "message": message,
                "created_at": now,
                "attempts": 0,
                "next_attempt_at": now,
            }
            for message in messages
        ]
        self._db.execute(insert(ReplyRow), rows)

    def claim(
        self, conversation: str, token: str, now: datetime, lease: timedelta
    ) -> PendingReply | None:
        """Claim the conversation's oldest unsent reply if it is due and nobody else holds it."""
        claim = {"of_conversation": conversation, "now": now, "token": token, "until": now + lease}
        row = _CLAIM.first(self._db, claim)
        return None if row is None else PendingReply(*row)

    def sent(self, reply_id: int, now: datetime) -> None:
        _SENT.rowcount(self._db, {"reply_id": reply_id, "now": now})

    def release(self, token: str) -> int:
        """Let go of the unsent replies claimed by `token`, a process known to be dead (so
        they go out now, not when the claims lapse); how many."""
        released = self._db.execute(
            update(ReplyRow)
            .where(ReplyRow.claimed_by == token, ReplyRow.sent_at.is_(None))
            .values(claimed_by=None, claimed_until=None)
        )
        return int(released.rowcount)

    def retry_later(self, reply_id: int, at: datetime, *, give_up: bool, now: datetime) -> None:
        """A failed delivery: try again at `at`, or give up (the conversation moves on)."""
        self._db.execute(
            update(ReplyRow)
            .where(ReplyRow.id == reply_id)
            .values(
                attempts=ReplyRow.attempts + 1,
                next_attempt_at=at,
                claimed_by=None,
                claimed_until=None,
                failed_at=now if give_up else None,
            )
        )

    def due(self, now: datetime, mine: str | None = None) -> list[str]:
        """Conversations with a reply waiting that could be delivered now; `mine`: also those
        claimed by this token (a restarted process takes its own claims back at once)."""
        free = or_(ReplyRow.claimed_until.is_(None), ReplyRow.claimed_until < now)
        if mine is not None:
            free = or_(free, ReplyRow.claimed_by == mine)
        query = (
            select(ReplyRow.conversation)
            .where(
                ReplyRow.sent_at.is_(None),
                ReplyRow.failed_at.is_(None),
                ReplyRow.next_attempt_at <= now,
                free,
            )
            .group_by(ReplyRow.conversation)
            .order_by(func.min(ReplyRow.id))
        )
        return list(self._db.scalars(query))
