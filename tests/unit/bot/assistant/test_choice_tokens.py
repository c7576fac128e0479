"""Button payloads fit the channel's limit and never answer a different question."""

from __future__ import annotations

from bot.assistant.choice_tokens import decode, encode
from dialogs.messages import Choice, Expects, Outbound

LONG = "Agreed: the case stays open and the family is offered a Child in Need plan " * 3


def question(state: str, *values: str) -> Outbound:
    return Outbound(
        "Pick one", tuple(Choice(v[:20], v) for v in values), Expects.CHOICE, "d", state
    )


def test_a_short_value_travels_as_itself() -> None:
    message = question("summary", "confirm", "edit")
    assert encode(message, 1, 64) == "v:edit"
    assert decode("v:edit", None) == "edit"


def test_a_long_value_travels_as_its_position_within_64_bytes_and_comes_back_whole() -> None:
    message = question("option", "keep", LONG)
    payload = encode(message, 1, 64)
    assert len(payload.encode()) <= 64
    assert decode(payload, message) == LONG


def test_a_button_from_an_older_question_matches_nothing() -> None:
    old = question("option", "keep", LONG)
    newer = question("option", "keep", LONG + " (revised)")
    assert decode(encode(old, 1, 64), newer) is None
    assert decode(encode(old, 1, 64), None) is None


def test_made_up_payloads_match_nothing() -> None:
    message = question("option", "keep", LONG)
    for payload in ["", "#", "#x:abc", "#9:" + encode(message, 1, 64).split(":")[1], "junk"]:
        assert decode(payload, message) is None
