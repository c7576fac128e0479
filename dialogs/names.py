"""A gentle check for what looks like a person's name in free text.

Children and families are identified by case reference only (Manchester 2.1; DESIGN.md). The
check cannot know a name, so it only warns: a capitalised word in the middle of a sentence
that is not a common word of the work (days, months, services, roles) is worth a second look.
A capitalised word after "the" ("the Hub", "the Front Door") is read as a service or place,
unless it reads as a family ("the Smiths", "the Smith's flat", "the Ahmed household").
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from dialogs.conversation import Answer
from dialogs.definition import AnswerKind, DialogSettings, Prompt

WORD = re.compile(r"(?<![\w'])([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\b")
SENTENCE_START = re.compile(r"(^|[.!?:;\n]\s*|[\"(]\s*)$")
AFTER_THE = re.compile(r"\b[Tt]he\s+(?:[A-Z][\w'-]*\s+)*$")
FAMILY_NEXT = re.compile(
    r"(?:\s+[A-Z][\w'-]*)*\s+(?i:family|families|household|children|kids|boys|girls|twins"
    r"|siblings|parents|home|house|flat|case)\b"
)
WORDS_FILE = Path(__file__).with_name("common_words.txt")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Capitalised words of the work that are not names (read once, on first use)."""
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def possible_names(text: str) -> list[str]:
    """Capitalised words mid-sentence that are not common words of the work."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(1)
        before = text[: match.start()]
        if word in common_words() or SENTENCE_START.search(before) or _a_place(word, text, match):
            continue
        if word not in found:
            found.append(word)
    return found


def _a_place(word: str, text: str, match: re.Match[str]) -> bool:
    """A word after "the" that names a service or place, not a family."""
    if word.endswith("s") or not AFTER_THE.search(text[: match.start()]):
        return False
    return FAMILY_NEXT.match(text, match.end()) is None


def name_warning(answer: Answer, settings: DialogSettings) -> str | None:
    """A follow-up for text prompts: a reminder to use case references, not names."""
    texts = answer if isinstance(answer, list) else [answer] if isinstance(answer, str) else []
    words = [w for t in texts for w in possible_names(t)]
    if not words:
        return None
    listed = ", ".join(f"“{w}”" for w in words[:3])
    return (
        f"Saved. A check: {listed} may be a name. Children and families are identified by case "
        "reference only; if it is a child's or family member's name, go back or edit the answer "
        "from the summary."
    )


def name_checked(*prompts: Prompt) -> tuple[Prompt, ...]:
    """The prompts, with the name check on every free-text one that has no follow-up."""
    free_text = (AnswerKind.TEXT, AnswerKind.LOOP)
    return tuple(
        replace(p, follow_up=name_warning) if p.kind in free_text and p.follow_up is None else p
        for p in prompts
    )
