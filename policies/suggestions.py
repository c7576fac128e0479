"""EARS questions a supervisor might ask about each case, chosen from what the preparation
notes say and what they leave out (Manchester appendix G; Central Bedfordshire's child's voice).
The questions are the EARS dialog's own prompts, so their wording has one source."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.conversation import Answer
from dialogs.definitions import EARS_CASE
from storage.records import PrepNote

# (the preparation answers that, when missing, call for the question; the EARS prompt asked)
GAPS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("working_well",), "working_well"),
    (("worrying",), "worried"),
    (("decided",), "needs_to_happen"),
    (("child_thinks", "child_wants"), "needs_to_happen"),
)
ALWAYS = ("safety_scale", "missed")


def suggested_questions(note: PrepNote) -> list[str]:
    """EARS questions for one case: Elicit where the notes are silent, then Reflect and Start over."""
    keys = [prompt for needs, prompt in GAPS if all(_silent(note.answers, k) for k in needs)]
    keys += [k for k in ALWAYS if k not in keys]
    if not _silent(note.answers, "worrying"):
        keys.insert(0, "harm_detail")  # there is a worry: amplify it
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    texts = {p.key: p.text for p in EARS_CASE.prompts}
    return [texts[k] for k in seen]


def _silent(answers: Mapping[str, Answer], key: str) -> bool:
    return answers.get(key) in (None, "", [])
