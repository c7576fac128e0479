"""Reading what a person typed as an answer: length, characters, choices and scales."""

from __future__ import annotations

import re
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
        problem = _unstorable(char)
        if problem:
            raise InvalidAnswer(
                f"That answer contains {problem} (U+{ord(char):04X}) that can't be "
                "stored. Please retype it without it. Nothing was saved."
            )
    return text


# Embedding, override and isolate controls reorder how text around them is displayed, so a
# record could read differently from what was typed; plain right-to-left text needs none.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unstorable(char: str) -> str | None:
    """What is wrong with `char` in stored text, or None."""
    category = unicodedata.category(char)
    code = ord(char)
    if category == "Cc" and char not in ALLOWED_CONTROLS:
        return "a control character"
    if category == "Cs":  # lone surrogates: bytes that were not valid UTF-8
        return "a control character"
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return "a Unicode noncharacter"  # not allowed in Word (XML) documents
    if char in BIDI_CONTROLS:
        return "a text-direction override character"
    return None


YES_NO = {"y": "yes", "yes": "yes", "n": "no", "no": "no"}
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
DONE_WORDS = {"that's all", "thats all", "done"}
LIST_SEPARATORS = re.compile(r"\s*,\s*|\s+")


def normalise(text: str) -> str:
    """What a person typed, for comparing with a label: case, curly apostrophes, a final full
    stop and surrounding blanks do not matter."""
    return text.strip().translate(APOSTROPHES).casefold().rstrip(".").strip()


def read_choice(text: str, choices: tuple[Choice, ...], *, by_number: bool = True) -> str:
    """The value of the choice named by `text`.

    In order: its value or label (any case, either apostrophe); its 1-based number; y/n for a
    yes/no question; the start of one label only ("strat" for "Strategy meeting"). A start
    shared by several labels is refused, naming them.
    """
    wanted = normalise(text)
    for choice in choices:
        if wanted in (normalise(choice.value), normalise(choice.label)):
            return choice.value
    if by_number and wanted.isascii() and wanted.isdecimal() and 1 <= int(wanted) <= len(choices):
        return choices[int(wanted) - 1].value
    values = {c.value for c in choices}
    if wanted in YES_NO and YES_NO[wanted] in values:
        return YES_NO[wanted]
    starting = [c for c in choices if wanted and normalise(c.label).startswith(wanted)]
    if len(starting) == 1:
        return starting[0].value
    if starting:
        names = " or ".join([", ".join(c.label for c in starting[:-1]), starting[-1].label])
        raise InvalidAnswer(f"'{_quote(text)}' could be {names}. Please type a little more.")
    options = ", ".join(f"{i}. {c.label}" for i, c in enumerate(choices, start=1))
    raise InvalidAnswer(
        f"'{_quote(text)}' is not one of the choices. Please pick one of: {options}."
    )


def read_choices(text: str, choices: tuple[Choice, ...]) -> list[str]:
    """Several choices at once ("1, 4", "1 4", "Pressures, 3"), in the order given; one choice
    if the whole text names one. Any part that is not a choice refuses the lot."""
    try:
        return [read_choice(text, choices)]
    except InvalidAnswer:
        parts = [p for p in LIST_SEPARATORS.split(text.strip()) if p]
        if "," in text:
            parts = [p.strip() for p in text.split(",") if p.strip()]
        if len(parts) < 2:
            raise
    picked: list[str] = []
    for part in parts:
        value = read_choice(part, choices)
        if value not in picked:
            picked.append(value)
    return picked


def is_done(text: str) -> bool:
    """Whether a "what else?" answer ends the list: "That's all" (either apostrophe), "done",
    or 1, the number of its only choice."""
    return normalise(text) in DONE_WORDS or text.strip() == "1"


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
