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


def chased(due: date, go_live: date | None) -> date:
    """The day a due date is chased from: never before go-live (`[reminders] go_live`), as
    the sweep and /team count it (a new deployment does not start with everyone overdue)."""
    return due if go_live is None else max(due, go_live)


@dataclass(frozen=True, slots=True)
class CaseStatus:
    ref: str
    case_type: str
    risk: str
    due: date | None  # None: the pack has no rule for this case type
    overdue_days: int  # counted from the chased date
    rule: str
    chased: date | None = None  # `due`, or go-live when later


@dataclass(frozen=True, slots=True)
class MemberStatus:
    """One person on the team overview."""

    person: Person
    next_due: Due | None  # individual supervision; None: no rule for their role
    overdue_days: int  # counted from `chased`
    on_leave_until: date | None
    records_late: int
    cases: list[CaseStatus]
    chased: date | None = None  # the due date, or go-live when later

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


def staying(tx: SqlTransaction, people: list[Person]) -> list[Person]:
    """`people` without those who have left: what a view of the team as it is today shows
    (a report of a past month, or a leaver's archived timeline, keeps them)."""
    left = tx.oversight.leavers([p.id for p in people])
    return [p for p in people if p.id not in left]


def team_overview(
    tx: SqlTransaction,
    members: list[Person],
    team: str,
    on: date,
    policies: PackAssignment,
    go_live: date | None = None,
) -> TeamOverview:
    """The overview of `members` (the viewer's span within `team`) as of `on`; nothing due
    before `go_live` is overdue before it, nor counted overdue from before it."""
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
            p,
            policies.for_person(p),
            last.get(p.id),
            away.get(p.id),
            sessions,
            cases[p.id],
            on,
            go_live,
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
    go_live: date | None = None,
) -> MemberStatus:
    try:
        due: Due | None = individual_due(pack, person.role, person.started_on, last)
    except NoRule:
        due = None
    chased_on = chased(due.due, go_live) if due else None
    overdue = max(0, (on - chased_on).days) if chased_on else 0
    late = sum(1 for s in sessions if s.supervisee_id == person.id and record_late(s, pack, on))
    statuses = [case_status(c, h, pack, on, go_live) for c, h in cases]
    return MemberStatus(person, due, overdue, on_leave_until, late, statuses, chased_on)


def record_late(session: Session, pack: PolicyPack, on: date) -> bool:
    """A held session's record not written by the pack's deadline."""
    record = pack.deadlines.record
    if session.status != "held" or session.recorded_on is not None or record.within is None:
        return False
    return session.kind in record.kinds and deadline_due(pack, "record", session.date).due < on


def case_status(
    case: Case, last: date | None, pack: PolicyPack, on: date, go_live: date | None = None
) -> CaseStatus:
    try:
        due = case_schedule(pack, case.case_type, case.risk, key_worker=case.key_worker).due(
            case.allocated_on, last
        )
    except NoRule as exc:
        return CaseStatus(case.ref, case.case_type, case.risk, None, 0, str(exc))
    chased_on = chased(due.due, go_live)
    overdue = max(0, (on - chased_on).days)
    return CaseStatus(case.ref, case.case_type, case.risk, due.due, overdue, due.rule, chased_on)


@dataclass(frozen=True, slots=True)
class PersonPage:
    person: Person
    status: MemberStatus
    sessions: list[Session]  # the last year's individual and case sessions, newest first


def person_page(
    tx: SqlTransaction,
    person: Person,
    on: date,
    policies: PackAssignment,
    go_live: date | None = None,
) -> PersonPage:
    """One person's sessions timeline and records status (dates and statuses only)."""
    overview = team_overview(tx, [person], person.team, on, policies, go_live)
    sessions = tx.oversight.sessions([person.id], on - TIMELINE, on)
    mine = [s for s in sessions if s.supervisee_id == person.id]
    newest = sorted(mine, key=lambda s: (s.date, s.kind, s.case_ref or ""), reverse=True)
    return PersonPage(person, overview.members[0], newest)
