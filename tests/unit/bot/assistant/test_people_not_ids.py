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


async def test_a_saved_ears_reflection_can_be_read_back() -> None:
    assistant = assistant_over(team_store())
    [reply, *_] = await chat(assistant, ["/ears professional", "Proud of a visit"], person="sw1")
    for _ in range(30):  # answer every question until the summary
        if reply.state == "summary":
            break
        if "What else?" in reply.text:
            answer = "done"
        else:
            answer = "4" if reply.expects.value == "scale" else "An answer"
        [reply, *_] = await chat(assistant, [answer], person="sw1")
    await chat(assistant, ["confirm"], person="sw1")
    [back] = await chat(assistant, ["/reflections"], person="sw1")
    assert back.text.startswith("Your EARS professional reflection, saved Mon 23 Nov 2026:")
    assert ": Proud of a visit" in back.text
    [nobody] = await chat(assistant, ["/reflections"], person="sw2")
    assert nobody.text.startswith("You have no saved EARS reflection yet.")
