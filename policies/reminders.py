"""What is due soon or overdue on a day, for everyone: the pure part of the reminder sweep.

Storage supplies a `Snapshot`; this module applies each person's policy pack and returns
`Reminder`s, each addressed to whoever owes the next step. Nothing here does I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from policies.assignment import PackAssignment
from policies.due import (
    CaseSchedule,
    Due,
    NoRule,
    case_schedule,
    deadline_due,
    group_due,
    individual_due,
)
from policies.intervals import add_working_days
from policies.packs import PolicyPack
from policies.vocabulary import CaseType, Risk, Role
from storage.records import Case, Person, RotaEntry, Session


@dataclass(frozen=True, slots=True)
class Reminder:
    """One thing one person should do; `key` is unique per (person, subject, due date)."""

    to: str
    kind: str
    subject: str
    case_ref: str | None
    due: date
    overdue: bool
    text: str

    @property
    def key(self) -> str:
        return f"{self.to}|{self.kind}|{self.subject}|{_iso(self.due)}"


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """How far ahead to remind, and when to escalate (None: the pack's own figure)."""

    ahead_days: int = 5
    escalate_after_days: int | None = None
    presenter_notice_days: int = 5  # working days before a group session the presenter is told


@dataclass
class Snapshot:
    """Everything the sweep reads, loaded once."""

    people: Mapping[str, Person]
    cases: Iterable[tuple[Case, date | None]]  # each open case with its last held supervision
    last_individual: Mapping[str, date]
    last_group: Mapping[str, date]
    open_records: list[Session]
    cancellations: list[Session]
    on_leave: set[str]
    rota: list[RotaEntry] = field(default_factory=list)  # group sessions of the coming weeks


@dataclass
class Sweep:
    """The reminders of one day, and what could not be computed (counted by reason)."""

    reminders: list[Reminder] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)


def case_horizon(packs: Iterable[PolicyPack], on: date, settings: ReminderSettings) -> date:
    """A day such that no case last supervised on or after it can be due soon, so the sweep
    need not load those cases. Derived from the shortest case interval in any pack."""
    intervals = [
        i for pack in packs for rule in pack.case for i in (rule.every, rule.high) if i is not None
    ]
    shortest = min((i.min_days for i in intervals), default=0)
    return on + timedelta(days=settings.ahead_days) - timedelta(days=shortest)


def compute(
    snapshot: Snapshot, policies: PackAssignment, on: date, settings: ReminderSettings
) -> Sweep:
    """Every reminder due on `on`. People on leave on that day are not chased."""
    sweep = Sweep()
    day = _Day(on, settings, snapshot.people, policies, sweep)
    for source in (
        _individual(snapshot, day),
        _cases(snapshot, day),
        _groups(snapshot, day),
        _records(snapshot, day),
        _rebooks(snapshot, day),
        _rota(snapshot, day),
        _escalations(day),  # last: gathered while the others ran
    ):
        sweep.reminders.extend(r for r in source if r.to not in snapshot.on_leave)
    return sweep


@dataclass
class _Day:
    on: date
    settings: ReminderSettings
    people: Mapping[str, Person]
    policies: PackAssignment
    sweep: Sweep
    overdue: dict[tuple[str, str, str], _Overdue] = field(default_factory=dict)

    def soon(self, due: Due) -> bool:
        return due.due <= self.on + timedelta(days=self.settings.ahead_days)

    def escalates(self, due: Due, pack: PolicyPack) -> bool:
        limit = self.settings.escalate_after_days or pack.escalate_after_days
        return (self.on - due.due).days > limit

    def name(self, person_id: str | None) -> str:
        person = self.people.get(person_id or "")
        return person.name if person else (person_id or "unknown")

    def manager_of(self, person_id: str | None) -> str | None:
        person = self.people.get(person_id or "")
        return person.supervisor_id if person else None


def _when(due: Due, on: date) -> str:
    text = _day_name(due.due)
    return f"is overdue (it was due {text})" if due.overdue_on(on) else f"is due by {text}"


