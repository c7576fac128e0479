"""The management decision dialog (Bexley Standard Four and the other seeds), every path."""

from dialogs.messages import Expects
from tests.factories import Script, dialog_engine

FULL = [
    "Mother's new partner moved in",
    "Visits were weekly as agreed",
    "Increase visits to twice weekly",
    "Strategy discussion",
    "done",
]


def decision(**context: str) -> Script:
    return Script(dialog_engine(), "decision", case_ref="CR-9", **context)


def test_the_chosen_option_is_picked_from_the_options_given() -> None:
    script = decision().say(*FULL)
    assert script.state == "chosen"
    assert script.reply.expects is Expects.CHOICE
    assert [c.label for c in script.reply.choices] == [
        "Increase visits to twice weekly",
        "Strategy discussion",
    ]
    script.say("2")
    assert (
        script.conversation is not None
        and script.conversation.answers["chosen"] == "Strategy discussion"
    )


def test_a_whole_decision_to_the_summary_and_saved() -> None:
    script = decision().say(
        *FULL,
        "Strategy discussion",
        "Risk has increased since the partner moved in",
        "The worker felt visits were enough; escalated to the service manager",
        "Worker to visit by Friday, to see the children alone, because of the new risk",
        "done",
        "yes",
        "Wants mum's partner to leave",
        "Service manager",
        "sw1",
    )
    assert script.state == "summary"
    assert "4. Option chosen: Strategy discussion" in script.reply.text
    script.say("confirm")
    outcome = script.last.outcome
    assert outcome is not None and outcome.kind == "decision"
    assert outcome.answers["options"] == ["Increase visits to twice weekly", "Strategy discussion"]
    assert outcome.answers["acknowledge_by"] == "sw1"
    assert outcome.context == {"case_ref": "CR-9"}


def test_at_least_one_option_and_a_rationale_are_required() -> None:
    script = decision().say("issue", "skip", "done")
    assert script.texts[0] == "Please give at least one answer before finishing this one."
    script.say("only option", "done", "1", "skip")
    assert script.state == "rationale"
    assert script.texts[0] == "This question can't be skipped; please answer it."


def test_going_back_to_add_an_option_offers_it_as_the_choice() -> None:
    script = decision().say("issue", "skip", "first", "done", "back", "second", "done")
    assert [c.value for c in script.reply.choices] == ["first", "second"]


def test_a_correction_says_what_it_corrects() -> None:
    script = decision(corrects="4").say(
        *FULL, "1", "why", "skip", "skip", "n/a", "skip", "skip", "tm1", "confirm"
    )
    assert "correcting decision 4" in script.reply.text
    assert script.last.outcome is not None and script.last.outcome.context["corrects"] == "4"


def test_a_name_in_the_presenting_issue_is_pointed_out() -> None:
    script = decision().say("Mum says Jayden was hit")
    assert "“Jayden” may be a name" in script.texts[0]


def test_cancelling_a_decision_keeps_nothing() -> None:
    script = decision().say("issue", "cancel")
    assert script.conversation is None and script.last.outcome is None


def test_the_rationale_can_be_edited_from_the_summary() -> None:
    script = decision().say(*FULL, "1", "first reason", "skip", "skip", "no", "skip", "skip", "sw1")
    assert script.state == "summary"
    script.say("edit 5", "better reason")
    assert script.state == "summary"
    assert "5. Rationale: better reason" in script.reply.text


def test_a_decision_the_pack_wants_discussed_says_what_kind_it_is() -> None:
    # bexley:102-103 closure, transfer, CP or legal planning decisions discussed in supervision
    script = decision(case_events="closure,transfer,child_protection_decision").say(FULL[0])
    assert script.state == "event"
    assert [(c.label, c.value) for c in script.reply.choices] == [
        ("Closure", "closure"),
        ("Transfer", "transfer"),
        ("Child protection decision", "child_protection_decision"),
        ("None of these", "none"),
    ]
    script.say("1", *FULL[1:], "1", "why", "skip", "skip", "n/a", "skip", "skip", "tm1")
    assert script.state == "summary"
    script.say("confirm")
    assert script.last.outcome is not None and script.last.outcome.answers["event"] == "closure"


def test_without_decision_events_the_kind_is_not_asked() -> None:
    assert decision().say(FULL[0]).state == "previous"
