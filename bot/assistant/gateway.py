"""What every chat channel talks to: who is this person, then the assistant.

Adapters hand over a channel's user id and what they sent; the gateway resolves the person
(people are known only through their import row) and returns the assistant's replies. An
unknown person gets a polite explanation and nothing about them is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.assistant.home import Home, home_of
from bot.assistant.inbox import PER_PERSON, TOTAL, TRY_AGAIN, Event, Inbox, Replier, unsaved
from bot.assistant.service import Assistant
from bot.errors import TryAgainLater
from dialogs.messages import Inbound, Outbound
from storage.sql import SqlStore

log = logging.getLogger(__name__)
__all__ = ["TRY_AGAIN", "ChannelMessage", "Event", "Gateway", "unknown_person", "unsaved"]
# A channel's second way to find someone (Slack: their e-mail); returns our person id.
Matcher = Callable[[str], Awaitable[str | None]]


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
    """One message as a channel adapter sees it, before we know who sent it (for answers
    given while the service waits, outside the inbox: a Teams file consent)."""

    channel: str
    user_id: str
    text: str = ""
    value: str | None = None
    message_id: str | None = None


class Gateway:
    """Resolves channel users to people and passes their messages to the assistant, through
    the durable inbox (see `bot.assistant.inbox`)."""

    def __init__(
        self,
        *,
        assistant: Assistant,
        store: SqlStore,
        per_person: int = PER_PERSON,
        total: int = TOTAL,
    ) -> None:
        self.assistant = assistant
        self.store = store
        self._matchers: dict[str, Matcher] = {}
        self.inbox = Inbox(
            store=store,
            handle=assistant.handle_within,
            resolve=self._resolve,
            unknown=unknown_person,
            per_person=per_person,
            total=total,
        )

    def attach(self, channel: str, replier: Replier, matcher: Matcher | None = None) -> None:
        """A channel's way to deliver replies (and to find people another way)."""
        self.inbox.attach(channel, replier)
        if matcher is not None:
            self._matchers[channel] = matcher

    async def receive(self, event: Event) -> bool:
        """Commit a channel's event before it is acknowledged; it is answered in the background
        strictly after the same person's earlier messages. False for a repeated event id.

        Raises:
            TryAgainLater: not stored; the channel should ask the service to send it again.
        """
        return await self.inbox.receive(event)

    @property
    def on_turn(self) -> Callable[[str], None]:
        """Called with the channel's name after each answered message (metrics)."""
        return self.inbox.on_turn

    @on_turn.setter
    def on_turn(self, count: Callable[[str], None]) -> None:
        self.inbox.on_turn = count

    async def drain(self, timeout: float) -> bool:
        """Wait (at most `timeout` s) for messages being answered; False if some still are."""
        return await self.inbox.drain(timeout)

    async def _resolve(self, channel: str, user_id: str) -> str | None:
        return await self.person(channel, user_id, self._matchers.get(channel))

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

    async def handle_as(self, person_id: str, message: ChannelMessage) -> list[Outbound]:
        """The assistant's replies to an already resolved person, straight away."""
        inbound = Inbound(
            person_id, message.channel, message.text, message.value, message.message_id
        )
        try:
            replies = await self.assistant.handle(inbound)
        except TryAgainLater as problem:
            return [unsaved(problem)]
        self.on_turn(message.channel)
        return replies

    async def home(self, person_id: str) -> Home:
        """What a person's home page shows."""
        return await home_of(self.assistant, person_id)
