"""A form is stored as one completed dialog, or not at all."""

from __future__ import annotations

import pytest

from bot.assistant.forms import GENERAL, FormRejected, FormSubmission, submit_form
from storage.memory import MemoryStore
from tests.factories import assistant_over, chat

ANSWERS = {"worrying": "Missed school", "working_well": "Gran visits", "decided": "Refer"}


def form(
    answers: dict[str, str], command: str = "/prep AB-1", message_id: str | None = "f1"
) -> FormSubmission:
    return FormSubmission("sw1", "slack", command, answers, message_id)


async def test_a_complete_form_is_stored_like_a_typed_dialog() -> None:
    assistant = assistant_over(MemoryStore())
    replies = await submit_form(assistant, form(ANSWERS))
    assert "Saved your preparation for AB-1" in replies[-1].text
    agenda = await chat(assistant, ["/agenda"], person="sw1")
    assert "Missed school" in agenda[-1].text and "Refer" in agenda[-1].text


async def test_a_missing_required_answer_names_its_field_and_stores_nothing() -> None:
    assistant = assistant_over(MemoryStore())
    with pytest.raises(FormRejected) as rejected:
        await submit_form(assistant, form({**ANSWERS, "working_well": "  "}))
    assert set(rejected.value.problems) == {"working_well"}
    assert await assistant.pending("sw1") is None  # no half-filled dialog left behind


async def test_an_answer_the_dialog_refuses_is_reported_with_the_dialogs_reason() -> None:
    assistant = assistant_over(MemoryStore())
    with pytest.raises(FormRejected) as rejected:
        await submit_form(assistant, form({**ANSWERS, "worrying": "x" * 5000}))
    assert "5,000 characters" in rejected.value.problems["worrying"]


async def test_a_form_while_another_dialog_is_open_is_refused_with_the_reason() -> None:
    assistant = assistant_over(MemoryStore())
    await chat(assistant, ["/checkin"], person="sw1")
    with pytest.raises(FormRejected) as rejected:
        await submit_form(assistant, form(ANSWERS))
    assert GENERAL in rejected.value.problems
    assert (await assistant.pending("sw1")).dialog == "checkin"  # type: ignore[union-attr]


async def test_the_same_form_submitted_twice_is_stored_once() -> None:
    assistant = assistant_over(MemoryStore())
    await submit_form(assistant, form(ANSWERS))
    assert await submit_form(assistant, form(ANSWERS)) == []
