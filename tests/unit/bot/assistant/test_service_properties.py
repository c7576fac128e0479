"""Random messages from several people to the whole service: never an exception, always a
reply, and the store stays consistent (one conversation per person, decisions append-only)."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.memory import MemoryStore
from tests.factories import assistant_over, inbound

COMMANDS = st.sampled_from(
    [
        "/prep CR-1",
        "/prep CR-2 adhoc",
        "/prep",
        "/prep Jane Smith",
        "/ears case",
        "/ears professional",
        "/ears case CR-1",
        "/checkin",
        "/agenda",
        "/help",
        "/cancel",
        "/back",
        "/skip",
        "/decision CR-1",
        "/decision CR-1 corrects 1",
        "/acknowledge 1",
        "/dispute 1 not agreed",
        "/dispute 1",
        "/decisions",
        "/rota",
        "/nonsense",
        "confirm",
        "edit 1",
        "done",
        "1",
        "2",
        "5",
        "11",
        "yes",
        "no",
        "",
        "\x00",
    ]
)
MESSAGES = st.lists(
    st.tuples(st.sampled_from(["alice", "bob", "tm1"]), st.one_of(COMMANDS, st.text(max_size=80))),
    max_size=40,
)


@settings(max_examples=120, deadline=None)
@given(messages=MESSAGES)
def test_any_sequence_of_messages_gets_replies_and_keeps_the_store_consistent(
    messages: list[tuple[str, str]],
) -> None:
    store = MemoryStore()
    assistant = assistant_over(store)

    async def run() -> None:
        decisions_seen = 0
        for person, text in messages:
            replies = await assistant.handle(inbound(text, person=person))
            assert replies, f"no reply to {text!r}"
            assert all(r.text for r in replies)
            decisions = store.tables.decisions
            assert len(decisions) >= decisions_seen  # never removed
            assert [d.id for d in decisions] == list(range(1, len(decisions) + 1))
            decisions_seen = len(decisions)
            for conversation in store.tables.conversations.values():
                assert conversation.version >= 1

    asyncio.run(run())
