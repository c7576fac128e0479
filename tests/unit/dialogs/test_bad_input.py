"""Bad input gets a clear reply and leaves the stored conversation exactly as it was."""

import pytest

from tests.factories import NOW, Script, dialog_engine, inbound


def at_scale() -> Script:
    return Script(dialog_engine(), "checkin").say("skip", "skip", "skip", "skip", "skip")


def at_text() -> Script:
    return Script(dialog_engine(), "prep", case_ref="CR-1", variant="scheduled")


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("", "That message was empty"),
        ("   \n\t ", "That message was empty"),
        ("x" * 20_000, "That answer is 20,000 characters long; the most I can keep is 4,000"),
        ("bell \x07 here", "control character (U+0007)"),
        ("nul \x00", "control character (U+0000)"),
        ("bad \udcff bytes", "control character (U+DCFF)"),
        ("end \uffff of text", "a Unicode noncharacter (U+FFFF)"),
        ("plane one \U0001fffe", "a Unicode noncharacter (U+1FFFE)"),
        ("arabic range \ufdd0", "a Unicode noncharacter (U+FDD0)"),
        ("evil \u202eexe.txt", "a text-direction override character (U+202E)"),
        ("isolate \u2066x\u2069", "a text-direction override character (U+2066)"),
    ],
)
def test_a_text_answer_that_cannot_be_kept_is_refused(text: str, reply: str) -> None:
    script = at_text()
    before = script.conversation
    script.say(text)
    assert reply in script.texts[0]
    assert script.conversation == before
    assert not script.last.changed
    assert script.reply.state == "worrying"  # the question is asked again


@pytest.mark.parametrize(
    "text", ["Emoji 😟 and 中文", "مرحبا بالعالم", "עברית \u200f mark", "line one\r\nline two"]
)
def test_unusual_but_valid_text_is_kept_as_typed(text: str) -> None:
    script = at_text().say(text)
    assert script.conversation is not None
    assert script.conversation.answers["worrying"] == text.replace("\r\n", "\n")


def test_the_limit_is_configurable_and_the_limit_itself_is_accepted() -> None:
    script = Script(dialog_engine(max_answer_chars=100), "prep", case_ref="CR-1").say("y" * 100)
    assert script.state == "working_well"


@pytest.mark.parametrize("text", ["11", "-1", "ten", "3.5", "", "٣", "1e1"])
def test_a_scale_answer_off_the_scale_is_refused(text: str) -> None:
    script = at_scale()
    before = script.conversation
    script.say(text)
    assert script.conversation == before
    assert script.reply.state == "score"


def test_a_choice_that_does_not_exist_is_refused_with_the_options() -> None:
    script = Script(dialog_engine(), "prep", case_ref="CR-1", variant="adhoc").say(
        "w", "ww", "d", "skip"
    )
    before = script.conversation
    script.say("maybe")
    assert "'maybe' is not one of the choices" in script.texts[0]
    assert "1. Yes: I can hold the case until my next scheduled supervision" in script.texts[0]
    script.say("0")
    script.say("3")
    assert script.conversation == before


def test_a_button_value_answers_a_choice() -> None:
    engine = dialog_engine()
    script = Script(engine, "prep", case_ref="CR-1", variant="adhoc").say("w", "ww", "d", "skip")
    assert script.conversation is not None
    turn = engine.handle(script.conversation, inbound(value="no"), NOW)
    assert turn.conversation is not None and turn.conversation.answers["hold"] == "no"
