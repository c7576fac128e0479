"""Which Slack requests are a person's plain direct message, acknowledged without Bolt's
dispatch, and which are left to Bolt."""

from __future__ import annotations

import json
from typing import Any

from bot.channels.slack.channel import direct_message


def events_api(event: dict[str, Any], **outer: Any) -> str:
    body = {"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": event}
    return json.dumps(body | outer)


DM = {"type": "message", "channel_type": "im", "user": "U1", "text": "prep AB-1", "ts": "1.0"}


def test_a_plain_direct_message_is_taken_with_its_event_id() -> None:
    assert direct_message(events_api(DM)) == (DM, "Ev1")


def test_edits_bot_messages_channels_and_other_events_are_left_to_bolt() -> None:
    for event in (
        DM | {"subtype": "message_changed"},
        DM | {"subtype": "file_share"},
        DM | {"bot_id": "B1"},
        DM | {"channel_type": "channel"},
        DM | {"type": "app_home_opened"},
        {k: v for k, v in DM.items() if k != "user"},
        DM | {"text": {"not": "text"}},
    ):
        assert direct_message(events_api(event)) is None, event


def test_anything_unusual_about_the_envelope_is_left_to_bolt() -> None:
    for body in (
        events_api(DM, type="url_verification"),
        events_api(DM, event_id=""),
        events_api(DM, event_id=7),
        json.dumps({"type": "event_callback", "event": "message"}),
        "payload=%7B%7D",  # a button or a form: form-encoded
        "{not json",
        "[1, 2]",
        "",
    ):
        assert direct_message(body) is None, body
