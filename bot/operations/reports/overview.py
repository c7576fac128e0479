"""What the dashboard shows, as of a day: a team's overview and one person's timeline.

Only dates, counts, case references and statuses: never the content of a record, a
preparation note or a wellbeing check-in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from bot.operations.reports.scope import MAX_DEPTH
from policies.assignment import PackAssignment
from policies.due import Due, NoRule, case_schedule, deadline_due, individual_due
from policies.packs import PolicyPack
from storage.records import Case, Person, RotaEntry, Session
from storage.sql import SqlTransaction

RECORD_LOOKBACK = timedelta(days=180)  # records older than this are history, not "late"
TIMELINE = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class CaseStatus:
    ref: str
    case_type: str
    risk: str
    due: date | None  # None: the pack has no rule for this case type
    overdue_days: int
    rule: str


@dataclass(frozen=True, slots=True)
class MemberStatus:
    """One person on the team overview."""

    person: Person
    next_due: Due | None  # individual supervision; None: no rule for their role
    overdue_days: int
    on_leave_until: date | None
    records_late: int
    cases: list[CaseStatus]

    @property
    def status(self) -> str:
        if self.on_leave_until is not None:
            return "on leave"
        if self.next_due is None:
            return "no rule"
        return "overdue" if self.overdue_days > 0 else "in time"

    @property
    def cases_overdue(self) -> int:
        return sum(1 for c in self.cases if c.overdue_days > 0)


@dataclass(frozen=True, slots=True)
class TeamOverview:
    team: str
    on: date
    members: list[MemberStatus]
    awaiting: list[tuple[int, str, str, date]]  # decision, case, who, recorded on
    next_group: RotaEntry | None
    names: dict[str, str]


def below(tx: SqlTransaction, viewer_id: str) -> list[Person]:
    """Everyone under `viewer_id` in the supervisor chain (read level by level).

    SEAM (issue 13): the same relation as access.py's SUPERVISOR and LINE_MANAGER.
    """
    found: dict[str, Person] = {}
    frontier = [viewer_id]
    for _ in range(MAX_DEPTH):
        level = [p for p in tx.oversight.reports_of(frontier) if p.id not in found]
        level = [p for p in level if p.id != viewer_id]
        found |= {p.id: p for p in level}
        frontier = [p.id for p in level]
        if not frontier:
            break
    return sorted(found.values(), key=lambda p: (p.team, p.id))


def team_overview(
    tx: SqlTransaction, members: list[Person], team: str, on: date, policies: PackAssignment
) -> TeamOverview:
    """The overview of `members` (the viewer's span within `team`) as of `on`."""
    ids = [p.id for p in members]
    data = tx.oversight
    last = data.last_individual_before(ids, on + timedelta(days=1))
    leave = data.leave(ids, on, on)
    sessions = data.sessions(ids, on - RECORD_LOOKBACK, on, held_only=True)
    cases: dict[str, list[tuple[Case, date | None]]] = defaultdict(list)
    for case, held in data.cases(ids, on):
        cases[case.worker_id].append((case, held))
    away = {who: end for who, _, end in leave}
    rows = [
        member_status(
            p, policies.for_person(p), last.get(p.id), away.get(p.id), sessions, cases[p.id], on
        )
        for p in members
    ]
    upcoming = tx.rota.sessions(team=team, start=on)
    return TeamOverview(
        team=team,
        on=on,
        members=rows,
        awaiting=data.awaiting_acknowledgement(ids),
        next_group=upcoming[0] if upcoming else None,
        names={p.id: p.name for p in tx.oversight.people(teams=[team])},
    )


def member_status(
    person: Person,
    pack: PolicyPack,
    last: date | None,
    on_leave_until: date | None,
    sessions: list[Session],
    cases: list[tuple[Case, date | None]],
    on: date,
) -> MemberStatus:
    try:
        due: Due | None = individual_due(pack, person.role, person.started_on, last)
    except NoRule:
        due = None
    overdue = max(0, (on - due.due).days) if due else 0
    late = sum(1 for s in sessions if s.supervisee_id == person.id and record_late(s, pack, on))
    return MemberStatus(
        person, due, overdue, on_leave_until, late, [case_status(c, h, pack, on) for c, h in cases]
    )


def record_late(session: Session, pack: PolicyPack, on: date) -> bool:
    """A held session's record not written by the pack's deadline."""
    record = pack.deadlines.record
    if session.status != "held" or session.recorded_on is not None or record.within is None:
        return False
    return session.kind in record.kinds and deadline_due(pack, "record", session.date).due < on


def case_status(case: Case, last: date | None, pack: PolicyPack, on: date) -> CaseStatus:
    try:
        due = case_schedule(pack, case.case_type, case.risk, key_worker=case.key_worker).due(
            case.allocated_on, last
        )
    except NoRule as exc:
        return CaseStatus(case.ref, case.case_type, case.risk, None, 0, str(exc))
    overdue = max(0, (on - due.due).days)
    return CaseStatus(case.ref, case.case_type, case.risk, due.due, overdue, due.rule)


@dataclass(frozen=True, slots=True)
class PersonPage:
    person: Person
    status: MemberStatus
    sessions: list[Session]  # the last year's individual and case sessions, newest first


def person_page(
    tx: SqlTransaction, person: Person, on: date, policies: PackAssignment
) -> PersonPage:
    """One person's sessions timeline and records status (dates and statuses only)."""
    overview = team_overview(tx, [person], person.team, on, policies)
    sessions = tx.oversight.sessions([person.id], on - TIMELINE, on)
    mine = [s for s in sessions if s.supervisee_id == person.id]
    newest = sorted(mine, key=lambda s: (s.date, s.kind, s.case_ref or ""), reverse=True)
    return PersonPage(person, overview.members[0], newest)
