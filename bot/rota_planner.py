"""Planning a team's group supervision rota from the directory and the team's policy pack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policies.assignment import PackAssignment
from policies.due import NoRule
from policies.rota import RotaSession, plan, session_dates
from storage.records import Case, Person
from storage.sql import SqlStore


class RotaError(ValueError):
    """The rota cannot be planned; the message says why."""


@dataclass(frozen=True)
class PlannedSession:
    """A rota session with the case suggested for its presenter."""

    session: RotaSession
    case_ref: str | None


async def plan_rota(
    store: SqlStore, assignment: PackAssignment, team: str, start: date, count: int
) -> list[PlannedSession]:
    """Sessions at the team's pack frequency, roles rotated fairly, presenters' newest cases."""
    members = await store.run_sql(lambda tx: tx.directory.team(team))
    if not members:
        raise RotaError(f"no people in team {team!r} (import people first)")
    ids = [m.id for m in members]
    leave = await store.run_sql(lambda tx: tx.directory.leave_of(ids))
    cases = await store.run_sql(lambda tx: tx.directory.cases_of(ids))
    pack = assignment.packs[_pack_name(assignment, members)]
    if pack.group_supervision is None:
        raise RotaError(f"the {pack.name} policy describes no group supervision roles")
    rule = pack.group_rule(assignment.service(team))
    if rule.every is None:
        raise NoRule(
            f"{pack.name} has no rule for how often group supervision happens: {rule.none}"
        )

    def on_leave(member: str, day: date) -> bool:
        return any(who == member and first <= day <= last for who, first, last in leave)

    sessions = plan(
        ids, pack.group_supervision.roles, session_dates(start, rule.every, count), on_leave
    )
    return _with_cases(sessions, cases)


def _pack_name(assignment: PackAssignment, members: list[Person]) -> str:
    """The team's pack: its manager's, else the team's configured one."""
    managers = [m for m in members if m.role == "team_manager"]
    return (
        assignment.for_person(managers[0]).name
        if managers
        else assignment.team_pack_name(members[0].team)
    )


def _with_cases(sessions: list[RotaSession], cases: list[Case]) -> list[PlannedSession]:
    """Suggest each presenter's newest case not yet presented in this plan."""
    presented: set[str] = set()
    planned = []
    for session in sessions:
        presenter = session.roles.get("presenter") or session.roles.get("lead")
        case = next((c for c in cases if c.worker_id == presenter and c.ref not in presented), None)
        if case:
            presented.add(case.ref)
        planned.append(PlannedSession(session, case.ref if case else None))
    return planned
