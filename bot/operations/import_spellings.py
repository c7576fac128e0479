"""Common spellings in council spreadsheets, read as the assistant's values.

"Team Manager", "team-manager" and "TEAM_MANAGER" are all `team_manager` (case, spaces and
hyphens do not matter); a few abbreviations every children's services team uses are
accepted and the import says what they were read as. Anything else is refused with the list
of allowed values: a guess ("medium" risk) could put a case on the wrong frequency.
"""

from __future__ import annotations

from collections.abc import Iterable

ABBREVIATIONS: dict[str, str] = {
    # case types
    "cin": "child_in_need",
    "cp": "child_protection",
    "cpp": "child_protection",
    "cla": "child_in_care",
    "lac": "child_in_care",
    "looked_after": "child_in_care",
    "looked_after_child": "child_in_care",
    "eh": "early_help",
    "yos": "youth_offending",
    "yot": "youth_offending",
    "care_leavers": "care_leaver",
    # roles
    "sw": "social_worker",
    "manager": "team_manager",
    "asye": "nqsw",
    "newly_qualified_social_worker": "nqsw",
}


def key(value: str) -> str:
    """`value` written the assistant's way: lower case, words joined by underscores."""
    return "_".join(value.strip().casefold().replace("-", " ").split())


def spelled(value: str, allowed: Iterable[str]) -> str | None:
    """The allowed value `value` stands for, or None if it stands for none of them."""
    key_ = key(value)
    values = set(allowed)
    if key_ in values:
        return key_
    mapped = ABBREVIATIONS.get(key_)
    return mapped if mapped in values else None
