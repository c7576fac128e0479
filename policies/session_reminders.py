"""Reminder rules around sessions: records, sign-offs, rebooking, and the group rota."""

from __future__ import annotations

from collections.abc import Iterator

from policies.due import Due, NoRule, deadline_due
from policies.intervals import add_working_days
from policies.packs import PolicyPack
from policies.reminder_day import Day, Reminder, Snapshot, day_name, escalate, when
from policies.vocabulary import Role
from storage.records import Person, Session


def records(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    for session in snapshot.open_records:
        supervisee = snapshot.people.get(session.supervisee_id or "")
        if supervisee is None:
            continue
        pack = day.policies.for_person(supervisee)
        try:
            if session.recorded_on is None:
                if session.kind not in pack.deadlines.record.kinds:
                    continue
                due = day.counted(deadline_due(pack, "record", session.date))
                if day.soon(due):
                    held = f"{session.kind} supervision of {day_name(session.date)}"
                    text = f"The record of the {held} with {supervisee.name} {when(due, day.on)} to be written up."
                    yield Reminder(
                        session.supervisor_id,
                        "record",
                        session.key,
                        session.case_ref,
                        due.due,
                        due.overdue_on(day.on),
                        text,
                    )
                    escalate(day, pack, due, "record write-up", session.supervisor_id)
                continue
            if session.kind not in pack.deadlines.signoff.kinds:
                continue
            due = day.counted(deadline_due(pack, "signoff", session.recorded_on))
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        yield from _signoff(day, session, supervisee, due)


def _signoff(day: Day, session: Session, supervisee: Person, due: Due) -> Iterator[Reminder]:
    held = f"{session.kind} supervision of {day_name(session.date)}"
    if not due.overdue_on(day.on):
        if day.soon(due):
            text = (
                f"Please agree or dispute the record of your {held}: sign-off {when(due, day.on)}."
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


def rebooks(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    for session in snapshot.cancellations:
        supervisee = snapshot.people.get(session.supervisee_id or "")
        if supervisee is None:
            continue
        pack = day.policies.for_person(supervisee)
        if session.kind not in pack.deadlines.rebook.kinds:
            continue
        sick, returned = session.key in snapshot.sickness, snapshot.sickness.get(session.key)
        from_return = sick and pack.deadlines.rebook.after_sickness_from_return
        if from_return and returned is None:
            continue  # rebooked from the return to work, not yet known
        try:
            due = day.counted(deadline_due(pack, "rebook", session.date, returned=returned))
        except NoRule as exc:
            day.sweep.problems[str(exc)] += 1
            continue
        if day.soon(due):
            what = f"The {session.kind} supervision with {supervisee.name} cancelled on {day_name(session.date)}"
            if from_return and returned is not None:
                what += f" through sickness (return to work on {day_name(returned)})"
            text = f"{what} should be rebooked: it {when(due, day.on)}."
            yield Reminder(
                session.supervisor_id,
                "rebook",
                session.key,
                session.case_ref,
                due.due,
                due.overdue_on(day.on),
                text,
            )


def rota(snapshot: Snapshot, day: Day) -> Iterator[Reminder]:
    """The presenter a few working days ahead (what to prepare); the whole team the day before."""
    presenter_by = add_working_days(day.on, day.settings.presenter_notice_days)
    day_before = add_working_days(day.on, 1)
    for entry in snapshot.rota:
        subject = f"{entry.team}:{entry.date.isoformat()}"
        when = day_name(entry.date)
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


def _team_pack(snapshot: Snapshot, day: Day, team: str) -> PolicyPack:
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
