"""Reminders already satisfied when their digest goes out: the person was unreachable, or the
digest waited for the dispatcher, and meanwhile the supervision was held, the record written
or agreed, the cancelled session rebooked. They are dropped from the digest and marked done,
never sent.

Each reminder kind says what satisfies it, read again from the store when its digest is about
to go: a session's record or sign-off date (record, sign-off), the due date the pack gives now
moving past the queued one (individual, the supervisee's escalation route, case, group),
the sweep's own test for an unrebooked cancellation (rebook), and an agreement signed since
the change of supervisor (agreement). Kinds with nothing to satisfy
them (agendas, rota notices, the pack's declared subjects, escalations gathered over many
people) are always sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from policies.assignment import PackAssignment
from policies.due import NoRule, case_schedule, group_due, individual_due
from policies.packs import PolicyError
from storage.records import OutboxItem
from storage.sql import SqlTransaction


@dataclass(frozen=True, slots=True)
class Queued:
    """A queued reminder read back from its key (`to|kind|subject|due`; a session subject is
    itself `kind|date|supervisee|case`)."""

    kind: str
    subject: str
    due: date

    @classmethod
    def read(cls, item: OutboxItem) -> Queued | None:
        parts = item.key.split("|")
        if len(parts) < 4:
            return None
        return cls(item.kind, "|".join(parts[2:-1]), item.due)


Check = Callable[[SqlTransaction, PackAssignment, Queued], bool]


def satisfied(tx: SqlTransaction, items: list[OutboxItem], policies: PackAssignment) -> set[str]:
    """The keys of `items` that what has happened since they were queued has satisfied."""
    done: set[str] = set()
    for item in items:
        queued = Queued.read(item)
        check = CHECKS.get(item.kind)
        if queued is None or check is None:
            continue
        try:
            if check(tx, policies, queued):
                done.add(item.key)
        except (NoRule, PolicyError, ValueError):
            continue  # unreadable now: sent as it was queued
    return done


def _session_done(field: str) -> Check:
    """Record and sign-off: every session under the key has the date set."""

    def check(tx: SqlTransaction, _policies: PackAssignment, queued: Queued) -> bool:
        _kind, held, supervisee, _case = queued.subject.split("|")
        day = date.fromisoformat(held)
        sessions = [s for s in tx.sessions_on(supervisee, day) if s.key == queued.subject]
        return bool(sessions) and all(getattr(s, field) is not None for s in sessions)

    return check


DueNow = Callable[[SqlTransaction, PackAssignment, str], date | None]


def _moved_on(due_now: DueNow) -> Check:
    """Supervision held since: the pack now gives a later due date than the queued one."""

    def check(tx: SqlTransaction, policies: PackAssignment, queued: Queued) -> bool:
        now = due_now(tx, policies, queued.subject)
        return now is not None and now > queued.due

    return check


def _individual(tx: SqlTransaction, policies: PackAssignment, person_id: str) -> date | None:
    person = tx.person(person_id)
    if person is None:
        return None
    last, _cases = tx.supervision_history(person.id)
    return individual_due(policies.for_person(person), person.role, person.started_on, last).due


def _case(tx: SqlTransaction, policies: PackAssignment, ref: str) -> date | None:
    case = tx.case(ref)
    worker = tx.person(case.worker_id) if case is not None else None
    if case is None or worker is None:
        return None
    _last, cases = tx.supervision_history(worker.id)
    last = next((held for c, held in cases if c.ref == ref), None)
    schedule = case_schedule(policies.for_person(worker), case.case_type, case.risk)
    return schedule.due(case.allocated_on, last).due


def _group(tx: SqlTransaction, policies: PackAssignment, team: str) -> date | None:
    last = tx.directory.last_group().get(team)
    if last is None:
        return None
    pack = policies.packs[policies.team_pack_name(team)]
    return group_due(pack, policies.service(team), last).due


def _rebooked(tx: SqlTransaction, _policies: PackAssignment, queued: Queued) -> bool:
    cancelled_on = date.fromisoformat(queued.subject.split("|")[1])
    waiting = tx.directory.unrebooked_cancellations(cancelled_on)
    return all(s.key != queued.subject for s in waiting)


def _agreed(tx: SqlTransaction, _policies: PackAssignment, queued: Queued) -> bool:
    """An agreement after a change of supervisor (`person/agreement/day`): signed since."""
    person_id, _agreement, changed = queued.subject.split("/")
    signed = tx.last_held(person_id, "agreement")
    return signed is not None and signed >= date.fromisoformat(changed)


CHECKS: dict[str, Check] = {
    "record": _session_done("recorded_on"),
    "signoff": _session_done("signed_off_on"),
    "individual": _moved_on(_individual),
    "route": _moved_on(_individual),
    "case": _moved_on(_case),
    "group": _moved_on(_group),
    "rebook": _rebooked,
    "agreement": _agreed,
}
