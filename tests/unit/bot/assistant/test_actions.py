"""Actions from supervision: on the agenda until closed; closed by those entitled to."""

from __future__ import annotations

from datetime import date

from storage.memory import MemoryStore
from storage.records import Action
from tests.factories import NOW, assistant_over, chat


async def two_actions() -> tuple[MemoryStore, object]:
    store = MemoryStore()
    assistant = assistant_over(store)
    await store.run(
        lambda tx: tx.add_action(
            Action(
                0,
                "alice",
                "CR-1",
                "alice",
                "visit the school",
                "attendance has dropped",
                date(2026, 12, 1),
            ),
            NOW,
        )
    )
    await store.run(
        lambda tx: tx.add_action(
            Action(0, "alice", None, "tm1", "book training", "ASYE plan", None), NOW
        )
    )
    return store, assistant


async def test_open_actions_are_listed_and_on_the_agenda() -> None:
    _, assistant = await two_actions()
    [listing] = await chat(assistant, ["/actions"])  # type: ignore[arg-type]
    assert listing.text.splitlines()[1:3] == [
        "1. (CR-1) alice to visit the school, because attendance has dropped, by 01 Dec 2026",
        "2. tm1 to book training, because ASYE plan",
    ]
    [agenda] = await chat(assistant, ["/agenda"])  # type: ignore[arg-type]
    assert (
        "   - Action 1 (CR-1): alice to visit the school, because attendance has dropped, by 01 Dec 2026"
        in agenda.text
    )


async def test_a_closed_action_leaves_the_agenda_and_cannot_be_closed_twice() -> None:
    _store, assistant = await two_actions()
    [done] = await chat(assistant, ["/done 1"])  # type: ignore[arg-type]
    assert done.text.startswith("Action 1 is closed")
    [agenda] = await chat(assistant, ["/agenda"])  # type: ignore[arg-type]
    assert "Action 1" not in agenda.text and "Action 2" in agenda.text
    [again] = await chat(assistant, ["/done 1"])  # type: ignore[arg-type]
    assert again.text == "There is no open action 1 in your supervision."


async def test_the_owner_in_someone_elses_supervision_may_close_it_but_nobody_else() -> None:
    store, assistant = await two_actions()
    [refused] = await chat(assistant, ["/done 1"], person="stranger")  # type: ignore[arg-type]
    assert refused.text == "There is no open action 1 in your supervision."
    [owner] = await chat(assistant, ["/done 2"], person="tm1")  # type: ignore[arg-type]
    assert owner.text.startswith("Action 2 is closed")
    assert [a.closed_by for a in store.tables.actions] == [None, "tm1"]
