"""Builders shared by the tests: engines, conversations and scripted dialogs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from bot.bootstrap import build_assistant
from bot.config import Config
from bot.service import Assistant
from dialogs.conversation import Conversation
from dialogs.definition import DialogSettings
from dialogs.definitions import ALL_DIALOGS
from dialogs.engine import DialogEngine, Turn
from dialogs.messages import Inbound, Outbound
from storage.store import Store

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
SIGNPOSTING = "Call the employee assistance programme on 0800 000 0000."
PERSON = "alice"


def settings(**changes: object) -> DialogSettings:
    base = {"max_answer_chars": 4000, "low_wellbeing_score": 3, "signposting": SIGNPOSTING}
    return DialogSettings(**{**base, **changes})  # type: ignore[arg-type]


def dialog_engine(**changes: object) -> DialogEngine:
    return DialogEngine(definitions=ALL_DIALOGS, settings=settings(**changes))


def inbound(
    text: str = "", *, value: str | None = None, person: str = PERSON, message_id: str | None = None
) -> Inbound:
    return Inbound(person_id=person, channel="test", text=text, value=value, message_id=message_id)


class Script:
    """Drives one conversation through the engine, keeping every reply for assertions."""

    def __init__(self, engine: DialogEngine, dialog: str, **context: str) -> None:
        self.engine = engine
        turn = engine.start(person_id=PERSON, dialog=dialog, context=context)
        self.conversation: Conversation | None = turn.conversation
        self.last: Turn = turn

    def say(self, *lines: str) -> Script:
        for line in lines:
            assert self.conversation is not None, f"dialog already ended before {line!r}"
            self.last = self.engine.handle(self.conversation, inbound(line), NOW)
            if self.last.changed:
                self.conversation = self.last.conversation
        return self

    @property
    def state(self) -> str | None:
        return self.conversation.state if self.conversation else None

    @property
    def reply(self) -> Outbound:
        return self.last.replies[-1]

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.last.replies]


def assistant_over(store: Store, config: Config | None = None) -> Assistant:
    return build_assistant(config or Config(), store, clock=lambda: NOW)


async def chat(assistant: Assistant, lines: Iterable[str], person: str = PERSON) -> list[Outbound]:
    """Send each line in turn; return the replies to the last one."""
    replies: list[Outbound] = []
    for line in lines:
        replies = await assistant.handle(inbound(line, person=person))
    return replies
