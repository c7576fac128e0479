"""Manchester 2.1 (manchester:245-246): names or personal details of clients are not recorded
in professional supervision notes. Where the person's pack says so, a possible name holds the
answer back until the person rewords it or confirms it is not a client's name."""

from __future__ import annotations

from dialogs.name_gate import CONFIRMED, GATE, PENDING
from tests.factories import Script, dialog_engine

NAMED = "Mum says Jayden is scared of the dog"


def prep() -> Script:
    return Script(dialog_engine(), "prep", case_ref="CR-1", **{GATE: "confirm"})


def test_a_possible_name_is_not_saved_until_reworded_or_confirmed() -> None:
    script = prep().say(NAMED)
    assert script.state == "worrying"
    assert script.conversation is not None and "worrying" not in script.conversation.answers
    assert "Not saved yet" in script.reply.text and "“Jayden” may be a name" in script.reply.text
    assert [c.value for c in script.reply.choices] == ["keep", "reword"]


def test_a_reworded_answer_is_saved_and_checked_again() -> None:
    script = prep().say(NAMED, "Mum says the child is scared of the dog")
    assert script.state == "working_well"
    assert script.conversation is not None
    assert script.conversation.answers["worrying"] == "Mum says the child is scared of the dog"
    assert PENDING not in script.conversation.context
    again = prep().say(NAMED, "Mum says Tyler is scared")
    assert again.state == "worrying" and "“Tyler” may be a name" in again.reply.text


def test_choosing_reword_asks_the_question_again_and_keeps_nothing() -> None:
    script = prep().say(NAMED, "reword")
    assert script.state == "worrying"
    assert script.conversation is not None and PENDING not in script.conversation.context
    assert "worrying" not in script.conversation.answers
    assert "1. This is what is worrying me" in script.reply.text


def test_a_confirmed_word_is_saved_and_kept_with_the_outcome() -> None:
    script = prep().say(NAMED, "keep")
    assert script.state == "working_well"
    script.say("Dad visits", "I will visit weekly", *["skip"] * 5, "confirm")
    outcome = script.last.outcome
    assert outcome is not None
    assert outcome.answers["worrying"] == NAMED
    assert outcome.answers[CONFIRMED] == ["Jayden"]
    assert PENDING not in outcome.context


def test_going_back_drops_the_held_answer() -> None:
    script = prep().say("Worry about the dog", NAMED, "back")
    assert script.state == "worrying"
    script.say(
        "Still the dog",
        "Dad visits",
        "I will visit weekly",
        *["skip"] * 5,
        "confirm",
    )
    outcome = script.last.outcome
    assert outcome is not None and NAMED not in outcome.answers.values()
    assert CONFIRMED not in outcome.answers


def test_coming_back_to_a_held_answer_asks_reword_or_confirm_again() -> None:
    script = prep().say(NAMED)
    assert script.conversation is not None
    resumed = script.engine.resume(script.conversation)
    assert "“Jayden” may be a name" in resumed.text
    assert [c.value for c in resumed.choices] == ["keep", "reword"]


def test_a_what_else_answer_is_held_too() -> None:
    script = Script(dialog_engine(), "decision", case_ref="CR-9", **{GATE: "confirm"})
    script.say("Risk has increased", "Visits weekly", "Ask Jayden's school to refer")
    assert script.state == "options"
    assert script.conversation is not None and "options" not in script.conversation.answers
    script.say("keep")
    assert script.conversation is not None
    assert script.conversation.answers["options"] == ["Ask Jayden's school to refer"]


def test_without_the_gate_the_name_is_saved_with_a_warning() -> None:
    script = Script(dialog_engine(), "prep", case_ref="CR-1").say(NAMED)
    assert script.state == "working_well" and "Saved. A check" in script.texts[0]


def test_an_answer_naming_only_services_is_saved_at_once() -> None:
    script = prep().say("Referred to the Hub and the Front Door on Monday")
    assert script.state == "working_well"
    assert script.conversation is not None
    assert (
        script.conversation.answers["worrying"]
        == "Referred to the Hub and the Front Door on Monday"
    )
