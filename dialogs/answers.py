"""Reading what a person typed as an answer: length, characters, choices and scales."""

from __future__ import annotations

import unicodedata

from dialogs.messages import Choice

ALLOWED_CONTROLS = {"\n", "\t"}
SCALE_MIN, SCALE_MAX = 0, 10


class InvalidAnswer(ValueError):
    """The input is not a valid answer; the message says why, in the person's terms."""


def clean_text(raw: str, *, max_chars: int) -> str:
    """Return the answer text, normalised, or raise InvalidAnswer.

    Line endings become "\\n" and surrounding blanks go; nothing else is changed. Text is
    never shortened: an answer over `max_chars` is refused with its length and the limit.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InvalidAnswer("That message was empty. Please type an answer.")
    if len(text) > max_chars:
        raise InvalidAnswer(
            f"That answer is {len(text):,} characters long; the most I can keep is "
            f"{max_chars:,}. Please shorten it or split it up. Nothing was saved."
        )
    for char in text:
        if _unstorable(char):
            raise InvalidAnswer(
                f"That answer contains a control character (U+{ord(char):04X}) that can't be "
                "stored. Please retype it without it. Nothing was saved."
            )
    return text


def _unstorable(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in ALLOWED_CONTROLS
    return category == "Cs"  # lone surrogates: bytes that were not valid UTF-8


def read_choice(text: str, choices: tuple[Choice, ...], *, by_number: bool = True) -> str:
    """The value of the choice named by `text`: its value, its label, or its 1-based number."""
    wanted = text.strip().casefold()
    for choice in choices:
        if wanted == choice.value.casefold() or wanted == choice.label.casefold():
            return choice.value
    if by_number and wanted.isascii() and wanted.isdecimal() and 1 <= int(wanted) <= len(choices):
        return choices[int(wanted) - 1].value
    options = ", ".join(f"{i}. {c.label}" for i, c in enumerate(choices, start=1))
    raise InvalidAnswer(
        f"'{_quote(text)}' is not one of the choices. Please pick one of: {options}."
    )


def read_scale(text: str) -> int:
    """A whole number from 0 to 10, or InvalidAnswer."""
    stripped = text.strip()
    if stripped.isascii() and stripped.isdecimal() and SCALE_MIN <= int(stripped) <= SCALE_MAX:
        return int(stripped)
    raise InvalidAnswer(
        f"'{_quote(text)}' is not on the scale. Please answer with a whole number from "
        f"{SCALE_MIN} to {SCALE_MAX}, in digits."
    )


def _quote(text: str, limit: int = 40) -> str:
    """A short, printable echo of what the person sent, for error messages."""
    flat = "".join(c if c.isprintable() else "?" for c in text.strip())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
