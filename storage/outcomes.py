"""How a completed dialog's outcome maps onto stored fields (shared by every store)."""

from __future__ import annotations

from typing import Any

from dialogs.definition import Outcome

SHARE_KEY = "share"


def prep_fields(outcome: Outcome) -> dict[str, Any]:
    """Fields of a `prep_notes` row."""
    return {
        "person_id": outcome.person_id,
        "case_ref": outcome.context["case_ref"],
        "variant": outcome.context.get("variant", "scheduled"),
        "answers": dict(outcome.answers),
        "needs_ad_hoc": bool(outcome.flags.get("needs_ad_hoc", False)),
        "completed_at": outcome.completed_at,
    }


def ears_fields(outcome: Outcome) -> dict[str, Any]:
    """Fields of an `ears_reflections` row."""
    return {
        "person_id": outcome.person_id,
        "variant": outcome.kind.removeprefix("ears-"),
        "case_ref": outcome.context.get("case_ref"),
        "answers": dict(outcome.answers),
        "completed_at": outcome.completed_at,
    }


def wellbeing_fields(outcome: Outcome) -> dict[str, Any]:
    """Fields of a `wellbeing_checkins` row: the private answers and the list shared."""
    shared = outcome.answers.get(SHARE_KEY)
    answers = {k: v for k, v in outcome.answers.items() if k != SHARE_KEY}
    return {
        "person_id": outcome.person_id,
        "answers": answers,
        "shared": [k for k in shared if k in answers] if isinstance(shared, list) else [],
        "completed_at": outcome.completed_at,
    }


def shared_only(answers: dict[str, Any], shared: list[str]) -> dict[str, Any]:
    """The answers the person chose to share, in the order they were asked."""
    return {k: v for k, v in answers.items() if k in shared}
