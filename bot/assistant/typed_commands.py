"""Commands typed without the slash, for chat clients that keep "/" for themselves (Slack)
or offer bare command words (Teams' command menu): "prep AB-12" means "/prep AB-12"."""

from __future__ import annotations

# Words that start a command when typed as the first word of a message.
KEYWORDS = {
    "prep", "ears", "checkin", "agenda", "decision", "decisions", "acknowledge", "dispute",
    "record", "rota", "actions", "dashboard", "done", "agree", "disagree", "help", "session",
    "team", "seen", "reflections",
}  # fmt: skip


def as_command(text: str, *, idle: bool) -> str:
    """The text, read as a command when the person is not in a dialog and it starts with a
    command word; during a dialog it is an answer exactly as typed."""
    words = text.split()
    if idle and words and words[0].casefold() in KEYWORDS:
        return "/" + text.strip()
    return text


def wants_form(words: list[str]) -> bool:
    """`prep CASE-REF [adhoc] form`: the preparation tool as one form."""
    return (
        bool(words)
        and words[0].casefold().lstrip("/") == "prep"
        and "form" in map(str.casefold, words)
    )


def without_form(words: list[str]) -> list[str]:
    return [w for w in words if w.casefold() != "form"]
