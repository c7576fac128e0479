"""Reading what people type in Slack: `/supervision WORDS`, and message text as typed."""

from __future__ import annotations

import re

BUTTON = re.compile(r"^(choice|scale)-\d+$")
ACKNOWLEDGED = "Got it: I'll answer in our direct messages."


def from_slash(words: list[str]) -> str:
    """The assistant command for `/supervision WORDS` (bare `/supervision` is help)."""
    return "/" + " ".join(words) if words else "/help"


def unescape(text: str) -> str:
    """Message text as the person typed it (Slack sends "&", "<" and ">" escaped)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
