"""Delivering reminders and agenda drafts to a person on whichever channel reaches them."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from typing import Protocol

from dialogs.messages import Outbound
from storage.sql import SqlStore

READ_AHEAD_FOR = 60.0  # seconds: identities read for a batch serve that batch, not later sends


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
        # Identities read ahead for a batch of deliveries, each used once: memory follows the
        # batch, not the number of people (a national directory kept all day cost 3 MiB).
        self._ahead: dict[str, list[tuple[str, str]]] = {}
        self._read_at = 0.0

    async def look_up(self, person_ids: Collection[str]) -> set[str]:
        """Read these people's chat identities in one query, for the deliveries about to
        follow (a sweep's batch); anyone else is looked up when delivered to. A second
        dispatch's batch replaces the first's: its people are then read one at a time.

        Returns those with no identity on any channel being served: nowhere to send to
        until one is imported or linked (a failed send is another matter)."""
        found = await self._store.run_sql(lambda tx: tx.chat.identities_of(person_ids))
        nowhere = {
            person
            for person, identities in found.items()
            if not any(channel in self._senders for channel, _ in identities)
        }
        # Kept only for those a send may reach: anyone else is read afresh if sent to.
        self._ahead = {person: ids for person, ids in found.items() if person not in nowhere}
        self._read_at = time.monotonic()
        return nowhere

    async def _identities(self, person_id: str) -> list[tuple[str, str]]:
        if time.monotonic() - self._read_at > READ_AHEAD_FOR:  # a batch cut short long ago
            self._ahead = {}
        found = self._ahead.pop(person_id, None)
        if found is None:
            ids = [person_id]
            found = (await self._store.run_sql(lambda tx: tx.chat.identities_of(ids)))[person_id]
        return found

    async def post_to_team(self, team: str, text: str) -> bool:
        """Post in the team's own channel; False if it has none (members get it in person)."""
        if team not in self._team_channels:
            return False
        poster, channel_id = self._team_channels[team]
        return await poster.post_to_channel(channel_id, [Outbound(text)])

    async def deliver(self, person_id: str, text: str) -> bool:
        for channel, user_id in await self._identities(person_id):
            sender = self._senders.get(channel)
            if sender is not None and await sender.send(person_id, user_id, [Outbound(text)]):
                return True
        return False
