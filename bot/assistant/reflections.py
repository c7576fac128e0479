"""/reflections: read back your own saved EARS reflections (they are yours alone)."""

from __future__ import annotations

from collections.abc import Callable

from dialogs.definition import DialogDefinition
from dialogs.messages import Outbound
from dialogs.rendering import show_answer
from storage.store import Transaction

SHOWN = 3


def reflections_reply(
    tx: Transaction, person_id: str, definition: Callable[[str], DialogDefinition]
) -> Outbound:
    """The person's latest EARS reflections, newest first, each answer under its label."""
    saved = tx.reflections(person_id, SHOWN)
    if not saved:
        return Outbound(
            "You have no saved EARS reflection yet. Type /ears case or /ears professional."
        )
    parts = []
    for reflection in saved:
        dialog = definition(f"ears-{reflection.variant}")
        about = f" for {reflection.case_ref}" if reflection.case_ref else ""
        lines = [f"Your {dialog.title}{about}, saved {reflection.completed_at:%a %d %b %Y}:"]
        for key, answer in reflection.answers.items():
            label = dialog.prompt(key).label if dialog.is_prompt(key) else key
            lines.append(f"- {label}: {show_answer(answer)}")
        parts.append("\n".join(lines))
    return Outbound("\n\n".join(parts))
