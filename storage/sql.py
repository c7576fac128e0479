"""The SQLAlchemy implementation of the storage interface (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError

from dialogs.conversation import Conversation
from dialogs.definition import Outcome
from storage import conversations
from storage.actions import ActionsSql
from storage.agenda_edits import AgendaEditsSql
from storage.audit import AuditEntry, AuditSql
from storage.case_events import CaseEventsSql
from storage.chat import ChatSql
from storage.committer import GroupCommitter
from storage.db import BUSY_SECONDS, database_file
from storage.decisions import DecisionsSql
from storage.directory import DirectorySql
from storage.errors import ConcurrentUpdate, StorageError
from storage.findings import FindingsSql
from storage.inbox import InboxSql, RepliesSql
from storage.kept_figures import KeptFiguresSql
from storage.outbox import OutboxSql
from storage.outcomes import ears_fields, prep_fields, shared_only, wellbeing_fields
from storage.oversight import OversightSql
from storage.person_events import PersonEventsSql
from storage.records import (
    Action,
    AgendaEdits,
    Case,
    CaseEvent,
    Decision,
    OutboxItem,
    Person,
    PrepNote,
    Reflection,
    RotaEntry,
    Session,
    SharedWellbeing,
)
from storage.retention import RetentionSql
from storage.rota import RotaSql
from storage.sign_in import SignInSql
from storage.signoff import SignoffSql
from storage.store import T, Transaction
from storage.subject import SubjectSql
from storage.tables import (
    Base,
    EarsReflectionRow,
    PrepNoteRow,
    WellbeingCheckinRow,
)
from storage.unusable import unusable
from storage.writer_turns import WriterTurn

# PostgreSQL worker threads, each with a connection held open (the pool keeps 10).
POSTGRES_THREADS = 4
OUTCOME_TABLES: dict[str, tuple[type[Base], Callable[[Outcome], dict[str, Any]]]] = {
    "prep": (PrepNoteRow, prep_fields),
    "ears-case": (EarsReflectionRow, ears_fields),
    "ears-professional": (EarsReflectionRow, ears_fields),
    "checkin": (WellbeingCheckinRow, wellbeing_fields),
}


# Built once: the statement's cache key is memoised, its compiled form cached by the engine.
OUTCOME_INSERTS = {table: insert(table) for table, _ in OUTCOME_TABLES.values()}


class SqlTransaction:
    """One database transaction; see `storage.store.Transaction` for the contract."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self.directory = DirectorySql(connection)
        self.outbox = OutboxSql(connection)
        self._decisions = DecisionsSql(connection)
        self.events = CaseEventsSql(connection)
        self.person_events = PersonEventsSql(connection)
        self.rota = RotaSql(connection)
        self._signoff = SignoffSql(connection)
        self._actions = ActionsSql(connection)
        self.agendas = AgendaEditsSql(connection)
        self.chat = ChatSql(connection)
        self.subjects = SubjectSql(connection)
        self.retention = RetentionSql(connection)
        self.oversight = OversightSql(connection)
        self.kept_figures = KeptFiguresSql(connection)
        self.audit_log = AuditSql(connection)
        self.sign_in = SignInSql(connection)
        self.findings = FindingsSql(connection)
        self.inbox = InboxSql(connection)
        self.replies = RepliesSql(connection)

    def claim_message(self, channel: str, message_id: str, now: datetime) -> bool:
        return conversations.claim_message(self._db, channel, message_id, now)

    def load_conversation(self, person_id: str) -> Conversation | None:
        return conversations.load(self._db, person_id)

    def save_conversation(self, conversation: Conversation, now: datetime) -> Conversation:
        return conversations.save(self._db, conversation, now)

    def delete_conversation(self, conversation: Conversation) -> None:
        conversations.remove(self._db, conversation)

    def add_outcome(self, outcome: Outcome) -> int | None:
        if outcome.kind == "decision":
            self.events.from_decision(outcome)
            return self._decisions.add(outcome)
        table, fields = OUTCOME_TABLES[outcome.kind]
        self._db.execute(OUTCOME_INSERTS[table], fields(outcome))
        return None

    def decisions(
        self,
        *,
        ids: list[int] | None = None,
        case_ref: str | None = None,
        person_id: str | None = None,
        since: datetime | None = None,
    ) -> list[Decision]:
        return self._decisions.find(ids=ids, case_ref=case_ref, person_id=person_id, since=since)

    def respond_to_decision(
        self, decision_id: int, person_id: str, kind: str, text: str | None, now: datetime
    ) -> int:
        return self._decisions.respond(decision_id, person_id, kind, text, now)

    def case_events(self, person_id: str) -> list[CaseEvent]:
        return self.events.open([person_id])

    def supervisor_changed(self, person_id: str) -> date | None:
        person = self.directory.person(person_id)
        changes = self.person_events.supervisor_changes([person_id])
        mine = [c.on for c in changes if person and c.supervisor_id == person.supervisor_id]
        return mine[-1] if mine else None

    def last_held(self, person_id: str, kind: str) -> date | None:
        return self.directory.last_held(kind, person_id).get(person_id)

    def supervision_history(
        self, person_id: str
    ) -> tuple[date | None, list[tuple[Case, date | None]]]:
        return self.directory.history_of(person_id)

    def sessions_on(self, supervisee_id: str, day: date) -> list[Session]:
        return self._signoff.sessions_on(supervisee_id, day)

    def reflections(self, person_id: str, limit: int) -> list[Reflection]:
        table = EarsReflectionRow
        rows = self._db.execute(
            select(table.variant, table.case_ref, table.answers, table.completed_at)
            .where(table.person_id == person_id)
            .order_by(table.id.desc())
            .limit(limit)
        ).all()
        return [Reflection(v, c, a, _aware(at)) for v, c, a, at in rows]

    def on_leave(self, person_id: str, day: date) -> bool:
        return person_id in self.directory.on_leave(day)

    def save_session(self, session: Session) -> None:
        self.directory.upsert_sessions([session])

    def add_session_event(
        self, session: Session, kind: str, person_id: str, text: str | None, now: datetime
    ) -> None:
        self._signoff.add_event(session, kind, person_id, text, now)

    def session_events(self, session: Session) -> list[tuple[str, str, str | None]]:
        return self._signoff.events(session)

    def add_action(self, action: Action, now: datetime) -> int:
        return self._actions.add(action, now)

    def open_actions(self, supervisee_id: str) -> list[Action]:
        return self._actions.open_for(supervisee_id=supervisee_id)

    def open_actions_owned_by(self, owner: str) -> list[Action]:
        return self._actions.open_for(owner=owner)

    def close_action(self, action_id: int, person_id: str, now: datetime) -> Action | None:
        return self._actions.close(action_id, person_id, now)

    def agenda_edits(self, person_id: str) -> AgendaEdits | None:
        return self.agendas.get(person_id)

    def save_agenda_edits(self, edits: AgendaEdits) -> None:
        self.agendas.save(edits)

    def rota_sessions(self, team: str, start: date) -> list[RotaEntry]:
        return self.rota.sessions(team=team, start=start)

    def notify(self, person_id: str, kind: str, subject: str, text: str, now: datetime) -> None:
        key = f"{person_id}|{kind}|{subject}|{now.date().isoformat()}"
        self.outbox.enqueue(
            [OutboxItem(key, person_id, kind, None, now.date(), text)],
            now.date(),
            token=None,
            now=None,
        )

    def latest_prep_notes(self, person_id: str) -> list[PrepNote]:
        rows = self._db.execute(
            select(PrepNoteRow).where(PrepNoteRow.person_id == person_id).order_by(PrepNoteRow.id)
        )
        latest: dict[str, PrepNote] = {}
        for row in rows:
            latest.pop(row.case_ref, None)  # re-insert so the order follows the newest note
            latest[row.case_ref] = PrepNote(
                case_ref=row.case_ref,
                variant=row.variant,
                answers=row.answers,
                needs_ad_hoc=row.needs_ad_hoc,
                completed_at=_aware(row.completed_at),
            )
        return list(latest.values())

    def person(self, person_id: str) -> Person | None:
        return self.directory.person(person_id)

    def shared_wellbeing(self, person_id: str) -> SharedWellbeing | None:
        row = (
            self._db.execute(
                select(
                    WellbeingCheckinRow.answers,
                    WellbeingCheckinRow.shared,
                    WellbeingCheckinRow.completed_at,
                )
                .where(WellbeingCheckinRow.person_id == person_id)
                .order_by(WellbeingCheckinRow.id.desc())
                .limit(1)
            )
        ).one_or_none()
        if row is None or not row.shared:
            return None
        return SharedWellbeing(shared_only(row.answers, row.shared), _aware(row.completed_at))

    def case(self, ref: str) -> Case | None:
        return self.directory.case(ref)

    def audit(self, entry: AuditEntry) -> AuditEntry:
        return self.audit_log.append(entry)

    def audit_many(self, entries: Sequence[AuditEntry]) -> None:
        """Append several entries at once (one lock, one tail read, one insert)."""
        self.audit_log.append_many(entries)

    def audit_entries(
        self,
        *,
        actor: str | None = None,
        subject: str | None = None,
        record_kind: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        return self.audit_log.entries(
            actor=actor, subject=subject, record_kind=record_kind, since=since, limit=limit
        )


class SqlStore:
    """A `Store` over a SQLAlchemy engine (built by `storage.db.create_engine`).

    Units of work go to a `GroupCommitter`: one worker thread on SQLite (it has one writer
    anyway), `threads` on PostgreSQL, each keeping its connection open between transactions.
    """

    def __init__(self, *, engine: Engine, threads: int | None = None) -> None:
        self.engine = engine
        if threads is None:
            threads = 1 if engine.dialect.name == "sqlite" else POSTGRES_THREADS
        self._file = database_file(engine)
        self.committer = GroupCommitter(
            engine, threads=threads, turns=self._writer_turn(), inline=self._file is not None
        )

    def _writer_turn(self) -> Callable[[], WriterTurn] | None:
        """A SQLite file's transactions take turns with our other processes' (see
        `storage.writer_turns`); PostgreSQL wakes a lock's waiters itself."""
        if self._file is None:
            return None
        path = self._file.path
        return lambda: WriterTurn(path, BUSY_SECONDS)

    async def run(self, work: Callable[[Transaction], T]) -> T:
        return await self.run_sql(work, small=True)

    async def run_sql(
        self, work: Callable[[SqlTransaction], T], *, urgent: bool = False, small: bool = False
    ) -> T:
        """Like `run`, for work that needs the SQL-only parts (directory, outbox). `urgent`
        work (what a channel must commit before acknowledging) is committed before any
        other work waiting. `small` work (a turn, an inbox row: never a report or a sweep)
        may run on this thread when the store is idle (storage/committer.py).

        Raises:
            DatabaseUnusable: read-only, full, or (SQLite) its file deleted or replaced,
                checked again after the commit: a result is only returned for work the
                database at the configured path holds.
            StorageError: anything else (busy, unreachable): worth trying again.
        """
        try:
            unit = lambda db: work(SqlTransaction(db))  # noqa: E731
            result: T = await self.committer.run(unit, urgent=urgent, small=small)
        except ConcurrentUpdate:
            raise
        except SQLAlchemyError as exc:
            raise unusable(exc) or StorageError(str(exc)) from exc
        if self._file is not None:
            self._file.check()
        return result

    async def read_sql(self, work: Callable[[SqlTransaction], T]) -> T:
        """Run `work`, which only reads, on one consistent snapshot of the database (a
        report read in several statements must not see a write land between two of them),
        on a connection of its own beside the committer's: a long read (the sweep's load,
        seconds at national scale) does not hold up the writes queued behind it, such as
        the inbox commit an acknowledgement waits for. PostgreSQL: a REPEATABLE READ
        transaction. A SQLite file: a deferred transaction, which in WAL mode reads one
        snapshot and takes no write lock. (SQLite in memory: `run_sql`, its only connection.)

        Raises: as `run_sql`."""
        if self.engine.dialect.name != "postgresql" and self._file is None:
            return await self.run_sql(work)
        try:
            result = await asyncio.to_thread(self._read_snapshot, work)
        except (SQLAlchemyError, sqlite3.Error) as exc:  # the latter: the driver's BEGIN, below
            # Not `unusable`: a read-only or full database does not stop a read, and the
            # read-only refusal here is of a write the caller should not have made.
            raise StorageError(str(exc)) from exc
        if self._file is not None:
            self._file.check()
        return result

    def _read_snapshot(self, work: Callable[[SqlTransaction], T]) -> T:
        """`work` in a read-only transaction: a write would bypass the committer."""
        connect = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            read_only = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
            connect = connect.execution_options(**read_only)
        with connect as connection:
            if self._file is None:
                with connection.begin():
                    return work(SqlTransaction(connection))
            driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
            driver.execute("PRAGMA query_only = ON")
            try:
                # Before SQLAlchemy's begin, whose BEGIN IMMEDIATE would take the write lock.
                driver.execute("BEGIN")
                with connection.begin():
                    return work(SqlTransaction(connection))
            finally:
                driver.execute("PRAGMA query_only = OFF")  # the pool lends it to writers too

    async def ping(self) -> None:
        """Raise StorageError unless the database answers a trivial query (readiness)."""
        await asyncio.to_thread(self._ping)

    def _ping(self) -> None:
        if self._file is not None:
            self._file.check()
        try:
            connection = self.engine.raw_connection()  # no transaction: takes no write lock
            try:
                cursor = connection.cursor()
                cursor.execute("SELECT 1")
                cursor.close()
            finally:
                connection.close()
        except Exception as exc:  # a raw connection raises the driver's own errors too
            cause = getattr(exc, "orig", None) or exc
            raise StorageError(f"the database did not answer ({type(cause).__name__})") from exc

    async def close(self) -> None:
        await asyncio.to_thread(self.committer.close)
        await asyncio.to_thread(self.engine.dispose)


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
