"""Delivering reminders and agenda drafts to a person on whichever channel reaches them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from dialogs.messages import Outbound
from storage.sql import SqlStore


class Sender(Protocol):
    """A channel that can write to a person first (a direct message)."""

    async def send(self, person_id: str, user_id: str, messages: list[Outbound]) -> bool:
        """Deliver `messages`; False when the person cannot be reached there (yet)."""
        ...


class ChannelNotifier:
    """Tries the person's chat identities, in order, on the channels being served."""

    def __init__(self, *, store: SqlStore, senders: Mapping[str, Sender]) -> None:
        self._store = store
        self._senders = senders

    async def deliver(self, person_id: str, text: str) -> bool:
        identities = await self._store.run_sql(lambda tx: tx.chat.identities_of(person_id))
        for channel, user_id in identities:
            sender = self._senders.get(channel)
            if sender is not None and await sender.send(person_id, user_id, [Outbound(text)]):
                return True
        return False