@lru_cache(maxsize=4096)
def _iso(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=4096)  # strftime is slow, and a sweep names the same few hundred days
def _day_name(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@dataclass
class _Overdue:
    """Items a supervisor owes that are overdue beyond the pack's limit, for one manager."""

    count: int
    oldest: date
    limit: int


def _escalation(day: _Day, pack: PolicyPack, due: Due, what: str, owner: str | None) -> None:
    """Note, for the owner's own manager, something overdue by more than the pack allows.

    Escalations are gathered per (manager, supervisor, kind) and sent as one line: a head of
    service wants "12 case supervisions in Tom's team are overdue", not twelve lines.
    """
    manager = day.manager_of(owner)
    if owner and manager and day.escalates(due, pack):
        found = day.overdue.get((manager, owner, what))
        if found is None:
            limit = day.settings.escalate_after_days or pack.escalate_after_days
            day.overdue[(manager, owner, what)] = _Overdue(1, due.due, limit)
        else:
            found.count += 1
            found.oldest = min(found.oldest, due.due)


def _escalations(day: _Day) -> Iterator[Reminder]:
    for (manager, owner, what), overdue in sorted(day.overdue.items()):
        items = f"1 {what}" if overdue.count == 1 else f"{overdue.count} {what}s"
        text = (
            f"Escalation: {items} owed by {day.name(owner)} {'is' if overdue.count == 1 else 'are'} "
            f"more than {overdue.limit} days overdue (the oldest was due {_day_name(overdue.oldest)})."
        )
        yield Reminder(manager, "escalation", f"{owner}/{what}", None, overdue.oldest, True, text)


def _individual(snapshot: Snapshot, day: _Day) -> Iterator[Reminder]:
    for person in snapshot.people.values():
        pack = day.policies.for_person(person)
        try:
            due = individual_due(
                pack, Role(person.role), person.started_on, snapshot.last_individual.get(person.id)
            )
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        if not day.soon(due):
            continue
        overdue, when = due.overdue_on(day.on), _when(due, day.on)
        yield Reminder(
            person.id,
            "individual",
            person.id,
            None,
            due.due,
            overdue,
            f"Your individual supervision {when}.",
        )
        if person.supervisor_id:
            text = f"Individual supervision with {person.name} {when}."
            yield Reminder(
                person.supervisor_id, "individual", person.id, None, due.due, overdue, text
            )
            _escalation(day, pack, due, "individual supervision", person.supervisor_id)


def _cases(snapshot: Snapshot, day: _Day) -> Iterator[Reminder]:
    schedules: dict[
        tuple[str, str, str], CaseSchedule | NoRule
    ] = {}  # resolved once per kind of case
    horizon = day.on + timedelta(days=day.settings.ahead_days)
    for case, last in snapshot.cases:
        worker = snapshot.people.get(case.worker_id)
        if worker is None or not worker.supervisor_id:
            day.sweep.problems["cases whose worker or supervisor is unknown"] += 1
            continue
        pack = day.policies.for_person(worker)
        schedule = schedules.get((pack.name, case.case_type, case.risk))
        if schedule is None:
            schedule = _schedule(pack, case.case_type, case.risk)
            schedules[(pack.name, case.case_type, case.risk)] = schedule
        if isinstance(schedule, NoRule):
            day.sweep.problems[str(schedule)] += 1
            continue
        due = schedule.due(case.allocated_on, last)
        if due.due <= horizon:
            text = f"Case supervision for {case.ref} ({worker.name}) {_when(due, day.on)}."
            yield Reminder(
                worker.supervisor_id,
                "case",
                case.ref,
                case.ref,
                due.due,
                due.overdue_on(day.on),
                text,
            )
            _escalation(day, pack, due, "case supervision", worker.supervisor_id)


def _schedule(pack: PolicyPack, case_type: str, risk: str) -> CaseSchedule | NoRule:
    try:
        return case_schedule(pack, CaseType(case_type), Risk(risk))
    except NoRule as exc:
        return exc


def _groups(snapshot: Snapshot, day: _Day) -> Iterator[Reminder]:
    managers: dict[str, list[Person]] = {}
    for person in snapshot.people.values():
        if person.role == Role.TEAM_MANAGER:
            managers.setdefault(person.team, []).append(person)
    for team, team_managers in sorted(managers.items()):
        pack = day.policies.packs[day.policies.team_pack_name(team)]
        try:
            last = snapshot.last_group.get(team)
            due = (
                group_due(pack, day.policies.service(team), last)
                if last
                else Due(day.on, "none", "")
            )
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        if day.soon(due):
            what = f"Group supervision for team {team}"
            text = (
                f"{what} {_when(due, day.on)}."
                if last
                else f"{what}: no group session is on record."
            )
            for manager in team_managers:
                yield Reminder(
                    manager.id, "group", team, None, due.due, due.overdue_on(day.on), text
                )


def _records(snapshot: Snapshot, day: _Day) -> Iterator[Reminder]:
    for session in snapshot.open_records:
        supervisee = snapshot.people.get(session.supervisee_id or "")
        if supervisee is None:
            continue
        pack = day.policies.for_person(supervisee)
        try:
            if session.recorded_on is None:
                if session.kind not in pack.deadlines.record.kinds:
                    continue
                due = deadline_due(pack, "record", session.date)
                if day.soon(due):
                    held = f"{session.kind} supervision of {_day_name(session.date)}"
                    text = f"The record of the {held} with {supervisee.name} {_when(due, day.on)} to be written up."
                    yield Reminder(
                        session.supervisor_id,
                        "record",
                        session.key,
                        session.case_ref,
                        due.due,
                        due.overdue_on(day.on),
                        text,
                    )
                    _escalation(day, pack, due, "record write-up", session.supervisor_id)
                continue
            if session.kind not in pack.deadlines.signoff.kinds:
                continue
            due = deadline_due(pack, "signoff", session.recorded_on)
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        yield from _signoff(day, session, supervisee, due)


def _signoff(day: _Day, session: Session, supervisee: Person, due: Due) -> Iterator[Reminder]:
    held = f"{session.kind} supervision of {_day_name(session.date)}"
    if not due.overdue_on(day.on):
        if day.soon(due):
            text = (
                f"Please agree or dispute the record of your {held}: sign-off {_when(due, day.on)}."
            )
            yield Reminder(
                supervisee.id, "signoff", session.key, session.case_ref, due.due, False, text
            )
        return
    # Central Bedfordshire (lines 321-323): after the window the record is taken as agreed and
    # the supervisor closes it with a note; other packs with a window are treated the same.
    text = f"The sign-off window for the record of the {held} with {supervisee.name} has passed: it is taken as agreed; close it with a note."
    yield Reminder(
        session.supervisor_id, "signoff-lapsed", session.key, session.case_ref, due.due, True, text
    )


def _rebooks(snapshot: Snapshot, day: _Day) -> Iterator[Reminder]:
    for session in snapshot.cancellations:
        supervisee = snapshot.people.get(session.supervisee_id or "")
        if supervisee is None:
            continue
        pack = day.policies.for_person(supervisee)
        if session.kind not in pack.deadlines.rebook.kinds:
            continue
        try:
            due = deadline_due(pack, "rebook", session.date)
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        if day.soon(due):
            what = f"The {session.kind} supervision with {supervisee.name} cancelled on {_day_name(session.date)}"
            text = f"{what} should be rebooked: it {_when(due, day.on)}."
            yield Reminder(
                session.supervisor_id,
                "rebook",
                session.key,
                session.case_ref,
                due.due,
                due.overdue_on(day.on),
                text,
            )


def _rota(snapshot: Snapshot, day: _Day) -> Iterator[Reminder]:
    """The presenter a few working days ahead (what to prepare); the whole team the day before."""
    presenter_by = add_working_days(day.on, day.settings.presenter_notice_days)
    day_before = add_working_days(day.on, 1)
    for entry in snapshot.rota:
        subject = f"{entry.team}:{entry.date.isoformat()}"
        when = _day_name(entry.date)
        presenter = entry.roles.get("presenter") or entry.roles.get("lead")
        case = (
            f" Case: {entry.case_ref}."
            if entry.case_ref
            else " The case is still to be chosen with your manager."
        )
        if presenter and day.on < entry.date <= presenter_by:
            group = _team_pack(snapshot, day, entry.team).group_supervision
            prepare = f" Please prepare {group.prepare}." if group and group.prepare else ""
            text = f"You present at {entry.team}'s group supervision on {when}.{case}{prepare}"
            yield Reminder(
                presenter, "rota-presenter", subject, entry.case_ref, entry.date, False, text
            )
        if entry.date == day_before:
            roles = ", ".join(f"{role} {day.name(who)}" for role, who in entry.roles.items() if who)
            text = f"Group supervision for {entry.team} is on {when}: {roles}.{case}"
            for member in (p for p in snapshot.people.values() if p.team == entry.team):
                yield Reminder(
                    member.id, "rota-team", subject, entry.case_ref, entry.date, False, text
                )


def _team_pack(snapshot: Snapshot, day: _Day, team: str) -> PolicyPack:
    """A team's pack: its manager's, else the team's configured one (as the rota planner)."""
    manager = next(
        (p for p in snapshot.people.values() if p.team == team and p.role == Role.TEAM_MANAGER),
        None,
    )
    return (
        day.policies.for_person(manager)
        if manager
        else day.policies.packs[day.policies.team_pack_name(team)]
    )
