"""Reminder rules for supervision itself: individual, case and group supervision."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from policies.due import CaseSchedule, Due, NoRule, case_schedule, group_due, individual_due
from policies.intervals import add_working_days
from policies.packs import PolicyPack
from policies.reminder_day import Day, Reminder, Snapshot, day_name, escalate, when
from policies.subject_reminders import supervisee_route
from policies.vocabulary import Role
from storage.records import Case, Person


def individual(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    for person in snapshot.people.values():
        pack = day.policies.for_person(person)
        try:
            due = day.counted(
                individual_due(
                    pack, person.role, person.started_on, snapshot.last_individual.get(person.id)
                )
            )
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        yield from _agenda_for_supervisor(snapshot, day, person, due)
        if not day.soon(due):
            continue
        overdue, by_when = due.overdue_on(day.on), when(due, day.on)
        yield Reminder(
            person.id,
            "individual",
            person.id,
            None,
            due.due,
            overdue,
            f"Your individual supervision {by_when}.",
        )
        if overdue and day.escalates(due, pack) and pack.escalation.route:
            limit = day.settings.escalate_after_days or pack.escalate_after_days
            text = supervisee_route(pack.escalation.route, limit)
            yield Reminder(person.id, "route", person.id, None, due.due, True, text)
        if person.supervisor_id:
            text = f"Individual supervision with {person.name} {by_when}."
            yield Reminder(
                person.supervisor_id, "individual", person.id, None, due.due, overdue, text
            )
            escalate(day, pack, due, "individual supervision", person.supervisor_id)


def _agenda_for_supervisor(
    snapshot: Snapshot, day: Day, person: Person, due: Due
) -> Iterator[Reminder]:
    """The agenda the supervisee sent goes to the supervisor a few working days before."""
    sent = snapshot.sent_agendas.get(person.id)
    if (
        sent
        and person.supervisor_id
        and day.on < due.due <= add_working_days(day.on, day.settings.agenda_notice_days)
    ):
        text = f"Agenda from {person.name} for supervision due {day_name(due.due)}:\n\n{sent}"
        yield Reminder(person.supervisor_id, "agenda", person.id, None, due.due, False, text)


def cases(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    schedules: dict[
        tuple[str, str, str, bool], CaseSchedule | NoRule
    ] = {}  # resolved once per kind of case
    horizon = day.on + timedelta(days=day.settings.ahead_days)
    for case, last in snapshot.cases:
        worker = snapshot.people.get(case.worker_id)
        if worker is None or not worker.supervisor_id:
            day.sweep.problems["cases whose worker or supervisor is unknown"] += 1
            continue
        pack = day.policies.for_person(worker)
        kind = (pack.name, case.case_type, case.risk, case.key_worker)
        schedule = schedules.get(kind)
        if schedule is None:
            schedule = _schedule(pack, case)
            schedules[kind] = schedule
        if isinstance(schedule, NoRule):
            day.sweep.problems[str(schedule)] += 1
            continue
        due = day.counted(schedule.due(case.allocated_on, last))
        if due.due <= horizon:
            text = f"Case supervision for {case.ref} ({worker.name}) {when(due, day.on)}."
            yield Reminder(
                worker.supervisor_id,
                "case",
                case.ref,
                case.ref,
                due.due,
                due.overdue_on(day.on),
                text,
            )
            escalate(day, pack, due, "case supervision", worker.supervisor_id)


def _schedule(pack: PolicyPack, case: Case) -> CaseSchedule | NoRule:
    try:
        return case_schedule(pack, case.case_type, case.risk, key_worker=case.key_worker)
    except NoRule as exc:
        return exc


def groups(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    managers: dict[str, list[Person]] = {}
    for person in snapshot.people.values():
        if person.role == Role.TEAM_MANAGER:
            managers.setdefault(person.team, []).append(person)
    for team, team_managers in sorted(managers.items()):
        pack = day.policies.packs[day.policies.team_pack_name(team)]
        try:
            last = snapshot.last_group.get(team)
            due = (
                day.counted(group_due(pack, day.policies.service(team), last))
                if last
                else Due(day.on, "none", "")
            )
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        if day.soon(due):
            what = f"Group supervision for {_team(team)}"
            text = (
                f"{what} {when(due, day.on)}."
                if last
                else f"{what}: no group session is on record."
            )
            for manager in team_managers:
                yield Reminder(
                    manager.id, "group", team, None, due.due, due.overdue_on(day.on), text
                )


def _team(team: str) -> str:
    """ "Team A", not "team Team A"; "the Leadership team"."""
    return (
        team
        if team.casefold().startswith("team ") or team.casefold().endswith(" team")
        else f"the {team} team"
    )
