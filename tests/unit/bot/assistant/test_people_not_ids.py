"""Issue 19 item 13: people by name, no citations in nudges, nothing addressed to the
supervisee in the agenda a manager reads, and grammar."""

from __future__ import annotations

from storage.memory import MemoryStore
from tests.factories import a_team, assistant_over, chat


def team_store() -> MemoryStore:
    store = MemoryStore()
    store.tables.people.update({p.id: p for p in a_team()})
    return store


async def test_a_manager_reading_an_agenda_sees_nothing_addressed_to_the_supervisee() -> None:
    store = team_store()
    assistant = assistant_over(store)
    [own, *_] = await chat(assistant, ["/agenda"], person="sw1")
    assert "Type /checkin to do one" in own.text
    [theirs, *_] = await chat(assistant, ["/agenda sw1"], person="tm1")
    assert "Type /" not in theirs.text
    assert "Nothing shared from their check-ins." in theirs.text


async def test_an_ears_reflection_in_progress_takes_an() -> None:
    assistant = assistant_over(team_store())
    await chat(assistant, ["/ears professional"], person="sw1")
    [busy, *_] = await chat(assistant, ["/checkin"], person="sw1")
    assert busy.text.startswith("You have an EARS professional reflection in progress.")
