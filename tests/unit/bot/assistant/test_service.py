"""The assistant service over the in-memory store: commands, routing and privacy."""

from __future__ import annotations

from bot.assistant.service import Assistant
from dialogs.messages import Expects
from storage.memory import MemoryStore
from tests.factories import assistant_over, chat, inbound

PREP_CR1 = [
    "/prep CR-1",
    "Missed school",
    "Gran helps",
    "Visit on Monday",
    "skip",
    "skip",
    "Wants to go home",
    "skip",
    "skip",
    "confirm",
]


def new_assistant() -> tuple[Assistant, MemoryStore]:
    store = MemoryStore()
    return assistant_over(store), store


async def test_help_with_no_dialog_lists_the_commands() -> None:
    assistant, _ = new_assistant()
    [reply] = await chat(assistant, ["/help"])
    assert "/prep CASE-REF" in reply.text and "/checkin" in reply.text


async def test_plain_text_with_no_dialog_points_to_help() -> None:
    assistant, store = new_assistant()
    [reply] = await chat(assistant, ["hello"])
    assert "/help" in reply.text
    assert store.tables.conversations == {}


async def test_an_unknown_command_is_named_and_the_pending_question_repeated() -> None:
    assistant, _ = new_assistant()
    replies = await chat(assistant, ["/prep CR-1", "/frobnicate"])
    assert replies[0].text.startswith("I don't know the command /frobnicate")
    assert replies[-1].state == "worrying" and replies[-1].expects is Expects.TEXT


async def test_a_case_reference_must_look_like_one() -> None:
    assistant, store = new_assistant()
    [reply] = await chat(assistant, ["/prep <script>"])
    assert "case reference" in reply.text
    [reply] = await chat(assistant, ["/prep"])
    assert reply.text.startswith("Write /prep CASE-REF")
    assert store.tables.conversations == {}


async def test_a_new_dialog_does_not_replace_one_in_progress() -> None:
    assistant, store = new_assistant()
    replies = await chat(assistant, ["/prep CR-1", "worry", "/checkin"])
    assert "You have a case preparation in progress" in replies[0].text
    assert replies[-1].state == "working_well"
    assert store.tables.conversations["alice"].answers == {"worrying": "worry"}


async def test_slash_back_and_skip_work_inside_a_dialog_and_explain_themselves_outside() -> None:
    assistant, _ = new_assistant()
    replies = await chat(assistant, ["/prep CR-1", "worry", "/back"])
    assert replies[-1].state == "worrying"
    [reply] = await chat(assistant, ["/cancel", "/skip"])
    assert reply.text.startswith("There is nothing to skip")


async def test_the_agenda_has_the_packs_standing_items_and_the_confirmed_preparation() -> None:
    assistant, _ = new_assistant()
    await chat(assistant, PREP_CR1)
    [agenda] = await chat(assistant, ["/agenda"])
    assert "Southwark" in agenda.text
    assert "1. Check-in" in agenda.text and "7. Any other business" in agenda.text
    assert "Case CR-1, prepared 2026-11-23" in agenda.text
    assert "- What I have decided to do: Visit on Monday" in agenda.text


async def test_a_cancelled_preparation_is_not_on_the_agenda() -> None:
    assistant, _ = new_assistant()
    await chat(assistant, ["/prep CR-9", "worry", "/cancel"])
    [agenda] = await chat(assistant, ["/agenda"])
    assert "CR-9" not in agenda.text
    assert "No case preparation yet" in agenda.text


async def test_private_wellbeing_answers_never_reach_the_agenda() -> None:
    assistant, _ = new_assistant()
    await chat(
        assistant,
        [
            "/checkin",
            "My divorce",
            "skip",
            "skip",
            "My sister",
            "skip",
            "7",
            "skip",
            "Leave in May",
            "confirm",
            "4",
            "done",
        ],
    )
    [agenda] = await chat(assistant, ["/agenda"])
    assert "Leave in May" in agenda.text
    assert "divorce" not in agenda.text and "sister" not in agenda.text


async def test_the_agenda_can_be_read_mid_dialog_without_losing_the_question() -> None:
    assistant, _ = new_assistant()
    replies = await chat(assistant, ["/prep CR-1", "worry", "/agenda"])
    assert replies[0].text.startswith("Agenda draft")
    assert replies[-1].state == "working_well"


async def test_person_entered_template_syntax_comes_out_literally() -> None:
    assistant, _ = new_assistant()
    await chat(
        assistant,
        [
            "/prep CR-1",
            "{{ 7*7 }} {% if %}",
            "<script>alert(1)</script>",
            "<!channel>",
            *["skip"] * 5,
            "confirm",
        ],
    )
    [agenda] = await chat(assistant, ["/agenda"])
    assert "{{ 7*7 }} {% if %}" in agenda.text
    assert "<script>alert(1)</script>" in agenda.text and "<!channel>" in agenda.text


async def test_a_redelivered_message_is_answered_once() -> None:
    assistant, store = new_assistant()
    await chat(assistant, ["/prep CR-1"])
    first = await assistant.handle(inbound("worry", message_id="m-1"))
    again = await assistant.handle(inbound("worry", message_id="m-1"))
    assert first and again == []
    assert store.tables.conversations["alice"].state == "working_well"


async def test_people_have_separate_conversations() -> None:
    assistant, _ = new_assistant()
    await chat(assistant, ["/prep CR-1", "alice's worry"], person="alice")
    replies = await chat(assistant, ["/prep CR-2"], person="bob")
    assert replies[-1].state == "worrying"
    pending = await assistant.pending("alice")
    assert pending is not None and pending.state == "working_well"


async def test_rota_shows_the_teams_next_sessions_and_the_persons_role() -> None:
    from datetime import date

    from storage.records import RotaEntry
    from tests.factories import person

    assistant, store = new_assistant()
    [reply] = await chat(assistant, ["/rota"])
    assert "not in the assistant's directory" in reply.text
    store.tables.people["alice"] = person("alice")
    store.tables.rota.append(
        RotaEntry("Team A", date(2026, 12, 2), {"presenter": "alice", "facilitator": "tm1"}, "CR-1")
    )
    [reply] = await chat(assistant, ["/rota"])
    assert (
        reply.text
        == "Group supervision for Team A:\n- Wed 2 Dec 2026: presenter: alice (you), facilitator: tm1; case CR-1"
    )


async def test_a_manchester_preparation_holds_a_possible_name_until_confirmed() -> None:
    # manchester:245-246 (the pack's [client_names]); Southwark only warns
    from bot.config import AssistantConfig, Config

    store = MemoryStore()
    config = Config(assistant=AssistantConfig(default_policy="manchester"))
    assistant = assistant_over(store, config)
    replies = await chat(assistant, ["/prep CR-1", "Mum says Jayden is scared"])
    assert replies[-1].state == "worrying" and "Not saved yet" in replies[-1].text
    [conversation] = store.tables.conversations.values()
    assert "worrying" not in conversation.answers
    replies = await chat(assistant, ["keep"])
    assert replies[-1].state == "working_well"
    southwark, _ = new_assistant()
    replies = await chat(southwark, ["/prep CR-1", "Mum says Jayden is scared"])
    assert replies[-1].state == "working_well"
