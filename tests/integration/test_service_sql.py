"""The assistant on a real database: two processes answering for one person lose nothing."""

from __future__ import annotations

import asyncio

from storage.db import create_engine
from storage.sql import SqlStore
from tests.factories import assistant_over, chat, inbound

LOOP_OPEN = ["/ears professional", "A conference I chaired"]  # next: the Amplify "what else?" loop


async def test_concurrent_answers_from_two_processes_are_all_kept(database_url: str) -> None:
    stores = [SqlStore(engine=create_engine(database_url)) for _ in range(2)]
    first, second = (assistant_over(s) for s in stores)
    try:
        await chat(first, LOOP_OPEN)
        answers = [f"example {n}" for n in range(12)]
        await asyncio.gather(
            *((first if n % 2 else second).handle(inbound(a)) for n, a in enumerate(answers))
        )
        pending = await first.pending("alice")
        assert pending is not None and pending.state == "what_happened"
        conversation = await stores[0].run(lambda tx: tx.load_conversation("alice"))
        assert conversation is not None
        assert sorted(conversation.answers["what_happened"]) == sorted(answers)  # type: ignore[arg-type]
        assert conversation.version == 2 + len(answers)
    finally:
        for store in stores:
            await store.close()


async def test_a_whole_preparation_reaches_the_agenda(sql_store: SqlStore) -> None:
    assistant = assistant_over(sql_store)
    await chat(
        assistant,
        [
            "/prep CR-42 adhoc",
            "Worry 😟",
            "Working well",
            "skip",
            "Need a decision on PLO",
            *["skip"] * 4,  # key dates, the child's voice, the rationale
            "confirm",
        ],
    )
    [agenda] = await chat(assistant, ["/agenda"])
    assert "Case CR-42 (flagged for ad hoc discussion)" in agenda.text
    assert "- Support I am asking for: Need a decision on PLO" in agenda.text
    assert "Worry 😟" in agenda.text
