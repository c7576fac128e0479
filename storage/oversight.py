"""Reads for oversight (compliance reports, the dashboard): a scope's people, cases and the
sessions of a period, in bulk. Nothing here builds ORM objects; nothing here writes.

A scope is a list of person ids, or None for the whole council (no filter at all, which is
also what makes the council-wide report fast).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from datetime import date
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
    true,
    type_coerce,
)

from storage.directory import BATCH, CASE_COLUMNS, PERSON_COLUMNS, SESSION_COLUMNS, _chunks
from storage.records import Case, Person, Session
from storage.tables import (
    CaseRow,
    DecisionResponseRow,
    DecisionRow,
    LeaveRow,
    PersonRow,
    SessionRow,
)

Ids = Sequence[str] | None
_SESSION_ORDER = itemgetter(1, 0)  # SESSION_COLUMNS' date, then kind
STATUSES = ("held", "cancelled")  # every status an import accepts
_CASE_KEYS = (
    CaseRow.worker_id,
    CaseRow.case_type,
    CaseRow.risk,
    CaseRow.key_worker,
    CaseRow.allocated_on,
)


class HeldSession(NamedTuple):
    """A held session as a report measures it."""

    date: dt.date
    kind: str
    supervisee_id: str | None
    supervisor_id: str
    recorded_on: dt.date | None
    signed_off_on: dt.date | None


_HELD_COLUMNS = (
    SessionRow.date,
    SessionRow.kind,
    SessionRow.supervisee_id,
    SessionRow.supervisor_id,
    SessionRow.recorded_on,
    SessionRow.signed_off_on,
)
_HELD_ORDER = itemgetter(0, 1)  # date, then kind


class CaseGroup(NamedTuple):  # a tuple: a council report makes 400,000 of them
    """One worker's open cases of one type and risk (as key worker or not), counted in the
    database.

    `first`: no case supervision held yet (due counted from allocation); otherwise due from
    the last one. `since` is each case's last case supervision or, when `first`, its
    allocation; `earliest` is the earliest `since` in the group and `before[i]` how many
    cases have `since` before `cutoffs[i]` (the cutoffs the caller asked for).
    """

    worker_id: str
    case_type: str
    risk: str
    key_worker: bool
    first: bool
    cases: int
    earliest: date
    before: tuple[int, ...]

    def merged(self, other: CaseGroup) -> CaseGroup:
        """This group and another of the same key counted together."""
        before = tuple(a + b for a, b in zip(self.before, other.before, strict=True))
        earliest = min(self.earliest, other.earliest)
        return self._replace(cases=self.cases + other.cases, earliest=earliest, before=before)


class OversightSql:
    """Oversight reads on one open connection (inside the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def people(self, *, teams: Sequence[str] | None = None) -> list[Person]:
        """Everyone (teams None) or the members of these teams, by id."""
        where = PersonRow.team.in_(list(teams)) if teams is not None else true()
        rows = self._db.execute(select(*PERSON_COLUMNS).where(where).order_by(PersonRow.id))
        return [Person(*row) for row in rows.all()]

    def reports_of(self, ids: Sequence[str]) -> list[Person]:
        """The people whose supervisor is one of `ids`."""
        rows = self._in(PERSON_COLUMNS, PersonRow.supervisor_id, ids, true())
        return [Person(*row) for row in rows]

    def leavers(self, ids: Sequence[str]) -> set[str]:
        """Which of these people have left (an import no longer listed them)."""
        left = PersonRow.left_on.is_not(None)
        return {row[0] for row in self._in((PersonRow.id,), PersonRow.id, ids, left)}

    def awaiting_acknowledgement(self, ids: Ids) -> list[tuple[int, str, str, date]]:
        """Decisions these people were asked to acknowledge and have not answered:
        (decision number, case reference, who should acknowledge, recorded on)."""
        answered = exists().where(
            DecisionResponseRow.decision_id == DecisionRow.id,
            DecisionResponseRow.person_id == DecisionRow.acknowledge_by,
        )
        columns = (
            DecisionRow.id,
            DecisionRow.case_ref,
            DecisionRow.acknowledge_by,
            DecisionRow.created_at,
        )
        rows = self._in(columns, DecisionRow.acknowledge_by, ids, ~answered)
        return sorted((i, ref, who, at.date()) for i, ref, who, at in rows)

    def teams(self) -> list[str]:
        """Every team name, sorted."""
        return list(self._db.scalars(select(PersonRow.team).distinct().order_by(PersonRow.team)))

    def leave(self, ids: Ids, start: date, end: date) -> list[tuple[str, date, date]]:
        """Leave periods of these people overlapping [start, end]."""
        overlap = and_(LeaveRow.starts_on <= end, LeaveRow.ends_on >= start)
        columns = (LeaveRow.person_id, LeaveRow.starts_on, LeaveRow.ends_on)
        return [(p, s, e) for p, s, e in self._in(columns, LeaveRow.person_id, ids, overlap)]

    def sessions(
        self, ids: Ids, start: date, end: date, *, held_only: bool = False
    ) -> list[Session]:
        """Individual and case sessions of these supervisees, and group sessions run by
        them, dated within [start, end], oldest first (`held_only`: no cancelled ones)."""
        statuses = ("held",) if held_only else STATUSES
        rows = self._sessions(SESSION_COLUMNS, ids, start, end, statuses)
        # Sorted by the rows' own date and kind (a stable sort: ties stay in the database's
        # order); a key built per Session took 3.5 s of a council report's 343,853 sessions.
        return [Session(*row) for row in sorted(rows, key=_SESSION_ORDER)]

    def held(self, ids: Ids, start: date, end: date) -> list[HeldSession]:
        """`sessions(..., held_only=True)` as tuples of what a report measures, oldest
        first (a council's month is 350,000 sessions: building a `Session` for each took
        about a second)."""
        rows = self._sessions(_HELD_COLUMNS, ids, start, end, ("held",))
        return [HeldSession(*row) for row in sorted(rows, key=_HELD_ORDER)]

    def _sessions(
        self, columns: Sequence[Any], ids: Ids, start: date, end: date, statuses: Sequence[str]
    ) -> list[Any]:
        when = and_(SessionRow.date.between(start, end), SessionRow.status.in_(statuses))
        if ids is None:  # everyone: one pass over the table beats a walk of every index
            return list(self._db.execute(select(*columns).where(when)).all())
        # kind and status are spelled out so the (kind, status, person, date) indexes serve.
        personal = and_(when, SessionRow.kind.in_(("individual", "case")))
        own = self._in(columns, SessionRow.supervisee_id, ids, personal)
        group = and_(when, SessionRow.kind == "group")
        return [*own, *self._in(columns, SessionRow.supervisor_id, ids, group)]

    def last_individual_before(self, ids: Ids, before: date) -> dict[str, date]:
        """Each supervisee's last held individual session before `before`."""
        query = (
            select(SessionRow.supervisee_id, func.max(SessionRow.date))
            .where(
                SessionRow.kind == "individual",
                SessionRow.status == "held",
                SessionRow.date < before,
            )
            .group_by(SessionRow.supervisee_id)
        )
        return dict(self._grouped(query, SessionRow.supervisee_id, ids))

    def held_dates(self, ids: Ids, kind: str, end: date) -> dict[str, list[date]]:
        """Each supervisee's held sessions of a kind dated on or before `end`, oldest first
        (agreement: the agreements signed; observation: the direct observations)."""
        where = and_(SessionRow.kind == kind, SessionRow.status == "held", SessionRow.date <= end)
        found: dict[str, list[date]] = {}
        columns = (SessionRow.supervisee_id, SessionRow.date)
        for who, day in sorted(self._in(columns, SessionRow.supervisee_id, ids, where)):
            found.setdefault(who, []).append(day)
        return found

    def last_group_before(self, ids: Ids, before: date) -> dict[str, date]:
        """The last held group session before `before` run by each of these people."""
        query = (
            select(SessionRow.supervisor_id, func.max(SessionRow.date))
            .where(
                SessionRow.kind == "group", SessionRow.status == "held", SessionRow.date < before
            )
            .group_by(SessionRow.supervisor_id)
        )
        return dict(self._grouped(query, SessionRow.supervisor_id, ids))

    def cases(self, ids: Ids, on: date) -> list[tuple[Case, date | None]]:
        """The open cases these people hold (allocated by `on`), each with its last held
        case supervision on or before `on` (the kept date, or for a case supervised after
        `on` one seek of the (kind, status, case) index)."""
        kept = CaseRow.last_case_supervision
        last = case((or_(kept.is_(None), kept <= on), kept), else_=_last_case_supervision(on))
        rows = self._in((*CASE_COLUMNS, last), CaseRow.worker_id, ids, CaseRow.allocated_on <= on)
        return [(Case(*row[:-1]), row[-1]) for row in rows]

    def case_groups(self, ids: Ids, on: date, cutoffs: Sequence[date]) -> list[CaseGroup]:
        """The open cases these people hold (allocated by `on`), grouped by worker, type,
        risk, key worker or not, and whether a case supervision was ever held (on or before
        `on`): how many, the earliest date each is counted from, and how many are counted
        from before each cutoff. A report turns the cutoffs into due dates; nothing per case
        leaves the database."""
        kept = CaseRow.last_case_supervision
        settled: list[Any] = []
        later: list[Any] = []
        for chunk in self._filters(CaseRow.worker_id, ids):
            allocated = and_(chunk, CaseRow.allocated_on <= on)
            # Cases whose last case supervision is on or before `on` (all of them for the
            # current month): the kept date, grouped in the order of ix_cases_groups.
            current = and_(allocated, or_(kept.is_(None), kept <= on))
            settled += self._count(_CASE_KEYS, kept, current, cutoffs)
            # Cases supervised after `on` (a past period): seek the last one before it.
            before = (
                select(*_CASE_KEYS, type_coerce(_last_case_supervision(on), Date).label("last"))
                .where(allocated, kept > on)
                .offset(0)  # a fence: unflattened, each case's last supervision is sought once
                .subquery()
            )
            keys = [before.c[column.key] for column in _CASE_KEYS]
            later += self._count(keys, before.c.last, true(), cutoffs)
        groups = [_case_group(row) for row in settled]
        if not later:
            return groups
        merged = {g[:5]: g for g in groups}
        for group in map(_case_group, later):
            found = merged.get(key := group[:5])
            merged[key] = group if found is None else found.merged(group)
        return list(merged.values())

    def _count(
        self,
        keys: Sequence[Any],
        last: Any,
        where: ColumnElement[bool],
        cutoffs: Sequence[date],
    ) -> list[Any]:
        """`keys` (worker, type, risk, key worker, allocated on) grouped with "never
        supervised" (`last` is null): count, earliest date counted from, counts before each
        cutoff."""
        worker, case_type, risk, key_worker, allocated_on = keys
        since = type_coerce(func.coalesce(last, allocated_on), Date)
        counts = [func.sum(case((since < cutoff, 1), else_=0)) for cutoff in cutoffs]
        group = (worker, case_type, risk, key_worker, last.is_(None))
        earliest = type_coerce(func.min(since), Date)
        query = select(*group, func.count(), earliest, *counts).where(where).group_by(*group)
        return list(self._db.execute(query).all())

    # -- helpers -------------------------------------------------------------------------

    def _in(
        self, columns: Sequence[Any], column: Any, ids: Ids, where: ColumnElement[bool]
    ) -> list[Any]:
        rows: list[Any] = []
        for chunk in self._filters(column, ids):
            rows.extend(self._db.execute(select(*columns).where(chunk, where)).all())
        return rows

    def _grouped(self, query: Any, column: Any, ids: Ids) -> list[tuple[str, date]]:
        rows: list[tuple[str, date]] = []
        for where in self._filters(column, ids):
            rows.extend((k, v) for k, v in self._db.execute(query.where(where)).all())
        return rows

    @staticmethod
    def _filters(column: Any, ids: Ids) -> list[ColumnElement[bool]]:
        if ids is None:
            return [true()]
        return [column.in_(list(chunk)) for chunk in _chunks(list(ids), BATCH)] or [false()]


def _case_group(row: Any) -> CaseGroup:
    worker, case_type, risk, key_worker, first, count, earliest, *before = row
    return CaseGroup(
        worker, case_type, risk, bool(key_worker), bool(first), count, earliest, tuple(before)
    )


def _last_case_supervision(on: date) -> Any:
    """Each case's last held case supervision on or before `on`, correlated to `CaseRow`
    (one seek of the (kind, status, case) index per case)."""
    return (
        select(func.max(SessionRow.date))
        .where(
            SessionRow.kind == "case",
            SessionRow.status == "held",
            SessionRow.case_ref == CaseRow.ref,
            SessionRow.date <= on,
        )
        .correlate(CaseRow)
        .scalar_subquery()
    )
