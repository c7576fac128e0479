"""Who sees what (DESIGN.md; issue 4): a supervisee sees their own agenda and records, their
supervisor sees them too; nobody else sees a personal record. Enforced here, in the service
layer, so every channel gets the same rule."""

from __future__ import annotations

from datetime import date

from jinja2 import Environment

from dialogs.definitions import PREP, WELLBEING
from dialogs.messages import Outbound
from policies.assignment import PackAssignment
from policies.records import RecordDraft, case_records, personal_record, render_record
from policies.suggestions import suggested_questions
from storage.store import Transaction

REFUSED = "You can see your own agenda and records, and those of people you supervise; not {who}'s."


def may_view(tx: Transaction, viewer: str, subject: str) -> bool:
    """The person themselves, or their supervisor."""
    if viewer == subject:
        return True
    person = tx.person(subject)
    return person is not None and person.supervisor_id == viewer


def supervisor_suggestions(tx: Transaction, subject: str) -> str:
    """For the supervisor only: EARS questions for each prepared case."""
    lines = ["For the supervisor: questions to ask (EARS), from the preparation notes:"]
    for note in tx.latest_prep_notes(subject):
        lines.append(f"{note.case_ref}:")
        lines += [f"  - {question}" for question in suggested_questions(note)]
    return (
        "\n".join(lines)
        if len(lines) > 1
        else "No preparation notes yet, so no suggested questions."
    )


def records_text(
    tx: Transaction, packs: PackAssignment, templates: Environment, subject: str, held: date
) -> Outbound:
    """Draft case records and the personal record of a session, as text."""
    drafts = record_drafts(tx, packs, subject, held)
    return Outbound("\n\n".join(render_record(d, templates, "txt") for d in drafts))


def record_drafts(
    tx: Transaction, packs: PackAssignment, subject: str, held: date
) -> list[RecordDraft]:
    """The case records (one per prepared case) and the personal record of a session."""
    pack = packs.for_person(tx.person(subject))
    return [
        *case_records(
            pack,
            subject,
            held,
            tx.latest_prep_notes(subject),
            PREP,
            tx.open_actions(subject),
            tx.decisions(person_id=subject),
        ),
        personal_record(pack, subject, held, tx.shared_wellbeing(subject), WELLBEING),
    ]
