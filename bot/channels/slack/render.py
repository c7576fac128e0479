"""The assistant's messages as Slack Block Kit: escaped, and split within Slack's limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.assistant.choice_tokens import DIRECT, encode
from bot.channels.text_split import split_text
from dialogs.messages import Expects, Outbound

MAX_BLOCKS = 50  # blocks in one message
MAX_SECTION = 3000  # characters in one section's text
MAX_BUTTONS = 25  # elements in one actions block
MAX_VALUE = 2000  # characters in a button's value
MAX_LABEL = 75  # characters in a button's label
SCALE = tuple(str(n) for n in range(11))

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One chat.postMessage: `text` is the notification fallback, `blocks` what is shown."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    """Person-entered text made literal in mrkdwn: no mentions, links or @channel pings."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(messages: list[Outbound]) -> list[SlackMessage]:
    """Slack messages for the assistant's replies, at most MAX_BLOCKS blocks each."""
    out: list[SlackMessage] = []
    for message in messages:
        blocks = sections(message.text) + _controls(message)
        for start in range(0, len(blocks), MAX_BLOCKS):
            chunk = blocks[start : start + MAX_BLOCKS]
            out.append(SlackMessage(text=_fallback(chunk), blocks=chunk))
    return out


def sections(text: str) -> list[Block]:
    """Section blocks holding `text` escaped, each within MAX_SECTION characters."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece, "verbatim": True}}
        for piece in _escaped_pieces(text or " ", MAX_SECTION)
    ]


def _escaped_pieces(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for raw in split_text(text, limit):
        escaped = escape(raw)
        if len(escaped) <= limit or len(raw) == 1:
            pieces.append(escaped if escaped.strip() else " ")
        else:  # escaping lengthened it past the limit: split the raw text finer
            pieces += _escaped_pieces(raw, max(1, limit * len(raw) // len(escaped)))
    return pieces


def _controls(message: Outbound) -> list[Block]:
    if message.expects is Expects.SCALE:
        return [_actions([(n, DIRECT + n, f"scale-{n}") for n in SCALE])]
    if message.expects is not Expects.CHOICE or not message.choices:
        return []
    buttons = [
        (choice.label, encode(message, i, MAX_VALUE), f"choice-{i}")
        for i, choice in enumerate(message.choices)
    ]
    return [
        _actions(buttons[start : start + MAX_BUTTONS])
        for start in range(0, len(buttons), MAX_BUTTONS)
    ]


def _actions(buttons: list[tuple[str, str, str]]) -> Block:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": _label(label), "emoji": False},
                "value": value,
                "action_id": action_id,
            }
            for label, value, action_id in buttons
        ],
    }


def _label(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _fallback(blocks: list[Block]) -> str:
    """Notification text: the first section's text (already escaped)."""
    for block in blocks:
        if block["type"] == "section":
            return str(block["text"]["text"])
    return "Supervision Assistant"
