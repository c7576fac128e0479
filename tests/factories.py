"""Builders shared by the tests: engines, conversations and scripted dialogs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from bot.assistant.service import Assistant
from bot.bootstrap import build_assistant
from bot.config import Config
from dialogs.conversation import Conversation
from dialogs.definition import DialogSettings
from dialogs.definitions import ALL_DIALOGS
from dialogs.engine import DialogEngine, Turn
from dialogs.messages import Inbound, Outbound
from storage.records import Case, Person, Session
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


def person(
    pid: str,
    *,
    role: str = "social_worker",
    team: str = "Team A",
    supervisor: str | None = "tm1",
    started: str = "2020-01-01",
    policy: str | None = None,
    name: str | None = None,
) -> Person:
    return Person(
        pid, name or pid.title(), role, team, policy, supervisor, date.fromisoformat(started), True
    )


def case(ref: str, worker: str, *, allocated: str = "2026-01-05") -> Case:
    """An open child-in-need case, standard risk."""
    return Case(ref, worker, "child_in_need", "standard", date.fromisoformat(allocated))


def session(
    kind: str,
    held: str,
    supervisee: str | None,
    supervisor: str = "tm1",
    *,
    case_ref: str | None = None,
    status: str = "held",
    recorded: str | None = None,
    signed: str | None = None,
) -> Session:
    return Session(
        kind,
        date.fromisoformat(held),
        supervisee,
        supervisor,
        case_ref,
        status,
        date.fromisoformat(recorded) if recorded else None,
        date.fromisoformat(signed) if signed else None,
    )


def a_team() -> list[Person]:
    """A head of service, a team manager and two workers in Team A (Southwark by default)."""
    return [
        person("hos", role="team_manager", team="Leadership", supervisor=None, name="Hana Head"),
        person("tm1", role="team_manager", supervisor="hos", name="Tom Manager"),
        person("sw1", name="Sara Worker"),
        person("sw2", name="Sam Worker"),
    ]
