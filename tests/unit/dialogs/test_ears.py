"""EARS (Manchester appendix G): Elicit, Amplify with "what else?" loops, Reflect, Start over."""

from dialogs.messages import Expects
from tests.factories import Script, dialog_engine


def ears(variant: str, **context: str) -> Script:
    return Script(dialog_engine(), f"ears-{variant}", **context)


def test_case_variant_walks_elicit_amplify_reflect_start_over() -> None:
    script = ears("case", case_ref="CR-7")
    assert script.reply.text.startswith("Elicit. What are we worried about?")
    script.say("Dad's drinking", "Mum protective", "Dad attends a programme")
    assert script.reply.text.startswith("Amplify. When did that harm happen?")
    script.say("Last Friday", "Twice in October")
    assert "Noted (2 so far). What else?" in script.reply.text
    assert [c.value for c in script.reply.choices] == ["done"]
    script.say("That's all")
    assert script.state == "good_detail"
    script.say("Every weekend", "done", "The drinking", "Mum", "4")
    assert script.state == "missed"
    script.say("skip")
    assert script.state == "summary"
    assert "When the harm happened: Last Friday; Twice in October" in script.reply.text
    script.say("confirm")
    outcome = script.last.outcome
    assert outcome is not None and outcome.kind == "ears-case"
    assert outcome.answers["safety_scale"] == 4
    assert outcome.answers["harm_detail"] == ["Last Friday", "Twice in October"]
    assert outcome.context["case_ref"] == "CR-7"


def test_the_safety_scale_asks_for_0_to_10() -> None:
    script = ears("case").say("w", "ww", "skip", "done", "done", "skip", "skip")
    assert script.state == "safety_scale"
    assert script.reply.expects is Expects.SCALE
    # Manchester's own scale (3.5, lines 605-606), not another council's wording.
    assert "0 means it is certain that the child will be (re) abused" in script.reply.text
    assert "too unsafe for the children to stay at home" not in script.reply.text


def test_the_scale_cites_manchester_only() -> None:
    from dialogs.definitions import EARS_CASE

    cite = EARS_CASE.prompt("safety_scale").cite
    assert cite.startswith("Manchester policy, 3.5")
    assert "lines 604-606" in cite  # manchester:604-606 the scale's own wording
    assert "Bexley" not in cite and "Central Bedfordshire" not in cite


def test_the_manchester_prompts_are_all_asked() -> None:
    # manchester:1227 "at 18?", 1241-1243 language and how long, 1280-1281, 1289-1290
    from dialogs.definitions import EARS_CASE

    text = " ".join(p.text for p in EARS_CASE.prompts)
    for words in (
        "at 18?",
        "What language can we use",
        "How long has this been happening?",
        "Which danger would worry the parents most?",
        "would the parents be most proud of?",
    ):
        assert words in text


def test_an_optional_loop_finished_empty_is_skipped() -> None:
    script = ears("case").say("w", "ww", "skip", "done")
    assert script.state == "good_detail"
    assert script.conversation is not None
    assert script.conversation.answers["harm_detail"] is None


def test_professional_variant_needs_one_answer_in_its_amplify_loop() -> None:
    script = ears("professional").say("A child protection conference", "done")
    assert script.state == "what_happened"
    assert script.texts[0] == "Please give at least one answer before finishing this one."


def test_professional_variant_to_the_end() -> None:
    script = ears("professional").say(
        "A child protection conference",
        "I prepared the family",
        "done",
        "skip",
        "Listening first",
        "8",
        "done",
        "confirm",
    )
    outcome = script.last.outcome
    assert outcome is not None and outcome.kind == "ears-professional"
    assert outcome.answers["practice_scale"] == 8
    assert outcome.answers["more_detail"] is None


def test_skip_inside_a_loop_keeps_what_was_said() -> None:
    script = ears("case").say("w", "ww", "skip", "first example", "skip")
    assert script.state == "good_detail"
    assert script.conversation is not None
    assert script.conversation.answers["harm_detail"] == ["first example"]


def test_back_from_a_loop_goes_to_the_question_before() -> None:
    script = ears("case").say("w", "ww", "skip", "an example", "back")
    assert script.state == "needs_to_happen"
