"""Planning a team's group supervision rota from the directory and the team's policy pack."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from policies.assignment import PackAssignment
from policies.due import NoRule
from policies.rota import RotaSession, plan, replacement, session_dates
from storage.records import Case, Person, RotaEntry
from storage.sql import SqlStore, SqlTransaction

PRESENTING = ("presenter", "lead")  # the role that brings a case


class RotaError(ValueError):
    """The rota cannot be planned; the message says why."""


@dataclass(frozen=True)
class PlannedSession:
    """A rota session with the case suggested for its presenter."""

    session: RotaSession
    case_ref: str | None
    names: dict[str, str] = field(default_factory=dict)

    def roles_named(self) -> str:
        """ "presenter: Sam Worker, facilitator: …", by name, for people to read."""
        return ", ".join(
            f"{role}: {self.names.get(who, who) if who else '(nobody free)'}"
            for role, who in self.session.roles.items()
        )


async def plan_rota(
    store: SqlStore, assignment: PackAssignment, team: str, start: date, count: int
) -> list[PlannedSession]:
    """Sessions at the team's pack frequency, roles rotated fairly, presenters' newest cases."""
    members = await store.run_sql(lambda tx: tx.directory.team(team))
    if not members:
        raise RotaError(f"no people in team {team!r} (import people first)")
    ids = [m.id for m in members]
    leave = await store.run_sql(lambda tx: tx.directory.leave_of(ids))
    earlier = await store.run_sql(lambda tx: tx.rota.sessions(team=team))
    history = [e.roles for e in earlier if e.date < start]
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

    dates = session_dates(start, rule.every, count)
    sessions = plan(ids, pack.group_supervision.roles, dates, on_leave, history)
    names = {m.id: m.name for m in members}
    return [replace(p, names=names) for p in _with_cases(sessions, cases)]


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
        presenter = next((session.roles[r] for r in PRESENTING if session.roles.get(r)), None)
        case = next((c for c in cases if c.worker_id == presenter and c.ref not in presented), None)
        if case:
            presented.add(case.ref)
        planned.append(PlannedSession(session, case.ref if case else None))
    return planned


async def save_plan(store: SqlStore, team: str, planned: list[PlannedSession]) -> None:
    """Store a plan so that nudges go out and swaps can be made."""
    entries = [RotaEntry(team, p.session.day, p.session.roles, p.case_ref) for p in planned]
    await store.run_sql(lambda tx: tx.rota.save(entries))


@dataclass(frozen=True)
class Swap:
    """Who stepped out of which roles, and who stepped in; the case presented that day."""

    day: date
    changes: dict[str, tuple[str, str | None]]  # role: (who stepped out, who stepped in)
    case_ref: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    def name(self, person_id: str | None) -> str:
        """A person's name as imported (their id if the directory has no name)."""
        return "(nobody free)" if person_id is None else self.names.get(person_id, person_id)


async def swap(store: SqlStore, team: str, day: date, person: str, now: datetime) -> Swap:
    """`person` cannot make the session on `day`: give each of their roles to the next fair
    candidate, store it, and tell both people. A presenter's case moves with the presenter."""
    return await store.run_sql(lambda tx: _swap(tx, team, day, person, now))


def _swap(tx: SqlTransaction, team: str, day: date, person: str, now: datetime) -> Swap:
    sessions = tx.rota.sessions(team=team)
    current = next((s for s in sessions if s.date == day), None)
    if current is None:
        raise RotaError(f"team {team!r} has no group supervision planned on {day:%d %b %Y}")
    held = [role for role, who in current.roles.items() if who == person]
    team_members = tx.directory.team(team)
    names = {m.id: m.name for m in team_members}
    if not held:
        raise RotaError(f"{names.get(person, person)} has no role on {day:%d %b %Y}")
    members = [m.id for m in team_members]
    away = {p for p, first, last in tx.directory.leave_of(members) if first <= day <= last}
    history = [s.roles for s in sessions if s.date < day]
    roles = dict(current.roles)
    changes: dict[str, tuple[str, str | None]] = {}
    for role in held:
        roles[role] = None
        stepping_in = replacement(members, role, history, roles, away | {person})
        roles[role] = stepping_in
        changes[role] = (person, stepping_in)
    case_ref = current.case_ref
    presenting = next((r for r in PRESENTING if r in changes), None)
    if presenting is not None:
        case_ref = _next_case(tx, roles[presenting], sessions, day)
    tx.rota.set_roles(team, day, roles, case_ref)
    result = Swap(day, changes, case_ref, names)
    _tell(tx, team, result, now)
    return result


def _next_case(
    tx: SqlTransaction, presenter: str | None, sessions: list[RotaEntry], day: date
) -> str | None:
    """The new presenter's newest case not presented on another date of the plan."""
    if presenter is None:
        return None
    elsewhere = {s.case_ref for s in sessions if s.date != day}
    cases = tx.directory.cases_of([presenter])
    return next((c.ref for c in cases if c.ref not in elsewhere), None)


def _tell(tx: SqlTransaction, team: str, swapped: Swap, now: datetime) -> None:
    day = swapped.day
    when = f"{day:%a} {day.day} {day:%b %Y}"
    for role, (out, into) in swapped.changes.items():
        subject = f"{team}:{day.isoformat()}:{role}"
        tx.notify(
            out,
            "rota-swap",
            subject,
            f"You are no longer {role} for {team}'s group supervision on {when}; "
            f"{swapped.name(into) if into else 'nobody yet'} is.",
            now,
        )
        if into:
            presents = (
                f" You present {swapped.case_ref}."
                if role in PRESENTING and swapped.case_ref
                else ""
            )
            tx.notify(
                into,
                "rota-swap",
                subject,
                f"You are now {role} for {team}'s group supervision on {when}, in place of "
                f"{swapped.name(out)}.{presents}",
                now,
            )


def group_record(
    team: str,
    entry: RotaEntry,
    members: list[Person],
    away: set[str],
    pack_headings: tuple[str, ...],
) -> str:
    """A group supervision record to fill in, with the pack's headings (plain text)."""
    present = ", ".join(m.name for m in members if m.id not in away)
    roles = "; ".join(f"{role}: {who or '-'}" for role, who in entry.roles.items())
    lines = [
        f"Group supervision record: {team}, {entry.date:%d %b %Y}",
        f"Expected present: {present}",
        f"Roles: {roles}",
    ]
    lines.append(f"Case: {entry.case_ref or '(to be chosen)'}")
    lines += [f"\n{heading}:\n" for heading in pack_headings]
    return "\n".join(lines)
