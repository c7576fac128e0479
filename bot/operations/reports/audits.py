"""Case file audits: a reproducible dip sample of a month's supervision records, and audit
findings that return on the supervisee's next supervision agenda.

Seeds: Manchester 5.3 (lines 675-677): four supervisions of social workers a month are dip
sampled, and feedback reaches the person within 5 working days (5.2, lines 662-664);
Central Bedfordshire (lines 350-358): monthly audits of randomly selected cases, one per team
manager, with the learning recorded in the next case supervision under "case audit".

A sample is reproducible: the same month, scope, size and seed word draw the same records,
whoever runs it and whenever (the generator is seeded from a SHA-256 of those).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from bot.assistant.access import Relation, Subject, relations
from bot.operations.reports.model import Period
from storage.records import Action, Person, Session
from storage.sql import SqlTransaction

# The action's "why" names no council: the finding comes back on the agenda of whichever
# council's supervisee it is, and no pack's rule is borrowed for another.
FINDING_WHY = "an audit of a supervision record found it"
# Who may audit someone's records: their supervisor, their line management, a QA reader.
AUDITORS = {Relation.SUPERVISOR, Relation.LINE_MANAGER, Relation.QA}
MAX_FINDING = 2000


class AuditError(ValueError):
    """A finding that cannot be recorded as asked (unknown record, empty text)."""


@dataclass(frozen=True, slots=True)
class Sampled:
    session: Session
    supervisee: str
    supervisor: str


def seed_of(period: Period, scope: str, size: int, per_supervisor: bool, word: str) -> int:
    text = f"{period.label}|{scope}|{size}|{per_supervisor}|{word}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def draw(
    people: list[Person],
    sessions: list[Session],
    *,
    period: Period,
    scope: str,
    size: int,
    per_supervisor: bool = False,
    word: str = "",
) -> list[Sampled]:
    """`size` held individual or case supervision records of the period, at random
    (`per_supervisor`: `size` from each supervisor's sessions), in date order."""
    names = {p.id: p.name for p in people}
    candidates = sorted(
        (s for s in sessions if s.status == "held" and s.kind in {"individual", "case"}),
        key=lambda s: s.key,
    )
    rng = random.Random(seed_of(period, scope, size, per_supervisor, word))
    if per_supervisor:
        pools: dict[str, list[Session]] = defaultdict(list)
        for s in candidates:
            pools[s.supervisor_id].append(s)
        chosen = [
            s
            for boss in sorted(pools)
            for s in rng.sample(pools[boss], min(size, len(pools[boss])))
        ]
    else:
        chosen = rng.sample(candidates, min(size, len(candidates)))
    return [
        Sampled(
            s,
            names.get(s.supervisee_id or "", s.supervisee_id or ""),
            names.get(s.supervisor_id, s.supervisor_id),
        )
        for s in sorted(chosen, key=lambda s: (s.date, s.key))
    ]


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding recorded: its number, the action on the supervisee's agenda, whose record."""

    number: int
    action: int
    supervisee_id: str
    session_key: str


def record_finding(
    tx: SqlTransaction, key: str, recorded_by: str, text: str, now: datetime
) -> Finding:
    """Store a finding against the record of session `key`; it comes back as an action on
    the supervisee's agenda (under the pack's review of actions) until closed, and the
    supervisee is told."""
    finding = " ".join(text.split())
    if not finding or len(finding) > MAX_FINDING:
        raise AuditError(f"the finding must be 1 to {MAX_FINDING} characters")
    session = tx.findings.session(key)
    if session is None or session.supervisee_id is None:
        raise AuditError(
            f"no individual or case supervision record {key!r} (see sva report sample)"
        )
    _check_auditor(tx, recorded_by, session.supervisee_id)
    number = tx.findings.add(session, finding, recorded_by, now)
    held = session.date.isoformat()
    what = f"Case audit ({session.case_ref or 'personal supervision'}, record of {held}): {finding}"
    action = Action(
        0, session.supervisee_id, session.case_ref, session.supervisee_id, what, FINDING_WHY, None
    )
    action_id = tx.add_action(action, now)
    tx.notify(
        session.supervisee_id,
        "audit",
        f"finding-{number}",
        f"Feedback from the audit of your supervision record of {held}: {finding}\n"
        "It is on your next supervision agenda (action "
        f"{action_id}).",
        now,
    )
    return Finding(number, action_id, session.supervisee_id, session.key)


def _check_auditor(tx: SqlTransaction, auditor_id: str, supervisee_id: str) -> None:
    """The auditor must be in the directory, someone other than the supervisee, and their
    supervisor, in their line management or a QA reader (the finding goes on their agenda
    in the auditor's name)."""
    auditor = tx.person(auditor_id)
    if auditor is None:
        raise AuditError(f"--by: no person with id {auditor_id[:40]!r} in the directory")
    if auditor.id == supervisee_id:
        raise AuditError("--by: a record is audited by someone other than its supervisee")
    if not relations(tx, auditor.id, Subject(person_id=supervisee_id)) & AUDITORS:
        raise AuditError(
            f"--by: {auditor.name} is not {supervisee_id}'s supervisor, in their line "
            "management or a QA reader (access = qa), so cannot record audit findings on "
            "their records"
        )
