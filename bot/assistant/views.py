"""What an agenda or record view shows, once bot/assistant/access.py has allowed it: the
shared wellbeing part only for the person and their supervisor; EARS questions for the
supervisor and line management."""

from __future__ import annotations

from datetime import date

from jinja2 import Environment

from bot.assistant.access import Action, RecordKind, Subject, Viewer, may
from bot.assistant.names import name_of, named_actions
from dialogs.definitions import PREP, WELLBEING
from dialogs.messages import Outbound
from policies.assignment import PackAssignment
from policies.records import RecordDraft, case_records, personal_record, render_record
from policies.suggestions import suggested_questions
from storage.store import Transaction

REFUSED = (
    "You can see your own agenda and records, and those of people you supervise or manage "
    "(case records too if you are a quality-assurance reader); not {who}'s."
)


def shows_shared(tx: Transaction, viewer: Viewer, subject: str) -> bool:
    """May the viewer see the wellbeing answers `subject` shared (and their personal record)?"""
    kind = RecordKind.SHARED_WELLBEING
    return may(tx, viewer, Action.READ, kind, Subject(person_id=subject)).allowed


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
    tx: Transaction,
    packs: PackAssignment,
    templates: Environment,
    subject: str,
    held: date,
    personal: bool = True,
) -> Outbound:
    """Draft case records and (if `personal`) the personal record of a session, as text."""
    drafts = record_drafts(tx, packs, subject, held, personal)
    return Outbound("\n\n".join(render_record(d, templates, "txt") for d in drafts))


def record_drafts(
    tx: Transaction, packs: PackAssignment, subject: str, held: date, personal: bool = True
) -> list[RecordDraft]:
    """The case records (one per prepared case) and, if `personal`, the personal record."""
    pack = packs.for_person(tx.person(subject))
    name = name_of(tx, subject)  # a record is read by people: the supervisee by name
    drafts = case_records(
        pack,
        name,
        held,
        tx.latest_prep_notes(subject),
        PREP,
        named_actions(tx, tx.open_actions(subject)),
        tx.decisions(person_id=subject),
    )
    if personal:
        drafts.append(personal_record(pack, name, held, tx.shared_wellbeing(subject), WELLBEING))
    return drafts
