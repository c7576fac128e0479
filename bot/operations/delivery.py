"""Delivering reminders and agenda drafts to a person on whichever channel reaches them."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Protocol

from dialogs.messages import Outbound
from storage.sql import SqlStore

IDENTITIES_FRESH_FOR = 60.0  # seconds; a re-import is picked up within a minute


class Sender(Protocol):
    """A channel that can write to a person first (a direct message)."""

    async def send(self, person_id: str, user_id: str, messages: list[Outbound]) -> bool:
        """Deliver `messages`; False when the person cannot be reached there (yet)."""
        ...


class TeamPoster(Protocol):
    """A channel that can post in a team's shared channel (Slack)."""

    async def post_to_channel(self, channel_id: str, messages: list[Outbound]) -> bool: ...


class ChannelNotifier:
    """Tries the person's chat identities, in order, on the channels being served."""

    def __init__(
        self,
        *,
        store: SqlStore,
        senders: Mapping[str, Sender],
        team_channels: Mapping[str, tuple[TeamPoster, str]] | None = None,
    ) -> None:
        self._store = store
        self._senders = senders
        self._team_channels = team_channels or {}
        self._loaded_at = -IDENTITIES_FRESH_FOR
        self._identities: dict[str, list[tuple[str, str]]] = {}

    async def _directory(self) -> dict[str, list[tuple[str, str]]]:
        """Everyone's chat identities, read once per sweep rather than once per digest."""
        if time.monotonic() - self._loaded_at >= IDENTITIES_FRESH_FOR:
            self._identities = await self._store.run_sql(lambda tx: tx.chat.all_identities())
            self._loaded_at = time.monotonic()
        return self._identities

    async def post_to_team(self, team: str, text: str) -> bool:
        """Post in the team's own channel; False if it has none (members get it in person)."""
        if team not in self._team_channels:
            return False
        poster, channel_id = self._team_channels[team]
        return await poster.post_to_channel(channel_id, [Outbound(text)])

    async def deliver(self, person_id: str, text: str) -> bool:
        for channel, user_id in (await self._directory()).get(person_id, []):
            sender = self._senders.get(channel)
            if sender is not None and await sender.send(person_id, user_id, [Outbound(text)]):
                return True
        return False
