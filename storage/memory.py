"""An in-memory `Store` for unit tests; it keeps the same contract as `SqlStore`."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from dialogs.conversation import Conversation
from dialogs.definition import Outcome
from storage.audit import GENESIS, AuditEntry, chain_hash
from storage.case_events import NO_EVENT
from storage.decisions import recorded_answers
from storage.errors import ConcurrentUpdate
from storage.outcomes import ears_fields, prep_fields, shared_only, wellbeing_fields
from storage.records import (
    Action,
    AgendaEdits,
    Case,
    CaseEvent,
    Decision,
    DecisionResponse,
    Person,
    PrepNote,
    Reflection,
    RotaEntry,
    Session,
    SharedWellbeing,
    SupervisorChange,
)
from storage.store import T, Transaction


@dataclass
class _Tables:
    conversations: dict[str, Conversation] = field(default_factory=dict)
    messages: set[tuple[str, str]] = field(default_factory=set)
    prep_notes: list[dict[str, Any]] = field(default_factory=list)
    ears: list[dict[str, Any]] = field(default_factory=list)
    wellbeing: list[dict[str, Any]] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    notices: list[tuple[str, str, str, str]] = field(default_factory=list)
    rota: list[RotaEntry] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    session_events: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    agendas: dict[str, AgendaEdits] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    leave: list[tuple[str, date, date]] = field(default_factory=list)
    supervisor_changes: list[SupervisorChange] = field(default_factory=list)


class MemoryTransaction:
    """Works on a private copy of the tables; the store swaps it in on commit."""

    def __init__(self, tables: _Tables) -> None:
        self.tables = tables

    def claim_message(self, channel: str, message_id: str, now: datetime) -> bool:
        if (channel, message_id) in self.tables.messages:
            return False
        self.tables.messages.add((channel, message_id))
        return True

    def load_conversation(self, person_id: str) -> Conversation | None:
        stored = self.tables.conversations.get(person_id)
        return stored.copy() if stored else None

    def save_conversation(self, conversation: Conversation, now: datetime) -> Conversation:
        stored = self.tables.conversations.get(conversation.person_id)
        if (stored.version if stored else 0) != conversation.version:
            raise ConcurrentUpdate(conversation.person_id)
        saved = conversation.copy()
        saved.version += 1
        self.tables.conversations[conversation.person_id] = saved.copy()
        return saved

    def delete_conversation(self, conversation: Conversation) -> None:
        if conversation.version == 0:
            return
        stored = self.tables.conversations.get(conversation.person_id)
        if stored is None or stored.version != conversation.version:
            raise ConcurrentUpdate(conversation.person_id)
        del self.tables.conversations[conversation.person_id]

    def add_outcome(self, outcome: Outcome) -> int | None:
        if outcome.kind == "decision":
            return self._add_decision(outcome)
        if outcome.kind == "prep":
            self.tables.prep_notes.append(prep_fields(outcome))
        elif outcome.kind == "checkin":
            self.tables.wellbeing.append(wellbeing_fields(outcome))
        else:
            self.tables.ears.append(ears_fields(outcome))
        return None

    def case_events(self, person_id: str) -> list[CaseEvent]:
        """Events named by recorded decisions on the person's cases, until a held case
        supervision of the case on or after the day (as `storage.case_events`)."""
        found = []
        for decision in self.tables.decisions:
            event, case = decision.answers.get("event"), self.tables.cases.get(decision.case_ref)
            if not isinstance(event, str) or event in ("", NO_EVENT) or case is None:
                continue
            day = decision.created_at.date()
            discussed = any(
                s.kind == "case" and s.status == "held" and s.case_ref == case.ref and s.date >= day
                for s in self.tables.sessions
            )
            if case.worker_id == person_id and not discussed:
                found.append(CaseEvent(case.ref, case.worker_id, event, day))
        return sorted(set(found), key=lambda e: (e.on, e.case_ref, e.event))

    def supervisor_changed(self, person_id: str) -> date | None:
        """As `storage.sql`: the last recorded change to the person's current supervisor."""
        person = self.tables.people.get(person_id)
        mine = [
            c.on
            for c in self.tables.supervisor_changes
            if person and c.person_id == person_id and c.supervisor_id == person.supervisor_id
        ]
        return max(mine) if mine else None

    def _add_decision(self, outcome: Outcome) -> int:
        corrects = outcome.context.get("corrects")
        decision = Decision(
            id=len(self.tables.decisions) + 1,
            case_ref=outcome.context["case_ref"],
            recorded_by=outcome.person_id,
            acknowledge_by=outcome.answers.get("acknowledge_by"),  # type: ignore[arg-type]
            answers=recorded_answers(outcome),
            corrects_id=int(corrects) if corrects else None,
            created_at=outcome.completed_at,
        )
        self.tables.decisions.append(decision)
        return decision.id

    def decisions(
        self,
        *,
        ids: list[int] | None = None,
        case_ref: str | None = None,
        person_id: str | None = None,
        since: datetime | None = None,
    ) -> list[Decision]:
        return [
            d
            for d in self.tables.decisions
            if (ids is None or d.id in ids)
            and (case_ref is None or d.case_ref == case_ref)
            and (person_id is None or person_id in (d.recorded_by, d.acknowledge_by))
            and (since is None or d.created_at >= since)
        ]

    def respond_to_decision(
        self, decision_id: int, person_id: str, kind: str, text: str | None, now: datetime
    ) -> int:
        index = decision_id - 1
        old = self.tables.decisions[index]
        response = DecisionResponse(person_id, kind, text, now)
        self.tables.decisions[index] = replace(old, responses=(*old.responses, response))
        return sum(len(d.responses) for d in self.tables.decisions)

    def supervision_history(
        self, person_id: str
    ) -> tuple[date | None, list[tuple[Case, date | None]]]:
        return None, []  # the memory store keeps no sessions or cases

    def last_held(self, person_id: str, kind: str) -> date | None:
        held = (
            s.date
            for s in self.tables.sessions
            if s.supervisee_id == person_id and s.kind == kind and s.status == "held"
        )
        return max(held, default=None)

    def sessions_on(self, supervisee_id: str, day: date) -> list[Session]:
        return [
            s
            for s in self.tables.sessions
            if s.supervisee_id == supervisee_id
            and s.date == day
            and s.status == "held"
            and s.kind in ("individual", "case")
        ]

    def reflections(self, person_id: str, limit: int) -> list[Reflection]:
        mine = [r for r in self.tables.ears if r["person_id"] == person_id]
        return [
            Reflection(r["variant"], r["case_ref"], r["answers"], r["completed_at"])
            for r in reversed(mine[-limit:])
        ]

    def on_leave(self, person_id: str, day: date) -> bool:
        return any(p == person_id and a <= day <= b for p, a, b in self.tables.leave)

    def save_session(self, session: Session) -> None:
        kept = [s for s in self.tables.sessions if s.key != session.key]
        self.tables.sessions = [*kept, session]

    def add_session_event(
        self, session: Session, kind: str, person_id: str, text: str | None, now: datetime
    ) -> None:
        self.tables.session_events.append((session.key, kind, person_id, text))

        def updated(s: Session) -> Session:
            if s.key != session.key:
                return s
            if kind == "written":
                return replace(s, recorded_on=now.date())
            return (
                replace(s, signed_off_on=now.date())
                if kind in ("agreed", "closed-as-agreed")
                else s
            )

        self.tables.sessions = [updated(s) for s in self.tables.sessions]

    def session_events(self, session: Session) -> list[tuple[str, str, str | None]]:
        return [(k, p, t) for key, k, p, t in self.tables.session_events if key == session.key]

    def add_action(self, action: Action, now: datetime) -> int:
        stored = replace(action, id=len(self.tables.actions) + 1)
        self.tables.actions.append(stored)
        return stored.id

    def open_actions(self, supervisee_id: str) -> list[Action]:
        mine = [
            a
            for a in self.tables.actions
            if a.supervisee_id == supervisee_id and a.closed_by is None
        ]
        return sorted(mine, key=lambda a: (a.due is None, a.due or date.max, a.id))

    def open_actions_owned_by(self, owner: str) -> list[Action]:
        return [a for a in self.tables.actions if a.owner == owner and a.closed_by is None]

    def close_action(self, action_id: int, person_id: str, now: datetime) -> Action | None:
        for index, action in enumerate(self.tables.actions):
            if action.id == action_id and action.closed_by is None:
                self.tables.actions[index] = replace(action, closed_by=person_id)
                return self.tables.actions[index]
        return None

    def agenda_edits(self, person_id: str) -> AgendaEdits | None:
        return self.tables.agendas.get(person_id)

    def save_agenda_edits(self, edits: AgendaEdits) -> None:
        self.tables.agendas[edits.person_id] = edits

    def rota_sessions(self, team: str, start: date) -> list[RotaEntry]:
        return sorted(
            (e for e in self.tables.rota if e.team == team and e.date >= start),
            key=lambda e: e.date,
        )

    def notify(self, person_id: str, kind: str, subject: str, text: str, now: datetime) -> None:
        self.tables.notices.append((person_id, kind, subject, text))

    def latest_prep_notes(self, person_id: str) -> list[PrepNote]:
        latest: dict[str, PrepNote] = {}
        for row in (r for r in self.tables.prep_notes if r["person_id"] == person_id):
            latest.pop(row["case_ref"], None)
            latest[row["case_ref"]] = PrepNote(
                row["case_ref"],
                row["variant"],
                row["answers"],
                row["needs_ad_hoc"],
                row["completed_at"],
            )
        return list(latest.values())

    def person(self, person_id: str) -> Person | None:
        return self.tables.people.get(person_id)

    def shared_wellbeing(self, person_id: str) -> SharedWellbeing | None:
        mine = [r for r in self.tables.wellbeing if r["person_id"] == person_id]
        if not mine or not mine[-1]["shared"]:
            return None
        return SharedWellbeing(
            shared_only(mine[-1]["answers"], mine[-1]["shared"]), mine[-1]["completed_at"]
        )

    def case(self, ref: str) -> Case | None:
        return self.tables.cases.get(ref)

    def audit(self, entry: AuditEntry) -> AuditEntry:
        prev = self.tables.audit[-1].hash if self.tables.audit else GENESIS
        chained = replace(
            entry, id=len(self.tables.audit) + 1, prev_hash=prev, hash=chain_hash(entry, prev)
        )
        self.tables.audit.append(chained)
        return chained

    def audit_entries(
        self,
        *,
        actor: str | None = None,
        subject: str | None = None,
        record_kind: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        found = [
            e
            for e in self.tables.audit
            if actor in (None, e.actor)
            and subject in (None, e.subject)
            and record_kind in (None, e.record_kind)
            and (since is None or e.at >= since)
        ]
        return found[-limit:] if limit else found


class MemoryStore:
    """Runs one unit of work at a time; a failed one leaves nothing behind."""

    def __init__(self) -> None:
        self.tables = _Tables()
        self._lock = threading.Lock()

    async def run(self, work: Callable[[Transaction], T]) -> T:
        with self._lock:
            transaction = MemoryTransaction(copy.deepcopy(self.tables))
            result = work(transaction)
            self.tables = transaction.tables
            return result

    async def close(self) -> None:
        return None
