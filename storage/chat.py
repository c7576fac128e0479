"""Chat identities and conversation references: how to reach a person on each channel."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.prepared import Prepared
from storage.tables import ChatIdentityRow, ChatReferenceRow

# Every chat event starts by finding its sender: a Prepared statement (storage/prepared.py).
_PERSON_FOR = Prepared(
    select(ChatIdentityRow.person_id).where(
        ChatIdentityRow.channel == bindparam("channel"),
        ChatIdentityRow.channel_user_id == bindparam("user"),
    )
)


class ChatSql:
    """Reads and writes `chat_identities` and `chat_references` in one transaction."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def person_for(self, channel: str, channel_user_id: str) -> str | None:
        """Our person id for a channel's user id, or None for someone not imported."""
        found: str | None = _PERSON_FOR.scalar(
            self._db, {"channel": channel, "user": channel_user_id}
        )
        return found

    def identities_of(self, person_ids: Collection[str]) -> dict[str, list[tuple[str, str]]]:
        """Each of these people's (channel, channel user id) pairs, in the order they are
        tried; someone with none is there with an empty list (one read for a batch)."""
        found: dict[str, list[tuple[str, str]]] = {person: [] for person in person_ids}
        rows = self._db.execute(
            select(
                ChatIdentityRow.person_id, ChatIdentityRow.channel, ChatIdentityRow.channel_user_id
            )
            .where(ChatIdentityRow.person_id.in_(found))
            .order_by(ChatIdentityRow.channel, ChatIdentityRow.channel_user_id)
        )
        for person, channel, user in rows:
            found[person].append((channel, user))
        return found

    def link(self, channel: str, channel_user_id: str, person_id: str) -> None:
        """Record a match found another way (e.g. by e-mail), so the next lookup is direct."""
        values = {"channel": channel, "channel_user_id": channel_user_id, "person_id": person_id}
        self._db.execute(self._upsert(ChatIdentityRow, values, ["channel", "channel_user_id"]))

    def remember(
        self, channel: str, person_id: str, reference: dict[str, Any], now: datetime
    ) -> None:
        """Keep the latest conversation reference for proactive messages."""
        if self.reference(channel, person_id) == reference:
            return
        values = {
            "channel": channel,
            "person_id": person_id,
            "reference": reference,
            "updated_at": now,
        }
        self._db.execute(self._upsert(ChatReferenceRow, values, ["channel", "person_id"]))

    def reference(self, channel: str, person_id: str) -> dict[str, Any] | None:
        return self._db.scalar(
            select(ChatReferenceRow.reference).where(
                ChatReferenceRow.channel == channel, ChatReferenceRow.person_id == person_id
            )
        )

    def _upsert(self, table: Any, values: dict[str, Any], keys: list[str]) -> Any:
        dialect = pg_insert if self._db.dialect.name == "postgresql" else sqlite_insert
        others = {k: v for k, v in values.items() if k not in keys}
        return dialect(table).values(values).on_conflict_do_update(index_elements=keys, set_=others)
