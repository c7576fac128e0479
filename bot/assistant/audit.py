"""The audit trail's small API: check access and record it, in the caller's transaction.

    verdict = audit.check(tx, viewer, Action.READ, RecordKind.AGENDA, Subject(person_id="sw1"), now)
    if not verdict.allowed: ...refuse...

`check` asks `access.may` and appends one audit row when the table says the access must be
audited (another person's record, any change, any administrator action) or when it is
refused. `record` appends a row for something already decided (an export, an import).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.assistant.access import Action, Decision, Directory, RecordKind, Subject, Viewer, may
from storage.audit import AuditEntry
from storage.store import Transaction

RECORD_ID_CHARS = 200  # the column's size (storage.tables.AuditRow): a longer id is cut


class Auditing(Directory, Protocol):
    """A directory that can also append to the audit trail (every `Transaction` is one)."""

    def audit(self, entry: AuditEntry) -> AuditEntry: ...


def check(
    tx: Auditing,
    viewer: Viewer,
    action: Action,
    kind: RecordKind,
    subject: Subject,
    now: datetime,
    *,
    case_scope: str = "allocated",
    record_id: str | None = None,
    audit_as: str | None = None,
) -> Decision:
    """`access.may`, and the audit row it calls for (refusals are always recorded);
    `audit_as` names the row's action when it is more than a read ("export")."""
    verdict = may(tx, viewer, action, kind, subject, case_scope=case_scope)
    if verdict.audit or not verdict.allowed:
        record(
            tx,
            viewer,
            audit_as or action.value,
            kind.value,
            subject,
            now,
            allowed=verdict.allowed,
            record_id=record_id,
        )
    return verdict


def record(
    tx: Auditing,
    viewer: Viewer,
    action: str,
    kind: str,
    subject: Subject,
    now: datetime,
    *,
    allowed: bool = True,
    record_id: str | None = None,
) -> AuditEntry:
    """Append one audit row: when, who, what (kind and id), whose, through what, allowed."""
    return tx.audit(
        AuditEntry(
            at=now,
            actor=viewer.actor,
            action=action,
            record_kind=kind,
            record_id=(record_id or subject.record_id)[:RECORD_ID_CHARS],
            subject=subject.person_id,
            via=viewer.via,
            allowed=allowed,
        )
    )


def seen_by_others(tx: Transaction, person_id: str, limit: int = 20) -> str:
    """ "Who has seen my records?": the newest reads of this person's records by others."""
    reads = [
        e
        for e in tx.audit_entries(subject=person_id, limit=200)
        if e.actor != person_id and e.action in ("read", "export") and e.allowed
    ][-limit:]
    if not reads:
        return "Nobody else has read your records through the assistant."
    lines = ["Who has read your records (newest last):"]
    lines += [
        f"- {e.at:%d %b %Y %H:%M} {_who(e.actor)}: {e.record_kind} {e.record_id}, via {e.via}"
        for e in reads
    ]
    return "\n".join(lines)


def _who(actor: str) -> str:
    return f"administrator ({actor.removeprefix('os:')})" if actor.startswith("os:") else actor
