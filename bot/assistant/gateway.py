"""What every chat channel talks to: who is this person, then the assistant.

Adapters hand over a channel's user id and what they sent; the gateway resolves the person
(people are known only through their import row) and returns the assistant's replies. An
unknown person gets a polite explanation and nothing about them is stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.assistant.home import Home, home_of
from bot.assistant.ordering import PerKeyLocks
from bot.assistant.service import Assistant
from bot.errors import TryAgainLater
from dialogs.messages import Inbound, Outbound
from storage.sql import SqlStore

log = logging.getLogger(__name__)
TRY_AGAIN = Outbound(
    "Sorry, I couldn't save that just now. Nothing was changed; please send it again."
)
# A channel's second way to find someone (Slack: their e-mail); returns our person id.
Matcher = Callable[[str], Awaitable[str | None]]
# Sends replies back on the channel the message came from.
Reply = Callable[[list[Outbound]], Awaitable[None]]


def unknown_person(channel: str, user_id: str) -> Outbound:
    """The reply to someone who is not in the assistant's directory."""
    return Outbound(
        "Hello. I'm the supervision assistant, but I don't know you yet, so I can't help "
        "you here. Please ask your team manager or your council's system administrator to "
        f"add you; they will need your {channel} id: {user_id}\n"
        "I have not kept anything you sent."
    )


@dataclass(frozen=True, slots=True)
class ChannelMessage:
    """One message as a channel adapter sees it, before we know who sent it."""

    channel: str
    user_id: str
    text: str = ""
    value: str | None = None
    message_id: str | None = None


class Gateway:
    """Resolves channel users to people and passes their messages to the assistant."""

    def __init__(self, *, assistant: Assistant, store: SqlStore) -> None:
        self.assistant = assistant
        self.store = store
        self._locks = PerKeyLocks()
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.on_turn: Callable[[str], None] = lambda channel: None  # metrics: one per answer

    async def drain(self, timeout: float) -> bool:
        """Wait (at most `timeout` s) for messages being answered; False if some still are."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def converse(
        self,
        message: ChannelMessage,
        reply: Reply,
        *,
        typed: bool = False,
        button: bool = False,
        matcher: Matcher | None = None,
    ) -> None:
        """Answer `message` through `reply`, strictly after the same person's previous message
        has been answered. A `typed` message may be a bare command ("prep AB-12"), read so only
        when no dialog is waiting for an answer; a `button`'s value is a choice token, checked
        against the question being asked."""
        self._busy += 1
        self._idle.clear()
        try:
            await self._converse(message, reply, typed, button, matcher)
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle.set()

    async def _converse(
        self,
        message: ChannelMessage,
        reply: Reply,
        typed: bool,
        button: bool,
        matcher: Matcher | None,
    ) -> None:
        async with self._locks.hold(f"{message.channel}:{message.user_id}"):
            person = await self.person(message.channel, message.user_id, matcher)
            if person is None:
                await reply([unknown_person(message.channel, message.user_id)])
                return
            await reply(await self.handle_as(person, message, typed=typed, button=button))

    async def person(
        self, channel: str, user_id: str, matcher: Matcher | None = None
    ) -> str | None:
        """Our person id for a channel user; `matcher` is tried (and its match remembered)
        when the import row does not list this id."""
        found = await self.store.run_sql(lambda tx: tx.chat.person_for(channel, user_id))
        if found is None and matcher is not None:
            found = await matcher(user_id)
            if found is not None:
                await self.link(channel, user_id, found)
        return found

    async def link(self, channel: str, user_id: str, person_id: str) -> None:
        """Remember that `user_id` on `channel` is `person_id` (found another way)."""
        await self.store.run_sql(lambda tx: tx.chat.link(channel, user_id, person_id))

    async def remember_reference(self, channel: str, key: str, reference: dict[str, Any]) -> None:
        """Keep where to write first to `key` (a person, or a team channel) on `channel`."""
        now = datetime.now(UTC)
        await self.store.run_sql(lambda tx: tx.chat.remember(channel, key, reference, now))

    async def reference(self, channel: str, key: str) -> dict[str, Any] | None:
        return await self.store.run_sql(lambda tx: tx.chat.reference(channel, key))

    async def handle_as(
        self, person_id: str, message: ChannelMessage, *, typed: bool = False, button: bool = False
    ) -> list[Outbound]:
        """The assistant's replies to an already resolved person."""
        inbound = Inbound(
            person_id,
            message.channel,
            message.text,
            None if button else message.value,
            message.message_id,
            token=message.value if button else None,
            bare_commands=typed,
        )
        try:
            replies = await self.assistant.handle(inbound)
        except TryAgainLater:
            return [TRY_AGAIN]
        self.on_turn(message.channel)
        return replies

    async def home(self, person_id: str) -> Home:
        """What a person's home page shows."""
        return await home_of(self.assistant, person_id)
