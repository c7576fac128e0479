"""What chat clients send besides typed commands: bare command words and button tokens are
read in the same transaction as the turn, against the question actually being asked."""

from __future__ import annotations

from bot.assistant.choice_tokens import encode
from dialogs.messages import Inbound
from storage.memory import MemoryStore
from tests.factories import PERSON, assistant_over, chat


def typed(text: str) -> Inbound:
    return Inbound(PERSON, "slack", text, bare_commands=True)


def pressed(token: str) -> Inbound:
    return Inbound(PERSON, "slack", token=token)


async def test_a_bare_command_word_is_a_command_only_when_no_question_is_waiting() -> None:
    assistant = assistant_over(MemoryStore())
    started = await assistant.handle(typed("prep AB-12"))
    assert started[-1].state == "worrying"
    answered = await assistant.handle(typed("prep work with the school went well"))
    assert answered[-1].state == "working_well"  # an answer, not a second /prep


async def test_a_button_token_answers_the_question_it_was_made_for() -> None:
    assistant = assistant_over(MemoryStore())
    summary = (await chat(assistant, ["/prep AB-12", "a", "b", "c", *["skip"] * 5]))[-1]
    token = encode(summary, 0, 64)
    replies = await assistant.handle(pressed(token))
    assert "Saved your preparation for AB-12" in replies[-1].text


async def test_a_button_of_an_older_question_is_refused_and_the_question_asked_again() -> None:
    assistant = assistant_over(MemoryStore())
    await chat(assistant, ["/prep AB-12", "a", "b", "c", *["skip"] * 5])
    summary = await assistant.pending(PERSON)
    assert summary is not None
    replies = await assistant.handle(pressed("#0:0123456789ab"))  # made for another question
    assert "earlier question" in replies[0].text
    assert replies[-1].state == "summary" and await assistant.pending(PERSON) == summary
