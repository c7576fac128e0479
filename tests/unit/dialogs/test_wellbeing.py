"""The private wellbeing check-in (Manchester appendix F; Southwark item 1 and Standard 7)."""

from dialogs.messages import Expects
from tests.factories import SIGNPOSTING, Script, dialog_engine

SKIP_TO_SCORE = ("skip",) * 5


def checkin() -> Script:
    return Script(dialog_engine(), "checkin")


def test_it_says_it_is_private_before_asking_anything() -> None:
    script = checkin()
    assert "This is private" in script.texts[0]
    assert script.reply.text.startswith("Is anything making your life at work more difficult")


def test_every_question_is_voluntary_the_score_too() -> None:
    script = checkin().say(*SKIP_TO_SCORE)
    assert script.state == "score"
    assert script.reply.expects is Expects.SCALE
    script.say("skip", "skip", "skip")
    assert script.state == "summary"
    assert "Every question is voluntary" in checkin().texts[0]


def test_the_score_is_cited_as_a_local_addition() -> None:
    from dialogs.definitions import WELLBEING

    assert WELLBEING.prompt("score").cite.startswith(
        "Local addition: no seed has a wellbeing scale"
    )


def test_coping_names_what_it_refers_to_and_the_seed_prompts_are_asked() -> None:
    # manchester:1046-1048 coping "with this"; 1054 best ways managed; 1057-1066 next steps
    script = checkin().say("Too many cases", "skip", "skip")
    assert script.state == "coping"
    assert script.reply.text.startswith("Thinking of whatever is making work more difficult")
    assert "best ways it is being managed?" in script.reply.text
    script.say("skip", "skip", "skip")
    assert script.state == "next_steps"
    assert "what are the next steps that would help?" in script.reply.text


def test_a_low_score_brings_signposting_and_never_claims_to_be_a_crisis_service() -> None:
    script = checkin().say(*SKIP_TO_SCORE, "2")
    signpost = script.texts[0]
    assert SIGNPOSTING in signpost
    assert "talk to your supervisor" in signpost
    assert "not a support or crisis service" in signpost
    assert script.state == "next_steps"


def test_a_score_above_the_threshold_brings_no_signposting() -> None:
    script = checkin().say(*SKIP_TO_SCORE, "4")
    assert len(script.last.replies) == 1


def test_the_threshold_comes_from_settings() -> None:
    script = Script(dialog_engine(low_wellbeing_score=5), "checkin").say(*SKIP_TO_SCORE, "5")
    assert SIGNPOSTING in script.texts[0]


def test_nothing_is_shared_unless_chosen() -> None:
    script = checkin().say(
        "Too many cases", "skip", "skip", "My team", "skip", "6", "skip", "skip", "confirm"
    )
    assert script.state == "share"
    assert [c.value for c in script.reply.choices] == ["pressures", "coping", "score", "done"]
    script.say("That's all")
    outcome = script.last.outcome
    assert outcome is not None
    assert outcome.answers["share"] == []
    assert "Nothing from this check-in is shared" in script.reply.text


def test_choosing_twice_unshares_and_only_chosen_items_are_shared() -> None:
    script = checkin().say(
        "Too many cases", "skip", "skip", "My team", "skip", "6", "skip", "skip", "confirm"
    )
    script.say("1", "3", "1")
    assert "Chosen so far: How I am doing (0–10)" in script.reply.text
    script.say("done")
    outcome = script.last.outcome
    assert outcome is not None
    assert outcome.answers["share"] == ["score"]
    assert outcome.answers["pressures"] == "Too many cases"  # kept, privately


def test_back_from_sharing_returns_to_the_summary() -> None:
    script = checkin().say(*SKIP_TO_SCORE, "6", "skip", "skip", "confirm", "back")
    assert script.state == "summary"
