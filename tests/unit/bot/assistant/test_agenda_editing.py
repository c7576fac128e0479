"""The supervisee arranges and sends their agenda; the supervisor receives it."""

from __future__ import annotations

from bot.assistant.service import Assistant
from storage.memory import MemoryStore
from tests.factories import assistant_over, chat, person


def team() -> tuple[MemoryStore, Assistant]:
    store = MemoryStore()
    store.tables.people.update(
        {
            "alice": person("alice", supervisor="tm1"),
            "tm1": person("tm1", role="team_manager", supervisor=None),
        }
    )
    return store, assistant_over(store)


async def test_add_move_remove_and_reset() -> None:
    store, assistant = team()
    [added] = await chat(assistant, ["/agenda add My secondment request"])
    assert "7. My secondment request" in added.text and "8. Any other business" in added.text
    [moved] = await chat(assistant, ["/agenda move 7 1"])
    assert moved.text.split("\n\n")[1].startswith("1. My secondment request")
    [removed] = await chat(assistant, ["/agenda remove 3"])
    assert "Workload management" not in removed.text
    [bad] = await chat(assistant, ["/agenda remove 40"])
    assert bad.text == "There is no item 40; the agenda has 7 item(s)."
    [odd] = await chat(assistant, ["/agenda move two"])
    assert odd.text.startswith("Write /agenda add TEXT")
    [reset] = await chat(assistant, ["/agenda reset"])
    assert "2. Workload management" in reset.text and "secondment" not in reset.text
    assert store.tables.agendas["alice"].own_items == ()  # back to the pack's agenda


async def test_sending_tells_the_supervisor_with_the_arranged_agenda() -> None:
    store, assistant = team()
    await chat(assistant, ["/agenda add {{ 7*7 }} <!channel>"])
    [sent] = await chat(assistant, ["/agenda send"])
    assert sent.text.startswith("Sent to your supervisor (tm1).")
    [(to, kind, subject, text)] = store.tables.notices
    assert (to, kind, subject) == ("tm1", "agenda", "alice")
    assert "{{ 7*7 }} <!channel>" in text
    assert store.tables.agendas["alice"].sent_text is not None


async def test_someone_with_no_supervisor_is_told() -> None:
    _, assistant = team()
    [sent] = await chat(assistant, ["/agenda send"], person="tm1")
    assert sent.text == "Saved as sent, but you have no supervisor on record to send it to."


async def test_a_case_to_present_at_group_supervision_is_on_the_agenda() -> None:
    from datetime import date

    from storage.records import RotaEntry

    store, assistant = team()
    store.tables.rota.append(
        RotaEntry("Team A", date(2026, 12, 2), {"presenter": "alice", "facilitator": "tm1"}, "CR-5")
    )
    [agenda] = await chat(assistant, ["/agenda"])
    assert (
        "- Wed 2 Dec 2026: you present CR-5 at group supervision (flagged for group supervision)"
        in agenda.text
    )
