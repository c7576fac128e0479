"""Signed requests shaped like Slack's: Events API envelopes, slash commands, interactivity."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.assistant.forms import form_fields
from dialogs.definitions import PREP

SECRET = "test-signing-secret"
_ids = itertools.count(1)


def signed_headers(body: str, *, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    timestamp = str(at if at is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def dm_event(text: str, user: str = "U1", event_id: str | None = None) -> str:
    n = next(_ids)
    return json.dumps({
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id or f"Ev{n:08d}", "event_time": int(time.time()),
        "event": {"type": "message", "channel_type": "im", "channel": "D1", "user": user,
                  "text": text, "ts": f"1700000000.{n:06d}", "client_msg_id": f"m-{n}"},
    })  # fmt: skip


def home_opened(user: str = "U1") -> str:
    return json.dumps({
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": f"Ev{next(_ids):08d}", "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"},
    })  # fmt: skip


def slash(text: str, user: str = "U1", channel: str = "D1") -> str:
    return urlencode({
        "token": "legacy", "team_id": "T1", "channel_id": channel, "user_id": user,
        "command": "/supervision", "text": text, "api_app_id": "A1",
        "trigger_id": f"trigger-{next(_ids)}", "response_url": "http://127.0.0.1:9/unused",
    })  # fmt: skip


def button(value: str, action_id: str = "choice-0", user: str = "U1") -> str:
    n = next(_ids)
    payload = {
        "type": "block_actions", "team": {"id": "T1"}, "user": {"id": user},
        "api_app_id": "A1", "trigger_id": f"trigger-{n}", "channel": {"id": "D1"},
        "container": {"type": "message", "message_ts": f"1700000000.{n:06d}", "channel_id": "D1"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                     "action_ts": f"1700000001.{n:06d}"}],
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


def submission(command: str, answers: dict[str, str], user: str = "U1") -> str:
    # Slack sends every input block; an empty optional text input has the value None.
    every = {f.key: answers.get(f.key) or None for f in form_fields(PREP)} | answers
    values = {key: {"answer": {"type": "plain_text_input", "value": v}} for key, v in every.items()}
    payload = {
        "type": "view_submission", "team": {"id": "T1"}, "user": {"id": user}, "api_app_id": "A1",
        "view": {"id": f"V{next(_ids)}", "type": "modal", "callback_id": "prep_form", "private_metadata": command,
                 "hash": "h1", "state": {"values": values}},
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


async def post(
    session: aiohttp.ClientSession, url: str, body: str, *, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """POST a signed body to /slack/events; returns (status, parsed or raw body)."""
    content_type = (
        "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    )
    all_headers = {"Content-Type": content_type, **signed_headers(body), **(headers or {})}
    async with session.post(f"{url}/slack/events", data=body.encode(), headers=all_headers) as r:
        raw = await r.text()
        try:
            return r.status, json.loads(raw) if raw else None
        except json.JSONDecodeError:
            return r.status, raw
