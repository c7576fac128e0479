"""Reading what people type in Slack: `/supervision WORDS`, and commands in a direct message
without the slash (Slack's own client takes any message that starts with "/")."""

from __future__ import annotations

import re

from bot.choice_tokens import decode
from bot.typed_commands import as_command, wants_form, without_form
from dialogs.messages import Outbound

BUTTON = re.compile(r"^(choice|scale)-\d+$")
ACKNOWLEDGED = "Got it: I'll answer in our direct messages."


def from_slash(words: list[str]) -> str:
    """The assistant command for `/supervision WORDS` (bare `/supervision` is help)."""
    return "/" + " ".join(words) if words else "/help"


def unescape(text: str) -> str:
    """Message text as the person typed it (Slack sends "&", "<" and ">" escaped)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def button_value(payload: str, pending: Outbound | None) -> str | None:
    """The answer a pressed button stands for, or None for a button of an older question."""
    return decode(payload, pending)


__all__ = ["as_command", "button_value", "from_slash", "unescape", "wants_form", "without_form"]
