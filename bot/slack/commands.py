"""Reading what people type in Slack: `/supervision WORDS`, and commands in a direct message
without the slash (Slack's own client takes any message that starts with "/")."""

from __future__ import annotations

import re

from bot.choice_tokens import decode
from dialogs.messages import Outbound

BUTTON = re.compile(r"^(choice|scale)-\d+$")
ACKNOWLEDGED = "Got it: I'll answer in our direct messages."
STALE_BUTTON = Outbound(
    "That button belongs to an earlier question, so I haven't used it. "
    "Please answer the question I asked last."
)
# Words that start a command when typed as the first word of a direct message.
KEYWORDS = {
    "prep", "ears", "checkin", "agenda", "decision", "decisions", "acknowledge", "dispute",
    "record", "rota", "actions", "done", "agree", "disagree", "help",
}  # fmt: skip


def from_slash(words: list[str]) -> str:
    """The assistant command for `/supervision WORDS` (bare `/supervision` is help)."""
    return "/" + " ".join(words) if words else "/help"


def as_command(text: str, *, idle: bool) -> str:
    """A direct message's text, read as a command when the person is not in a dialog and it
    starts with a command word ("prep AB-12"); during a dialog it is an answer as typed."""
    words = text.split()
    if idle and words and words[0].casefold() in KEYWORDS:
        return "/" + text.strip()
    return text


def unescape(text: str) -> str:
    """Message text as the person typed it (Slack sends "&", "<" and ">" escaped)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def wants_form(words: list[str]) -> bool:
    """`/supervision prep CASE-REF [adhoc] form`: the preparation tool as one modal."""
    return bool(words) and words[0].casefold() == "prep" and "form" in map(str.casefold, words)


def without_form(words: list[str]) -> list[str]:
    return [w for w in words if w.casefold() != "form"]


def button_value(payload: str, pending: Outbound | None) -> str | None:
    """The answer a pressed button stands for, or None for a button of an older question."""
    return decode(payload, pending)
