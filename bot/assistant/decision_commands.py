"""Acknowledging, disputing and listing management decisions (run inside a turn's transaction)."""

from __future__ import annotations

from datetime import datetime

from bot.assistant import audit
from bot.assistant.access import Action, RecordKind, Subject, Viewer
from bot.assistant.commands import Command
from bot.assistant.names import name_of
from dialogs.answers import InvalidAnswer, clean_text
from dialogs.messages import Outbound
from storage.records import Decision
from storage.store import Transaction

MAX_REASON = 4000


def respond(tx: Transaction, viewer: Viewer, command: Command, now: datetime) -> Outbound:
    """Record an acknowledgement or a dispute by the person asked to acknowledge. A number
    that does not exist and one sent to someone else get the same answer."""
    person_id = viewer.person_id or ""
    found = tx.decisions(ids=[int(command.context["id"])])
    if not found or found[0].acknowledge_by != person_id:
        return Outbound(
            f"There is no decision {command.context['id']} waiting for you to acknowledge."
        )
    decision = found[0]
    text = None
    if command.name == "dispute":
        try:
            text = clean_text(command.context["text"], max_chars=MAX_REASON)
        except InvalidAnswer as problem:
            return Outbound(str(problem))
    kind = "acknowledged" if command.name == "acknowledge" else "disputed"
    response_id = tx.respond_to_decision(decision.id, person_id, kind, text, now)
    audit.record(
        tx, viewer, "change", "decision-response", Subject(person_id=decision.recorded_by), now,
        record_id=str(response_id),
    )  # fmt: skip
    tx.notify(
        decision.recorded_by,
        f"decision-{kind}",
        str(decision.id),
        _told(decision, name_of(tx, person_id), kind, text),
        now,
    )
    return Outbound(
        f"Recorded: you {kind} decision {decision.id} on {decision.case_ref}."
        + (" Your disagreement is kept with the decision; it is never overwritten." if text else "")
    )


def listing(tx: Transaction, viewer: Viewer, command: Command, now: datetime) -> Outbound:
    """The person's decisions (recorded by them or sent to them); with a case reference,
    every decision on that case if the access table lets them read the case's decisions."""
    case_ref = command.context.get("case_ref")
    person_id: str | None = viewer.person_id or ""
    if case_ref is not None and tx.case(case_ref) is not None:
        subject = Subject(case_ref=case_ref)
        if audit.check(tx, viewer, Action.READ, RecordKind.DECISION, subject, now).allowed:
            person_id = None  # everyone's decisions on a case they may read
    found = tx.decisions(person_id=person_id, case_ref=case_ref)
    if not found:
        return Outbound("No decisions found.")
    return Outbound("\n".join(summary(d) for d in found))


def summary(decision: Decision) -> str:
    """One line: number, case, date, the option chosen, and where it stands."""
    state = decision.responses[-1].kind if decision.responses else "awaiting acknowledgement"
    corrects = f" (corrects {decision.corrects_id})" if decision.corrects_id else ""
    chosen = decision.answers.get("chosen")
    return f"{decision.id}. {decision.case_ref}, {decision.created_at:%d %b %Y}{corrects}: {chosen} [{state}]"


def request(decision_id: int, recorder: str, case_ref: str) -> str:
    """The message asking the other party to acknowledge."""
    return (
        f"{recorder} recorded management decision {decision_id} on {case_ref} and asks you to acknowledge it. "
        f"Reply /acknowledge {decision_id}, or /dispute {decision_id} REASON if you disagree."
    )


def _told(decision: Decision, person_id: str, kind: str, text: str | None) -> str:
    return f"{person_id} {kind} decision {decision.id} on {decision.case_ref}." + (
        f" Their reason: {text}" if text else ""
    )
