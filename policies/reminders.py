"""What is due soon or overdue on a day, for everyone: the pure part of the reminder sweep.

Storage supplies a `Snapshot`; this module applies each person's policy pack and returns
`Reminder`s, each addressed to whoever owes the next step. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from policies.assignment import PackAssignment
from policies.packs import PolicyPack
from policies.person_reminders import agreements, records_handovers, supervisor_absences
from policies.reminder_day import Day, Reminder, ReminderSettings, Snapshot, Sweep, escalations
from policies.session_reminders import rebooks, records, rota
from policies.subject_reminders import case_events, case_subjects, person_subjects
from policies.supervision_reminders import cases, groups, individual

__all__ = ["Reminder", "ReminderSettings", "Snapshot", "Sweep", "case_horizon", "compute"]


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
    snapshot = without_broken_packs(snapshot, policies, sweep)
    day = Day(on, settings, snapshot.people, policies, sweep)
    for source in (
        individual(snapshot, day),
        cases(snapshot, day),
        groups(snapshot, day),
        records(snapshot, day),
        rebooks(snapshot, day),
        rota(snapshot, day),
        person_subjects(snapshot, day),
        case_subjects(snapshot, day),
        case_events(snapshot, day),
        agreements(snapshot, day),
        records_handovers(snapshot, day),
        supervisor_absences(snapshot, day),
        escalations(day),  # last: gathered while the others ran
    ):
        sweep.reminders.extend(r for r in source if r.to not in snapshot.on_leave)
    return sweep


def without_broken_packs(snapshot: Snapshot, policies: PackAssignment, sweep: Sweep) -> Snapshot:
    """The snapshot without the people, cases, sessions and teams of a broken pack: the other
    councils are still reminded, and the sweep reports how many people were left out."""
    if not policies.broken:
        return snapshot
    left_out = {pid for pid, p in snapshot.people.items() if policies.is_broken(p)}
    for pid in left_out:
        sweep.problems[f"policy pack {policies.pack_name(snapshot.people[pid])} is broken"] += 1
    teams = {
        t
        for t in {p.team for p in snapshot.people.values()}
        if policies.team_pack_name(t) in policies.broken
    }
    if not left_out and not teams:
        return snapshot
    return replace(
        snapshot,
        people={k: v for k, v in snapshot.people.items() if k not in left_out},
        cases=[(c, last) for c, last in snapshot.cases if c.worker_id not in left_out],
        last_individual={k: v for k, v in snapshot.last_individual.items() if k not in left_out},
        last_group={k: v for k, v in snapshot.last_group.items() if k not in teams},
        open_records=[s for s in snapshot.open_records if s.supervisee_id not in left_out],
        cancellations=[s for s in snapshot.cancellations if s.supervisee_id not in left_out],
        rota=[r for r in snapshot.rota if r.team not in teams],
    )
