"""Button payloads within a channel's size limit (Telegram: 64 bytes; Slack: 2,000 chars).

A choice whose value fits is sent as itself. A longer one (e.g. a decision option written in
full) is sent as its position plus a digest of the question, and turned back into the value
against the person's pending question; a button from an older question then matches nothing.
"""

from __future__ import annotations

import hashlib

from dialogs.messages import Outbound

DIRECT = "v:"
STALE_BUTTON = Outbound(
    "That button belongs to an earlier question, so I haven't used it. "
    "Please answer the question I asked last."
)
INDEXED = "#"


def encode(message: Outbound, index: int, limit_bytes: int) -> str:
    """The payload for `message.choices[index]`, at most `limit_bytes` UTF-8 bytes."""
    direct = DIRECT + message.choices[index].value
    if len(direct.encode("utf-8")) <= limit_bytes:
        return direct
    return f"{INDEXED}{index}:{_digest(message)}"


def decode(payload: str, pending: Outbound | None) -> str | None:
    """The choice value a payload stands for; None if it belongs to no current question."""
    if payload.startswith(DIRECT):
        return payload.removeprefix(DIRECT)
    if not payload.startswith(INDEXED) or pending is None:
        return None
    index, _, digest = payload.removeprefix(INDEXED).partition(":")
    if not index.isdecimal() or digest != _digest(pending):
        return None
    position = int(index)
    return pending.choices[position].value if position < len(pending.choices) else None


def _digest(message: Outbound) -> str:
    seen = "\x1f".join([message.state or "", *(c.value for c in message.choices)])
    return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:12]
