"""The supervisee's agenda draft: the pack's standing items filled with what they prepared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import Environment

from dialogs.conversation import Answer
from dialogs.definition import DialogDefinition
from policies.packs import AgendaItem, PolicyPack
from storage.records import Decision, PrepNote, SharedWellbeing


@dataclass(frozen=True, slots=True)
class CaseOnAgenda:
    """One case's preparation notes as they appear on the agenda."""

    case_ref: str
    needs_ad_hoc: bool
    prepared_on: str
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class AgendaDraft:
    """Everything the agenda template needs; person-entered text is plain data here."""

    council: str
    items: tuple[AgendaItem, ...]
    cases: tuple[CaseOnAgenda, ...]
    wellbeing: tuple[tuple[str, str], ...]
    decisions: tuple[str, ...] = ()


def compose_agenda(
    *,
    pack: PolicyPack,
    prep_notes: list[PrepNote],
    shared: SharedWellbeing | None,
    prep: DialogDefinition,
    checkin: DialogDefinition,
    decisions: list[Decision] | None = None,
) -> AgendaDraft:
    """Build the draft. Only the wellbeing answers the supervisee chose to share are used."""
    cases = tuple(
        CaseOnAgenda(
            case_ref=note.case_ref,
            needs_ad_hoc=note.needs_ad_hoc,
            prepared_on=note.completed_at.date().isoformat(),
            answers=_labelled(note.answers, prep),
        )
        for note in prep_notes
    )
    wellbeing = _labelled(shared.answers, checkin) if shared else ()
    noted = tuple(_decision_line(d) for d in decisions or [])
    return AgendaDraft(pack.council, pack.standing_agenda, cases, wellbeing, noted)


def _decision_line(decision: Decision) -> str:
    state = decision.responses[-1].kind if decision.responses else "awaiting acknowledgement"
    return (
        f"Decision {decision.id} on {decision.case_ref} ({decision.created_at:%d %b %Y}): "
        f"{decision.answers.get('chosen')} [{state}]"
    )


def render_agenda(draft: AgendaDraft, templates: Environment) -> str:
    """The draft as plain text (the template treats every answer as data)."""
    return (
        templates.get_template("agenda.txt.j2")
        .render(
            council=draft.council,
            items=draft.items,
            cases=draft.cases,
            wellbeing=draft.wellbeing,
            decisions=draft.decisions,
        )
        .strip()
    )


def _labelled(
    answers: Mapping[str, Answer], definition: DialogDefinition
) -> tuple[tuple[str, str], ...]:
    """(label, answer) pairs in the dialog's order, leaving out skipped questions."""
    pairs = []
    for prompt in definition.prompts:
        value = answers.get(prompt.key)
        if value is None or value == []:
            continue
        pairs.append((prompt.label, "; ".join(value) if isinstance(value, list) else str(value)))
    return tuple(pairs)
