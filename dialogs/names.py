"""A gentle check for what looks like a person's name in free text.

Children and families are identified by case reference only (Manchester 2.1; DESIGN.md). The
check cannot know a name, so it only warns: a capitalised word in the middle of a sentence
that is not a common word of the work (days, months, services, roles) is worth a second look.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dialogs.conversation import Answer
from dialogs.definition import AnswerKind, DialogSettings, Prompt

WORD = re.compile(r"(?<![\w'])([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\b")
SENTENCE_START = re.compile(r"(^|[.!?:;\n]\s*|[\"(]\s*)$")
COMMON = set(
    [
        "I",
        "Mum",
        "Mummy",
        "Dad",
        "Daddy",
        "Mother",
        "Father",
        "Nan",
        "Nana",
        "Gran",
        "Grandma",
        "Grandad",
        "Grandmother",
        "Grandfather",
        "Aunt",
        "Auntie",
        "Uncle",
        "Sister",
        "Brother",
        "Baby",
        "Child",
        "Children",
        "Parent",
        "Parents",
        "Carer",
        "Carers",
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Dr",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Christmas",
        "Easter",
        "Council",
        "School",
        "Nursery",
        "College",
        "Police",
        "Court",
        "Judge",
        "Health",
        "Hospital",
        "Social",
        "Care",
        "Services",
        "Service",
        "Team",
        "Manager",
        "Worker",
        "Early",
        "Help",
        "Child",
        "Protection",
        "Plan",
        "Conference",
        "Review",
        "Officer",
        "Independent",
        "Reviewing",
        "Safeguarding",
        "Children's",
        "Family",
        "Families",
        "Signs",
        "Safety",
        "Housing",
        "Probation",
        "Youth",
        "Offending",
        "Justice",
        "Mental",
        "Disability",
        "Education",
        "Special",
        "Needs",
        "Home",
        "Office",
        "England",
        "English",
        "Wales",
        "Welsh",
        "British",
        "Islam",
        "Muslim",
        "Christian",
        "Jewish",
        "Sikh",
        "Hindu",
        "God",
        "Teams",
        "Slack",
        "Telegram",
        "Zoom",
        "Mosaic",
        "Liquidlogic",
    ]
)


def possible_names(text: str) -> list[str]:
    """Capitalised words mid-sentence that are not common words of the work."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(1)
        if word in COMMON or SENTENCE_START.search(text[: match.start()]):
            continue
        if word not in found:
            found.append(word)
    return found


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
