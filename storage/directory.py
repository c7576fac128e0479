"""People, cases, sessions and leave: imports (upserts) and the reads the reminder sweep needs.

Reads return plain tuples and records in bulk: the sweep handles hundreds of thousands of
rows, so nothing here builds ORM objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from storage.prepared import Prepared
from storage.records import Case, Person, Session
from storage.tables import (
    CANCELLED,
    OPEN_RECORD,
    CaseRow,
    ChatIdentityRow,
    ChatReferenceRow,
    LeaveRow,
    PersonRow,
    SessionRow,
)

BATCH = 5_000
PERSON_COLUMNS = (
    PersonRow.id,
    PersonRow.name,
    PersonRow.role,
    PersonRow.team,
    PersonRow.policy,
    PersonRow.supervisor_id,
    PersonRow.started_on,
    PersonRow.case_holding,
)
SESSION_COLUMNS = (
    SessionRow.kind,
    SessionRow.date,
    SessionRow.supervisee_id,
    SessionRow.supervisor_id,
    SessionRow.case_ref,
    SessionRow.status,
    SessionRow.recorded_on,
    SessionRow.signed_off_on,
)
CASE_COLUMNS = (
    CaseRow.ref,
    CaseRow.worker_id,
    CaseRow.case_type,
    CaseRow.risk,
    CaseRow.allocated_on,
    CaseRow.key_worker,
)
T = TypeVar("T")
# Built once: asked on every turn (the access checks read the viewer, the case and the
# supervisor chain), so SQLAlchemy reuses their compiled form instead of rebuilding them.
# Read by the access checks of every command: Prepared statements (storage/prepared.py).
# A person and their chat identities in one statement (one row per identity, or one with
# none): on PostgreSQL each statement is a round trip, and a turn reads two or three people.
PERSON_BY_ID = Prepared(
    select(
        *PERSON_COLUMNS,
        PersonRow.access,
        ChatIdentityRow.channel,
        ChatIdentityRow.channel_user_id,
    )
    .outerjoin(ChatIdentityRow, ChatIdentityRow.person_id == PersonRow.id)
    .where(PersonRow.id == bindparam("id"), PersonRow.left_on.is_(None))
)
CASE_BY_REF = Prepared(select(*CASE_COLUMNS).where(CaseRow.ref == bindparam("ref")))
_REFRESH_LAST = (
    update(CaseRow)
    .where(CaseRow.ref.in_(bindparam("refs", expanding=True)))
    .values(
        last_case_supervision=select(func.max(SessionRow.date))
        .where(
            SessionRow.kind == "case",
            SessionRow.status == "held",
            SessionRow.case_ref == CaseRow.ref,
        )
        .scalar_subquery()
    )
)
# A case imported now can only lack the date if its sessions came first.
_REFRESH_NEW = _REFRESH_LAST.where(CaseRow.last_case_supervision.is_(None))
# PostgreSQL: lock the cases before writing their sessions. A refresh waiting for a case
# another transaction holds would, once it got the row, still read sessions as they were
# when it began; locking first makes the refresh a fresh statement that sees them.
_LOCK_CASES = (
    select(CaseRow.ref)
    .where(CaseRow.ref.in_(bindparam("refs", expanding=True)))
    .order_by(CaseRow.ref)
    .with_for_update()
)


class DirectorySql:
    """Directory queries on one open connection (inside the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    # -- imports --------------------------------------------------------------------------

    def upsert_people(self, people: Sequence[Person]) -> None:
        rows = [_person_row(p) for p in people]
        self._upsert(PersonRow.__table__, rows, ["id"])
        ids = [p.id for p in people]
        for chunk in _chunks(ids, BATCH):
            self._db.execute(delete(ChatIdentityRow).where(ChatIdentityRow.person_id.in_(chunk)))
        identities = [
            {"channel": c, "channel_user_id": u, "person_id": p.id}
            for p in people
            for c, u in p.chat
        ]
        self._upsert(ChatIdentityRow.__table__, identities, ["channel", "channel_user_id"])

    def mark_leavers(self, listed: set[str], teams: set[str], on: date) -> list[str]:
        """People of `teams` whom an import no longer lists have left on `on`: their chat
        identities and conversation references go at once (Manchester 2.4 and Bexley's
        transfer rule: their records stay, for the new supervisor or the archive)."""
        candidates = self._db.execute(
            select(PersonRow.id).where(PersonRow.team.in_(list(teams)), PersonRow.left_on.is_(None))
        ).scalars()
        leavers = sorted(set(candidates) - listed)
        for chunk in _chunks(leavers, BATCH):
            self._db.execute(update(PersonRow).where(PersonRow.id.in_(chunk)).values(left_on=on))
            self._db.execute(delete(ChatIdentityRow).where(ChatIdentityRow.person_id.in_(chunk)))
            self._db.execute(delete(ChatReferenceRow).where(ChatReferenceRow.person_id.in_(chunk)))
        return leavers

    def upsert_cases(self, cases: Sequence[Case]) -> None:
        cases = list({c.ref: c for c in cases}.values())  # a case twice (one row an event)
        rows = [
            {
                "ref": c.ref,
                "worker_id": c.worker_id,
                "case_type": c.case_type,
                "risk": c.risk,
                "allocated_on": c.allocated_on,
                "key_worker": c.key_worker,
            }
            for c in cases
        ]
        self._upsert(CaseRow.__table__, rows, ["ref"])
        for chunk in _chunks(sorted({c.ref for c in cases}), BATCH):
            self._db.execute(_REFRESH_NEW, {"refs": list(chunk)})

    def upsert_sessions(self, sessions: Iterable[Session]) -> None:
        """Insert or update sessions by key, and keep each case's last held case
        supervision (`cases.last_case_supervision`) true to them. The same session twice is
        written once (PostgreSQL refuses to update a row twice in one statement)."""
        sessions = list({s.key: s for s in sessions}.values())
        refs = sorted({s.case_ref for s in sessions if s.kind == "case" and s.case_ref})
        if self._db.dialect.name == "postgresql":
            for chunk in _chunks(refs, BATCH):
                self._db.execute(_LOCK_CASES, {"refs": list(chunk)})
        self._upsert(SessionRow.__table__, [session_row(s) for s in sessions], ["key"])
        # Worked out again, not just the newest date: a re-import may cancel a session.
        for chunk in _chunks(refs, BATCH):
            self._db.execute(_REFRESH_LAST, {"refs": list(chunk)})

    def add_leave(self, person_id: str, starts_on: date, ends_on: date) -> None:
        self._db.execute(
            insert(LeaveRow).values(person_id=person_id, starts_on=starts_on, ends_on=ends_on)
        )

    def leave_to_change(self, person_id: str) -> list[tuple[date, date]] | None:
        """The person's leave periods (start, end), the person's row locked until the end of
        the transaction so that two changes of their leave cannot interleave; None: no such
        person. (SQLite takes the write lock when the transaction begins.)"""
        found = self._db.execute(
            select(PersonRow.id).where(PersonRow.id == person_id).with_for_update()
        ).first()
        if found is None:
            return None
        return [(s, e) for _, s, e in self.leave_of([person_id])]

    def replace_leave(self, person_id: str, periods: Sequence[tuple[date, date]]) -> None:
        """The person's leave becomes exactly `periods` (start, end; both included)."""
        self._db.execute(delete(LeaveRow).where(LeaveRow.person_id == person_id))
        for starts_on, ends_on in periods:
            self.add_leave(person_id, starts_on, ends_on)

    def existing(self, column: Any, values: Iterable[str]) -> set[str]:
        """Which of `values` exist in `column` (e.g. PersonRow.id)."""
        found: set[str] = set()
        for chunk in _chunks(sorted(set(values)), BATCH):
            found.update(self._db.scalars(select(column).where(column.in_(chunk))))
        return found

    def chat_owners(self, channel: str, users: Iterable[str], *, any_case: bool) -> dict[str, str]:
        """Who holds each of these chat identities of `channel`, by user id (lower-cased,
        and matched in any case, when `any_case`: console logins)."""
        user = ChatIdentityRow.channel_user_id
        column = func.lower(user) if any_case else user
        query = select(column, ChatIdentityRow.person_id).where(ChatIdentityRow.channel == channel)
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(set(users)), BATCH):
            found.update((u, p) for u, p in self._db.execute(query.where(column.in_(chunk))))
        return found

    def _upsert(self, table: Any, rows: list[dict[str, Any]], keys: list[str]) -> None:
        if not rows:
            return
        dialect = postgresql if self._db.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table)
        updates = {c: statement.excluded[c] for c in rows[0] if c not in keys}
        statement = statement.on_conflict_do_update(index_elements=keys, set_=updates)
        for chunk in _chunks(rows, BATCH):
            self._db.execute(statement, chunk)

    # -- reads for the reminder sweep -------------------------------------------------------

    def people(self) -> list[Person]:
        rows = self._db.execute(select(*PERSON_COLUMNS).where(PersonRow.left_on.is_(None))).all()
        return [Person(*row) for row in rows]

    def person(self, person_id: str) -> Person | None:
        rows = PERSON_BY_ID.all(self._db, {"id": person_id})
        if not rows:
            return None
        *facts, access, _, _ = rows[0]
        identities = tuple((row[-2], row[-1]) for row in rows if row[-2] is not None)
        # a row is an untyped tuple: mypy cannot see it stops before `chat`
        return Person(*facts, chat=identities, access=access)  # type: ignore[misc]

    def case(self, ref: str) -> Case | None:
        row = CASE_BY_REF.first(self._db, {"ref": ref})
        return Case(*row) if row is not None else None

    def count_people(self) -> int:
        return int(self._db.scalar(select(func.count()).select_from(PersonRow)) or 0)

    def person_for_console(self, login: str) -> str | None:
        """The person whose import row lists `console:LOGIN`, compared case-insensitively."""
        return self._db.scalar(
            select(ChatIdentityRow.person_id)
            .where(
                ChatIdentityRow.channel == "console",
                func.lower(ChatIdentityRow.channel_user_id) == login.lower(),
            )
            .order_by(ChatIdentityRow.person_id)
            .limit(1)
        )

    def team(self, team: str) -> list[Person]:
        """Everyone in a team, by id."""
        rows = self._db.execute(
            select(*PERSON_COLUMNS)
            .where(PersonRow.team == team, PersonRow.left_on.is_(None))
            .order_by(PersonRow.id)
        ).all()
        return [Person(*row) for row in rows]

    def leave_of(self, person_ids: Sequence[str]) -> list[tuple[str, date, date]]:
        """Every leave period of these people."""
        query = select(LeaveRow.person_id, LeaveRow.starts_on, LeaveRow.ends_on).where(
            LeaveRow.person_id.in_(person_ids)
        )
        return [(p, s, e) for p, s, e in self._db.execute(query).all()]

    def cases_of(self, worker_ids: Sequence[str]) -> list[Case]:
        """The open cases these people hold, newest allocation first."""
        query = (
            select(*CASE_COLUMNS)
            .where(CaseRow.worker_id.in_(worker_ids))
            .order_by(CaseRow.allocated_on.desc(), CaseRow.ref)
        )
        return [Case(*row) for row in self._db.execute(query).all()]

    def history_of(self, person_id: str) -> tuple[date | None, list[tuple[Case, date | None]]]:
        """The person's last held individual supervision, and their cases with each one's last
        held case supervision."""
        last = self._db.scalar(
            select(func.max(SessionRow.date)).where(
                SessionRow.kind == "individual",
                SessionRow.status == "held",
                SessionRow.supervisee_id == person_id,
            )
        )
        case_last = (
            select(SessionRow.case_ref, func.max(SessionRow.date).label("last"))
            .where(
                SessionRow.kind == "case",
                SessionRow.status == "held",
                SessionRow.supervisee_id == person_id,
            )
            .group_by(SessionRow.case_ref)
            .subquery()
        )
        query = (
            select(*CASE_COLUMNS, case_last.c.last)
            .outerjoin(case_last, case_last.c.case_ref == CaseRow.ref)
            .where(CaseRow.worker_id == person_id)
        )
        rows = self._db.execute(query).all()
        return last, [(Case(*row[:-1]), row[-1]) for row in rows]

    def person_for_chat(self, channel: str, channel_user_id: str) -> str | None:
        return self._db.scalar(
            select(ChatIdentityRow.person_id).where(
                ChatIdentityRow.channel == channel,
                ChatIdentityRow.channel_user_id == channel_user_id,
            )
        )

    def cases(self) -> Iterator[Case]:
        for row in self._db.execute(select(*CASE_COLUMNS)).all():
            yield Case(*row)

    def cases_with_last_session(self, held_before: date) -> list[tuple[Case, date | None]]:
        """Open cases with their last held case supervision, leaving out cases supervised on
        or after `held_before` (the sweep passes a day before which nothing can fall due)."""
        kept = CaseRow.last_case_supervision  # kept by the upserts above (migration 0020)
        query = select(*CASE_COLUMNS, kept).where(or_(kept.is_(None), kept < held_before))
        rows = self._db.execute(query).all()  # one fetchall: far faster than row by row
        return [(Case(*row[:-1]), row[-1]) for row in rows]

    def last_individual(self) -> dict[str, date]:
        """The last held individual session per supervisee."""
        return self.last_held("individual")

    def last_held(self, kind: str, person_id: str | None = None) -> dict[str, date]:
        """The last held session of a kind per supervisee (individual; agreement: the last
        supervision agreement signed; observation: the last direct observation), of everyone
        or of one person."""
        where = [SessionRow.kind == kind, SessionRow.status == "held"]
        if person_id is not None:
            where.append(SessionRow.supervisee_id == person_id)
        return _pairs(
            self._db.execute(
                select(SessionRow.supervisee_id, func.max(SessionRow.date))
                .where(*where)
                .group_by(SessionRow.supervisee_id)
            )
        )

    def last_group(self) -> dict[str, date]:
        """The last held group session per team (the team of whoever ran it)."""
        return _pairs(
            self._db.execute(
                select(PersonRow.team, func.max(SessionRow.date))
                .join(PersonRow, PersonRow.id == SessionRow.supervisor_id)
                .where(SessionRow.kind == "group", SessionRow.status == "held")
                .group_by(PersonRow.team)
            )
        )

    def open_records(self) -> list[Session]:
        """Held sessions whose record is not written up, or not yet signed off."""
        query = select(*SESSION_COLUMNS).where(
            SessionRow.status == "held",
            SessionRow.kind.in_(("individual", "case")),
            text(f"({OPEN_RECORD})"),
        )
        return [Session(*row) for row in self._db.execute(query).all()]

    def unrebooked_cancellations(self, since: date) -> list[Session]:
        """Sessions cancelled since `since` with no later session of the same kind booked."""
        later = aliased(SessionRow)
        same = and_(
            later.kind == SessionRow.kind,
            later.status.in_(
                ("held", "cancelled", "booked")
            ),  # lets the (kind, status, supervisee) index serve
            later.supervisee_id == SessionRow.supervisee_id,
            func.coalesce(later.case_ref, "") == func.coalesce(SessionRow.case_ref, ""),
            later.date > SessionRow.date,
        )
        query = select(*SESSION_COLUMNS).where(
            text(CANCELLED),  # literal, so SQLite can use the partial index
            SessionRow.kind != "group",
            SessionRow.date >= since,
            ~exists().where(same),
        )
        return [Session(*row) for row in self._db.execute(query).all()]

    def on_leave(self, day: date) -> set[str]:
        query = select(LeaveRow.person_id).where(LeaveRow.starts_on <= day, LeaveRow.ends_on >= day)
        return set(self._db.scalars(query))


def _pairs(rows: Any) -> dict[str, date]:
    return {key: value for key, value in rows.all()}


def _person_row(p: Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "role": p.role,
        "team": p.team,
        "policy": p.policy,
        "supervisor_id": p.supervisor_id,
        "started_on": p.started_on,
        "case_holding": p.case_holding,
        "access": p.access,
        "left_on": None,  # listed again: back (or still) with us
    }


def session_row(s: Session) -> dict[str, Any]:
    """A session as a row of the `sessions` table."""
    return {
        "key": s.key,
        "kind": s.kind,
        "date": s.date,
        "supervisee_id": s.supervisee_id,
        "supervisor_id": s.supervisor_id,
        "case_ref": s.case_ref,
        "status": s.status,
        "recorded_on": s.recorded_on,
        "signed_off_on": s.signed_off_on,
    }


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


REBOOK_LOOKBACK = timedelta(days=90)  # older cancellations are history, not a rebooking to chase
