"""The storage interface: a `Store` runs a unit of work in one transaction.

A unit of work is a plain function of a `Transaction`. `Store.run` executes it in a worker
thread on a connection of its own and commits when it returns, or rolls back when it raises
(on an idle SQLite file, a turn runs on the caller's thread instead: storage/inline.py).
Why not an async driver: one thread hop per transaction is about five times faster on SQLite
than aiosqlite's hop per statement (see benchmarks/README.md), and a turn's work between
reads and writes is pure computation anyway.

`storage.sql.SqlStore` implements it with SQLAlchemy (SQLite or PostgreSQL);
`storage.memory.MemoryStore` in memory, for unit tests. One contract suite runs against all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol, TypeVar

from dialogs.conversation import Conversation
from dialogs.definition import Outcome
from storage.audit import AuditEntry
from storage.records import (
    Action,
    AgendaEdits,
    Case,
    CaseEvent,
    Decision,
    Person,
    PrepNote,
    Reflection,
    RotaEntry,
    Session,
    SharedWellbeing,
)

T = TypeVar("T")


class Transaction(Protocol):
    """Everything one turn reads or writes, committed together or not at all."""

    def claim_message(self, channel: str, message_id: str, now: datetime) -> bool:
        """Record a channel message id; False if it was already handled."""
        ...

    def load_conversation(self, person_id: str) -> Conversation | None:
        """The person's dialog in progress, if any."""
        ...

    def save_conversation(self, conversation: Conversation, now: datetime) -> Conversation:
        """Store the conversation and return it with its new version.

        Raises:
            ConcurrentUpdate: another writer stored a newer version first.
        """
        ...

    def delete_conversation(self, conversation: Conversation) -> None:
        """Remove a finished or cancelled conversation (ConcurrentUpdate if stale)."""
        ...

    def add_outcome(self, outcome: Outcome) -> int | None:
        """Store what a completed dialog produced; returns a decision's new id."""
        ...

    def decisions(
        self,
        *,
        ids: list[int] | None = None,
        case_ref: str | None = None,
        person_id: str | None = None,
        since: datetime | None = None,
    ) -> list[Decision]:
        """Decisions matching every filter given, oldest first, with their responses."""
        ...

    def respond_to_decision(
        self, decision_id: int, person_id: str, kind: str, text: str | None, now: datetime
    ) -> int:
        """Append an acknowledgement or a dispute (nothing is ever overwritten); its id."""
        ...

    def case_events(self, person_id: str) -> list[CaseEvent]:
        """Decisions on the person's cases their pack may want discussed (closure, transfer,
        CP or legal planning), not yet followed by a case supervision of the case."""
        ...

    def supervisor_changed(self, person_id: str) -> date | None:
        """When the person's supervisor last changed to the one they have now, if a people
        import recorded it (a new supervision agreement may be due: Somerset 7.2)."""
        ...

    def last_held(self, person_id: str, kind: str) -> date | None:
        """The day of the person's last held session of a kind (agreement: the last
        supervision agreement signed; observation: the last direct observation)."""
        ...

    def supervision_history(
        self, person_id: str
    ) -> tuple[date | None, list[tuple[Case, date | None]]]:
        """The person's last held individual supervision, and their open cases each with its
        last held case supervision."""
        ...

    def sessions_on(self, supervisee_id: str, day: date) -> list[Session]:
        """The person's held individual and case sessions on a day."""
        ...

    def reflections(self, person_id: str, limit: int) -> list[Reflection]:
        """The person's latest saved EARS reflections, newest first."""
        ...

    def on_leave(self, person_id: str, day: date) -> bool:
        """Whether the person is on leave on `day`."""
        ...

    def save_session(self, session: Session) -> None:
        """Store a session (booked, held or cancelled), replacing one with the same key."""
        ...

    def add_session_event(
        self, session: Session, kind: str, person_id: str, text: str | None, now: datetime
    ) -> None:
        """Append a record event (written, agreed, disputed, closed-as-agreed); never overwrites."""
        ...

    def session_events(self, session: Session) -> list[tuple[str, str, str | None]]:
        """A session record's events, oldest first: (kind, person, text)."""
        ...

    def add_action(self, action: Action, now: datetime) -> int:
        """Record an action agreed in supervision; returns its number."""
        ...

    def open_actions(self, supervisee_id: str) -> list[Action]:
        """Open actions of a supervisee's supervision, earliest due first."""
        ...

    def open_actions_owned_by(self, owner: str) -> list[Action]:
        """Open actions this person owns, in anyone's supervision."""
        ...

    def close_action(self, action_id: int, person_id: str, now: datetime) -> Action | None:
        """Close an open action (kept, with who closed it); None if there is none open."""
        ...

    def agenda_edits(self, person_id: str) -> AgendaEdits | None:
        """How the person has arranged their agenda, if they have."""
        ...

    def save_agenda_edits(self, edits: AgendaEdits) -> None:
        """Store the person's arrangement (and what they sent)."""
        ...

    def rota_sessions(self, team: str, start: date) -> list[RotaEntry]:
        """A team's planned group supervision sessions from `start`."""
        ...

    def notify(self, person_id: str, kind: str, subject: str, text: str, now: datetime) -> None:
        """Queue a message for another person (sent with their next reminder dispatch)."""
        ...

    def latest_prep_notes(self, person_id: str) -> list[PrepNote]:
        """The newest confirmed preparation per case reference, most recently updated last."""
        ...

    def person(self, person_id: str) -> Person | None:
        """The person's directory entry, if they were imported."""
        ...

    def shared_wellbeing(self, person_id: str) -> SharedWellbeing | None:
        """The shared part of the person's latest check-in; private answers never leave."""
        ...

    def case(self, ref: str) -> Case | None:
        """The imported case with this reference, if any."""
        ...

    def audit(self, entry: AuditEntry) -> AuditEntry:
        """Append one entry to the hash-chained audit trail (storage/audit.py)."""
        ...

    def audit_entries(
        self,
        *,
        actor: str | None = None,
        subject: str | None = None,
        record_kind: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Audit entries matching every filter given, oldest first (`limit`: the newest N)."""
        ...


class Store(Protocol):
    """Runs units of work against one database."""

    async def run(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one transaction and return its result once committed."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
