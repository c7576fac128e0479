"""The case preparation tool (Central Bedfordshire appendix 4), every path."""

from dialogs.messages import Expects
from tests.factories import Script, dialog_engine


def prep(variant: str = "scheduled") -> Script:
    return Script(dialog_engine(), "prep", case_ref="CR-1", variant=variant)


AFTER_FOUR = ("skip", "skip", "skip", "skip")  # key dates, the child's voice, the rationale


def test_statements_one_to_four_then_key_dates_then_the_childs_voice_then_summary() -> None:
    script = prep().say(
        "Bruising seen at school", "Grandmother visits daily", "Strategy discussion today"
    )
    assert script.state == "support"
    assert "(Optional: type skip to leave it.)" in script.reply.text  # 3 was answered
    script.say("skip")
    assert script.state == "key_dates"
    assert "Key dates and appointments on this case" in script.reply.text
    script.say("Review conference 4 Dec", "She says home is calm", "To stay with her gran")
    assert script.state == "not_what_child_wants"
    assert "what is the rationale?" in script.reply.text
    script.say("skip")
    assert script.state == "summary"
    # The summary's 1-4 are the tool's statements 1-4, whichever were skipped.
    assert "1. What is worrying me: Bruising seen at school" in script.reply.text
    assert "3. What I have decided to do: Strategy discussion today" in script.reply.text
    assert "4. Support I am asking for: (skipped)" in script.reply.text
    assert "5. Key dates and appointments: Review conference 4 Dec" in script.reply.text


def test_four_may_be_answered_after_three() -> None:
    script = prep().say("worry", "well", "decided", "how to involve dad", *AFTER_FOUR)
    assert "4. Support I am asking for: how to involve dad" in script.reply.text


def test_who_cannot_answer_three_is_asked_four() -> None:
    script = prep().say("worry", "working well", "skip")
    assert script.state == "support"
    assert "asking support with today" in script.reply.text


def test_four_cannot_be_skipped_when_three_was() -> None:
    script = prep().say("worry", "working well", "skip", "skip")
    assert script.state == "support"
    assert script.texts[0] == "This question can't be skipped; please answer it."


def test_confirmed_preparation_produces_an_outcome_with_only_the_answers_on_its_path() -> None:
    script = prep().say(
        "worry", "well", "skip", "Need help deciding on a CP referral", *AFTER_FOUR, "confirm"
    )
    assert script.conversation is None
    outcome = script.last.outcome
    assert outcome is not None
    assert outcome.kind == "prep"
    assert outcome.answers["support"] == "Need help deciding on a CP referral"
    assert outcome.answers["decided"] is None
    assert "hold" not in outcome.answers
    assert outcome.flags == {"needs_ad_hoc": False}


def test_ad_hoc_who_can_hold_the_case_is_not_flagged() -> None:
    script = prep("adhoc").say("worry", "well", "decided", "skip")
    assert script.state == "hold"
    assert script.reply.expects is Expects.CHOICE
    script.say("yes", *AFTER_FOUR, "confirm")
    assert script.last.outcome is not None
    assert script.last.outcome.flags == {"needs_ad_hoc": False}


def test_ad_hoc_who_cannot_hold_the_case_is_flagged_by_number() -> None:
    script = prep("adhoc").say("worry", "well", "decided", "skip", "2", *AFTER_FOUR, "confirm")
    assert script.last.outcome is not None
    assert script.last.outcome.flags == {"needs_ad_hoc": True}
    assert "flagged CR-1 for an ad hoc discussion" in script.reply.text


def test_ad_hoc_who_cannot_answer_three_is_flagged_without_the_hold_question() -> None:
    script = prep("adhoc").say("worry", "well", "skip", "support")
    assert script.state == "key_dates"
    script.say(*AFTER_FOUR, "confirm")
    assert script.last.outcome is not None
    assert script.last.outcome.flags == {"needs_ad_hoc": True}


def test_editing_three_from_the_summary_brings_four_onto_the_path() -> None:
    script = prep().say("worry", "well", "decided", "skip", *AFTER_FOUR)
    script.say("edit", "What I have decided to do")
    assert script.state == "decided"
    assert "Your answer so far: decided" in script.reply.text
    script.say("skip")
    assert script.state == "support"  # 3 is skipped now, so 4 must be answered
    script.say("skip")
    assert script.texts[0] == "This question can't be skipped; please answer it."
    script.say("support needed")
    assert script.state == "summary"
    assert "Support I am asking for: support needed" in script.reply.text


def test_edit_by_number_from_the_summary_returns_to_the_summary() -> None:
    script = prep().say(
        "worry", "well", "decided", "skip", *AFTER_FOUR, "edit 2", "better than I said"
    )
    assert script.state == "summary"
    assert "2. What is working well: better than I said" in script.reply.text


def test_back_goes_to_the_previous_question_and_keeps_later_answers() -> None:
    script = prep().say("worry", "well", "back")
    assert script.state == "working_well"
    assert "Your answer so far: well" in script.reply.text
    script.say("really well")
    assert script.state == "decided"
    assert script.conversation is not None
    assert script.conversation.answers["working_well"] == "really well"


def test_back_from_the_first_question_changes_nothing() -> None:
    script = prep()
    before = script.conversation
    script.say("back")
    assert script.conversation == before
    assert script.texts[0] == "This is the first question; there is nothing before it."


def test_back_from_the_summary_reopens_the_last_question() -> None:
    script = prep().say("worry", "well", "decided", "skip", *AFTER_FOUR, "back")
    assert script.state == "not_what_child_wants"


def test_cancel_ends_the_dialog_and_saves_nothing() -> None:
    script = prep().say("worry", "cancel")
    assert script.conversation is None
    assert script.last.outcome is None
    assert script.reply.text == "Cancelled. Nothing from this case preparation was saved."


def test_cancel_from_the_summary_choice() -> None:
    script = prep().say("worry", "well", "decided", "skip", *AFTER_FOUR, "3")
    assert script.conversation is None
    assert script.last.outcome is None


def test_help_explains_and_repeats_the_question_without_changing_anything() -> None:
    script = prep().say("worry")
    before = script.conversation
    script.say("help")
    assert script.conversation == before
    assert not script.last.changed
    assert "back: go to the previous question" in script.texts[0]
    assert "Central Bedfordshire" in script.texts[0]
    assert script.reply.state == "working_well"
