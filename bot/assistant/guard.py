"""The service's access checks, run inside a turn's transaction before anything is stored.

Case scope for /prep, /ears case and /decision, the person asked to acknowledge a decision,
and one audit row for every change of a record (bot/assistant/access.py has the table).
Refusals never say anything about a case or decision the person cannot see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.assistant import audit
from bot.assistant.access import (
    AccessSettings,
    Action,
    RecordKind,
    Relation,
    Subject,
    Viewer,
    may,
    relations,
)
from bot.assistant.commands import Command
from dialogs.definition import Outcome
from dialogs.definitions.decision import ADVICE
from dialogs.messages import Inbound, Outbound
from policies.packs import PolicyPack
from storage.records import Person
from storage.store import Transaction

CASE_DIALOGS = {"prep": RecordKind.CASE_PREP, "ears-case": RecordKind.CASE_PREP}
OUTCOME_KINDS = {
    "prep": RecordKind.CASE_PREP,
    "ears-case": RecordKind.PERSONAL,
    "ears-professional": RecordKind.PERSONAL,
    "checkin": RecordKind.PERSONAL,
    "decision": RecordKind.DECISION,
}
MAY_ACKNOWLEDGE = {Relation.ALLOCATED, Relation.SUPERVISOR, Relation.LINE_MANAGER}


def viewer_of(inbound: Inbound) -> Viewer:
    """The person a channel (or the console) resolved, named by the channel it came through."""
    return Viewer.person(inbound.person_id, via=inbound.channel)


def case_refused(
    tx: Transaction,
    viewer: Viewer,
    command: Command,
    now: datetime,
    settings: AccessSettings,
    policy: str,
) -> Outbound | None:
    """A refusal when the command works on a case the person may not work on, else None.
    `policy` is the person's council (pack name), for a per-council case scope."""
    case_ref = command.context.get("case_ref")
    if case_ref is None or command.dialog not in (*CASE_DIALOGS, "decision"):
        return None
    kind = CASE_DIALOGS.get(command.dialog, RecordKind.DECISION)
    scope = settings.scope_for(policy)
    subject = Subject(case_ref=case_ref)
    if may(tx, viewer, Action.CHANGE, kind, subject, case_scope=scope).allowed:
        return None  # the record is audited when the dialog stores it
    audit.record(tx, viewer, "change", kind.value, subject, now, allowed=False)
    work = "log decisions" if kind is RecordKind.DECISION else "prepare"
    return Outbound(
        f"You can {work} only on cases allocated to you or to someone you supervise or "
        f"manage{' (or to your team)' if scope == 'team' else ''}. I can't open {case_ref} "
        "for you; if it should be yours, ask your team manager to check the case allocation."
    )


def acknowledger_problem(tx: Transaction, outcome: Outcome) -> str | None:
    """Why the person named to acknowledge a decision may not (None: they may, or nobody
    was named). They must be in the directory and allocated to the case or supervise it."""
    named = str(outcome.answers.get("acknowledge_by") or "").strip()
    if not named:
        return None
    case_ref = outcome.context["case_ref"]
    recorder_known = tx.person(outcome.person_id) is not None
    if tx.person(named) is None:
        if not recorder_known and tx.case(case_ref) is None:
            return None  # the console's demo: nobody is in the directory
        return (
            f"I can't ask {named} to acknowledge this decision: there is nobody with that id "
            "in the directory. Nothing was stored."
        )
    if named == outcome.person_id:
        return "You can't acknowledge your own decision: name the other party. Nothing was stored."
    if not relations(tx, named, Subject(case_ref=case_ref)) & MAY_ACKNOWLEDGE:
        return (
            f"I can't ask {named} to acknowledge a decision on {case_ref}: they must be "
            "allocated to the case or supervise it. Nothing was stored."
        )
    return None


def audit_outcome(
    tx: Transaction, viewer: Viewer, outcome: Outcome, new_id: int | None, now: datetime
) -> None:
    """One audit row for a record a dialog has just stored."""
    kind = OUTCOME_KINDS.get(outcome.kind, RecordKind.PERSONAL)
    case_ref = outcome.context.get("case_ref")
    if outcome.kind == "decision" and new_id is not None:
        record_id = str(new_id)
    else:
        record_id = f"{outcome.kind}:{case_ref or outcome.person_id}"
    subject = Subject(person_id=outcome.person_id)
    audit.record(tx, viewer, "change", kind.value, subject, now, record_id=record_id)


def audit_change(
    tx: Transaction, viewer: Viewer, kind: RecordKind, record_id: str, now: datetime
) -> None:
    """One audit row for a change made by a command (agenda edit, sign-off, action)."""
    subject = Subject(person_id=viewer.person_id)
    audit.record(tx, viewer, "change", kind.value, subject, now, record_id=record_id)


def decision_refused(
    pack: PolicyPack, person: Person | None, context: Mapping[str, str]
) -> str | None:
    """Why someone whose case work is advice, not management (the pack's `[case_advice]`:
    Southwark's ASYE assessors and practice educators), may not log a management decision;
    None when they may, or when they are recording advice."""
    advice = pack.case_advice
    if advice is None or person is None or person.role not in advice.roles or context.get(ADVICE):
        return None
    return (
        f"Management decisions stay with the manager ({pack.council} policy, "
        f"{advice.cite.split(':')[0]}). Record your advice and guidance as a case note copied "
        f"to the manager instead: /decision {context['case_ref']} advice"
    )
