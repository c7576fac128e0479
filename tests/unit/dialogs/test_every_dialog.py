"""The commands every dialog shares, exercised on every dialog: help, back, cancel, and
editing an answer from the summary."""

from __future__ import annotations

import pytest

from dialogs.definitions import ALL_DIALOGS
from dialogs.flow import SUMMARY
from dialogs.messages import Expects
from tests.factories import Script, dialog_engine

CONTEXT = {"prep": {"case_ref": "CR-1", "variant": "scheduled"}, "decision": {"case_ref": "CR-1"}}
NAMES = [d.name for d in ALL_DIALOGS]


def answer_for(script: Script) -> str:
    """A valid answer to whatever the script is being asked."""
    reply = script.reply
    if reply.expects is Expects.SCALE:
        return "5"
    if reply.expects is Expects.CHOICE:
        return reply.choices[0].value
    if script.conversation is not None and isinstance(
        script.conversation.answers.get(script.state or ""), list
    ):
        return "done"
    return "an answer"


def to_summary(name: str) -> Script:
    script = Script(dialog_engine(), name, **CONTEXT.get(name, {}))
    for _ in range(60):
        if script.state == SUMMARY:
            return script
        script.say(answer_for(script))
    raise AssertionError(f"{name} never reached its summary")


@pytest.mark.parametrize("name", NAMES)
def test_help_changes_nothing(name: str) -> None:
    script = Script(dialog_engine(), name, **CONTEXT.get(name, {}))
    before = script.conversation
    script.say("help")
    assert script.conversation == before and "back: go to the previous question" in script.texts[0]


@pytest.mark.parametrize("name", NAMES)
def test_cancel_from_the_summary_saves_nothing(name: str) -> None:
    script = to_summary(name).say("cancel")
    assert script.conversation is None and script.last.outcome is None


@pytest.mark.parametrize("name", NAMES)
def test_edit_the_first_answer_from_the_summary_then_confirm(name: str) -> None:
    script = to_summary(name)
    first_key = script.engine.definition(name).prompts[0].key
    script.say("edit 1")
    assert script.state == first_key
    assert script.reply.expects is Expects.TEXT  # every dialog opens with a free-text question
    script.say("changed answer")
    assert script.state == SUMMARY
    script.say("confirm")
    while script.conversation is not None:  # the check-in then asks what to share
        script.say("done")
    assert script.last.outcome is not None
    assert script.last.outcome.answers[first_key] in (
        "changed answer",
        ["an answer", "changed answer"],
        5,
    )


@pytest.mark.parametrize("name", NAMES)
def test_back_from_the_summary_reopens_the_last_question_asked(name: str) -> None:
    script = to_summary(name).say("back")
    assert script.state != SUMMARY
    assert script.engine.definition(name).is_prompt(script.state or "")
