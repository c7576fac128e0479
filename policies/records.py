"""Supervision record drafts after a session, with the council's headings.

A case record is drafted per case discussed, pre-filled from the supervisee's preparation
notes; the personal record is drafted apart from case records (DESIGN.md), pre-filled only
with the wellbeing answers the supervisee chose to share, and warns when it seems to name a
child or family member (Manchester 2.1: case references only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Literal

from jinja2 import Environment

from dialogs.conversation import Answer
from dialogs.definition import DialogDefinition
from dialogs.names import possible_names
from policies.packs import Headings, PolicyPack
from storage.records import Action, Decision, PrepNote, SharedWellbeing

FROM_PREPARATION = "Also from the preparation notes"
OPEN_ACTIONS = "Open actions on this case (owner, what, why, by when)"
DECISIONS = "Management decisions on this case since the last supervision"


@dataclass(frozen=True, slots=True)
class RecordSection:
    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class RecordDraft:
    """One record to complete: its headings in the pack's order, some already filled."""

    kind: Literal["case", "personal"]
    council: str
    supervisee: str
    held: date
    case_ref: str | None
    sections: tuple[RecordSection, ...]
    warnings: tuple[str, ...] = ()
    cite: str = ""


def case_records(
    pack: PolicyPack,
    supervisee: str,
    held: date,
    notes: list[PrepNote],
    prep: DialogDefinition,
    actions: list[Action] | None = None,
    decisions: list[Decision] | None = None,
) -> list[RecordDraft]:
    """One case record per case with preparation notes, with that case's open actions (owner,
    what, why, by when) and the management decisions made on it since (issue 7)."""
    headings = pack.records.case
    drafts = []
    for note in notes:
        sections = _sections(headings, note.answers, prep) + _case_extras(
            note.case_ref, actions or [], decisions or []
        )
        drafts.append(
            RecordDraft(
                "case", pack.council, supervisee, held, note.case_ref, sections, (), headings.cite
            )
        )
    return drafts


def _case_extras(
    case_ref: str, actions: list[Action], decisions: list[Decision]
) -> tuple[RecordSection, ...]:
    extras = []
    open_here = [a for a in actions if a.case_ref == case_ref]
    if open_here:
        lines = [
            f"{a.owner} to {a.what}, because {a.why}" + (f", by {a.due:%d %b %Y}" if a.due else "")
            for a in open_here
        ]
        extras.append(RecordSection(OPEN_ACTIONS, "\n".join(lines)))
    made = [d for d in decisions if d.case_ref == case_ref]
    if made:
        lines = [
            f"Decision {d.id} ({d.created_at:%d %b %Y}): {d.answers.get('chosen')}; rationale: {d.answers.get('rationale')}"
            + (
                f"; disagreement: {d.answers['disagreement']}"
                if d.answers.get("disagreement")
                else ""
            )
            for d in made
        ]
        extras.append(RecordSection(DECISIONS, "\n".join(lines)))
    return tuple(extras)


def personal_record(
    pack: PolicyPack,
    supervisee: str,
    held: date,
    shared: SharedWellbeing | None,
    checkin: DialogDefinition,
) -> RecordDraft:
    """The personal supervision record: shared check-in answers only, and a name warning."""
    headings = pack.records.personal
    sections = _sections(headings, shared.answers if shared else {}, checkin)
    names = [name for s in sections for name in possible_names(s.text)]
    warnings = (
        (
            f"This personal record may name someone ({', '.join(names[:3])}): personal records must not name children or family members; use case references.",
        )
        if names
        else ()
    )
    return RecordDraft(
        "personal", pack.council, supervisee, held, None, sections, warnings, headings.cite
    )


def _sections(
    headings: Headings, answers: Mapping[str, Answer], dialog: DialogDefinition
) -> tuple[RecordSection, ...]:
    """Each heading with the answers mapped to it; answers no heading takes go last."""
    labels = {p.key: p.label for p in dialog.prompts}
    used: set[str] = set()
    sections = []
    for heading in headings.headings:
        keys = [k for k in headings.prefill.get(heading, ()) if _given(answers.get(k))]
        used.update(keys)
        sections.append(
            RecordSection(
                heading, "\n".join(f"{labels.get(k, k)}: {_show(answers[k])}" for k in keys)
            )
        )
    left = [
        k for k in labels if k in answers and k not in used and _given(answers[k]) and k != "hold"
    ]
    if left:
        sections.append(
            RecordSection(
                FROM_PREPARATION, "\n".join(f"{labels[k]}: {_show(answers[k])}" for k in left)
            )
        )
    return tuple(sections)


def _given(answer: Answer) -> bool:
    return answer is not None and answer != []


def _show(answer: Answer) -> str:
    return "; ".join(answer) if isinstance(answer, list) else str(answer)


def render_record(draft: RecordDraft, templates: Environment, form: str = "txt") -> str:
    """A record as plain text that pastes into a case management system ("txt") or Markdown."""
    values = {f.name: getattr(draft, f.name) for f in fields(draft)}
    return templates.get_template(f"record.{form}.j2").render(**values).strip()
