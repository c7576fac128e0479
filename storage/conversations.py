"""The turn's own statements: load a conversation, store it, claim a channel message id.

These run on every message, so they are built once at import and run as `Prepared`
statements, straight on the driver's cursor (storage/prepared.py), and each takes one round
trip: the insert of a first turn and the claim of a message id are single
`INSERT … ON CONFLICT DO NOTHING` statements instead of a check, a savepoint and an insert.
Values still go through the column types, so sealed (encrypted) columns stay sealed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dialogs.conversation import Conversation
from storage.errors import ConcurrentUpdate
from storage.prepared import Prepared
from storage.tables import ConversationRow, ReceivedMessageRow

_TABLE = ConversationRow.__table__
_C = _TABLE.c
_FIELDS = {"dialog", "state", "data", "version", "updated_at"}

# FOR UPDATE (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers): a second
# process answering for the same person waits here instead of failing its version check.
LOAD = Prepared(
    select(_C.dialog, _C.state, _C.data, _C.version)
    .where(_C.person_id == bindparam("person"))
    .with_for_update()
)
UPDATE = Prepared(
    update(ConversationRow)
    .where(_C.person_id == bindparam("person"), _C.version == bindparam("was"))
    .values({name: bindparam(name) for name in _FIELDS})
)
DELETE = Prepared(
    delete(ConversationRow).where(
        _C.person_id == bindparam("person"), _C.version == bindparam("was")
    )
)


def _insert_once(dialect: Any, table: Any, columns: list[str]) -> Prepared:
    values: dict[str, Any] = {name: bindparam(name) for name in columns}
    return Prepared(dialect(table).values(values).on_conflict_do_nothing())


_CONVERSATION_COLUMNS = ["person_id", *sorted(_FIELDS)]
_MESSAGE_COLUMNS = ["channel", "message_id", "received_at"]
INSERT = {
    "sqlite": _insert_once(sqlite_insert, ConversationRow.__table__, _CONVERSATION_COLUMNS),
    "postgresql": _insert_once(pg_insert, ConversationRow.__table__, _CONVERSATION_COLUMNS),
}
CLAIM = {
    "sqlite": _insert_once(sqlite_insert, ReceivedMessageRow.__table__, _MESSAGE_COLUMNS),
    "postgresql": _insert_once(pg_insert, ReceivedMessageRow.__table__, _MESSAGE_COLUMNS),
}


def claim_message(db: Connection, channel: str, message_id: str, now: datetime) -> bool:
    """Record a channel message id; False if it was already there."""
    values = {"channel": channel, "message_id": message_id, "received_at": now}
    return CLAIM[db.dialect.name].rowcount(db, values) == 1


def load(db: Connection, person_id: str) -> Conversation | None:
    """The person's conversation, locked for this transaction."""
    row = LOAD.first(db, {"person": person_id})
    if row is None:
        return None
    dialog, state, data, version = row
    data = data or {}
    return Conversation(
        person_id=person_id,
        dialog=dialog,
        state=state,
        answers=dict(data.get("answers", {})),
        context=dict(data.get("context", {})),
        version=version,
    )


def save(db: Connection, conversation: Conversation, now: datetime) -> Conversation:
    """Store the conversation as its next version (ConcurrentUpdate if another writer won)."""
    values = {
        "dialog": conversation.dialog,
        "state": conversation.state,
        "data": conversation.to_data(),
        "version": conversation.version + 1,
        "updated_at": now,
    }
    if conversation.version == 0:
        statement = INSERT[db.dialect.name]
        stored = statement.rowcount(db, {"person_id": conversation.person_id, **values})
    else:
        keys = {"person": conversation.person_id, "was": conversation.version}
        stored = UPDATE.rowcount(db, {**keys, **values})
    if stored != 1:
        raise ConcurrentUpdate(conversation.person_id)
    saved = conversation.copy()
    saved.version += 1
    return saved


def remove(db: Connection, conversation: Conversation) -> None:
    """Delete a finished conversation (ConcurrentUpdate if it is not the version we read)."""
    if conversation.version == 0:
        return
    if DELETE.rowcount(db, {"person": conversation.person_id, "was": conversation.version}) != 1:
        raise ConcurrentUpdate(conversation.person_id)
