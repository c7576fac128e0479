"""A management decision as a case note in the council's own wording, for the child's record."""

from __future__ import annotations

from jinja2 import Environment

from dialogs.definition import DialogDefinition
from policies.packs import PolicyPack
from storage.records import Decision


def render_decision_note(
    decision: Decision, pack: PolicyPack, dialog: DialogDefinition, templates: Environment
) -> str:
    """Plain text that pastes cleanly into a case management system (person text is data)."""
    answers = []
    for prompt in dialog.prompts:
        value = decision.answers.get(prompt.key)
        if value is None or value == []:
            continue
        answers.append(
            (
                prompt.label,
                "\n".join(f"- {v}" for v in value) if isinstance(value, list) else str(value),
            )
        )
    return (
        templates.get_template("decision_note.txt.j2")
        .render(
            title=_title(decision, pack),
            advice=_is_advice(decision),
            decision=decision,
            when=f"{decision.created_at:%d %b %Y %H:%M}",
            answers=answers,
        )
        .strip()
    )


def _title(decision: Decision, pack: PolicyPack) -> str:
    """The council's note title: its advice case note for advice and guidance (Southwark's
    assessors and practice educators), else its management decision note."""
    if _is_advice(decision) and pack.case_advice is not None:
        return pack.case_advice.title
    return pack.decision_note.title


def _is_advice(decision: Decision) -> bool:
    """Advice and guidance recorded with /decision CASE-REF advice, not a decision."""
    return decision.answers.get("recorded_as") == "advice"
