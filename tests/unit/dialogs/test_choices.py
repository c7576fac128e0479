"""Choices read the same everywhere (issue 19 item 12): numbers, labels in any case, unambiguous
prefixes, y/n, several numbers at once in a pick-any list, and "That's all" ending a list."""

import pytest

from dialogs.answers import InvalidAnswer, read_choice, read_choices
from dialogs.messages import Choice
from tests.factories import Script, dialog_engine

DECISION_SEEN = (Choice("Yes", "yes"), Choice("No", "no"), Choice("Not applicable", "n/a"))
OPTIONS = (Choice("Strategy meeting", "Strategy meeting"), Choice("Safety plan", "Safety plan"))
SUMMARY = (
    Choice("Confirm and save", "confirm"),
    Choice("Edit an answer", "edit"),
    Choice("Cancel", "cancel"),
)


@pytest.mark.parametrize(
    ("text", "choices", "value"),
    [
        ("strategy meeting", OPTIONS, "Strategy meeting"),
        ("STRATEGY", OPTIONS, "Strategy meeting"),
        ("saf", OPTIONS, "Safety plan"),
        ("conf", SUMMARY, "confirm"),
        ("y", DECISION_SEEN, "yes"),
        ("N", DECISION_SEEN, "no"),
        ("not", DECISION_SEEN, "n/a"),
        ("2.", OPTIONS, "Safety plan"),
    ],
)
def test_a_choice_is_read_by_label_prefix_and_yes_no(
    text: str, choices: tuple[Choice, ...], value: str
) -> None:
    assert read_choice(text, choices) == value


def test_an_ambiguous_prefix_names_the_choices_it_could_be() -> None:
    with pytest.raises(InvalidAnswer, match="could be Confirm and save or Cancel"):
        read_choice("c", SUMMARY)


def test_yes_no_on_a_yes_no_question_with_longer_labels() -> None:
    hold = (Choice("Yes, I can hold it", "yes"), Choice("No, I need ad hoc supervision", "no"))
    assert read_choice("n", hold) == "no"
    assert read_choice("Y", hold) == "yes"


@pytest.mark.parametrize("text", ["1, 3", "1 3", "1,3", "Pressures, 3"])
def test_several_choices_at_once(text: str) -> None:
    share = (Choice("Pressures", "pressures"), Choice("Coping", "coping"), Choice("Score", "score"))
    assert read_choices(text, share) == ["pressures", "score"]


def checkin_at_share() -> Script:
    return Script(dialog_engine(), "checkin").say(
        "Too many cases", "skip", "skip", "My team", "skip", "6", "skip", "skip", "confirm"
    )


def test_a_pick_any_list_takes_several_numbers() -> None:
    script = checkin_at_share().say("1, 3")
    assert "Chosen so far: " in script.reply.text
    assert script.conversation is not None
    assert script.conversation.answers["share"] == ["pressures", "score"]


@pytest.mark.parametrize("done", ["1", "That's all", "That’s all", "that’s all", "Thats all"])
def test_one_or_thats_all_ends_a_what_else_list(done: str) -> None:
    script = Script(dialog_engine(), "ears-case", case_ref="CR-7")
    script.say("Dad's drinking", "Mum protective", "Dad attends a programme", "Last Friday", done)
    assert script.state == "good_detail"
    assert script.conversation is not None
    assert script.conversation.answers["harm_detail"] == ["Last Friday"]


def test_a_list_item_can_be_removed_from_the_summary() -> None:
    script = Script(dialog_engine(), "ears-case", case_ref="CR-7")
    script.say("w", "ww", "www", "Last Friday", "Oops", "done", "Every weekend", "done")
    script.say("The drinking", "Mum", "4", "skip")
    assert script.state == "summary"
    number = next(
        line.split(".")[0]
        for line in script.reply.text.splitlines()
        if line.split(". ", 1)[-1].startswith("When the harm happened")
    )
    script.say(f"remove {number}.2")
    assert script.state == "summary"
    assert script.conversation is not None
    assert script.conversation.answers["harm_detail"] == ["Last Friday"]
    assert "Removed “Oops”" in script.texts[0]


def test_a_list_item_can_be_removed_while_editing_the_list() -> None:
    script = Script(dialog_engine(), "ears-case", case_ref="CR-7")
    script.say("w", "ww", "www", "Last Friday", "Oops", "remove 2")
    assert script.conversation is not None
    assert script.conversation.answers["harm_detail"] == ["Last Friday"]
    assert script.state == "harm_detail"
