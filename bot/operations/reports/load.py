"""Reading a report's data for a scope and a period, in one transaction."""

from __future__ import annotations

import calendar
from datetime import date
from difflib import get_close_matches

from bot.errors import AssistantError
from bot.operations.reminders import paused_gc
from bot.operations.reports.case_figures import CaseRules
from bot.operations.reports.model import Period, ReportData
from bot.operations.reports.scope import Scope, span
from policies.assignment import PackAssignment
from storage.oversight import OversightSql
from storage.records import Person, Session
from storage.sql import SqlStore, SqlTransaction


class ReportError(AssistantError):
    """A report cannot be made as asked (unknown team or manager, a bad period)."""


def month(text: str) -> Period:
    """ "2026-11" as the period 1-30 November 2026."""
    try:
        year, number = (int(part) for part in text.split("-"))
        last = calendar.monthrange(year, number)[1]
        return Period(date(year, number, 1), date(year, number, last))
    except ValueError as exc:
        raise ReportError(f"--month: {text!r} is not a month like 2026-11") from exc


def period(start: date, end: date) -> Period:
    if end < start:
        raise ReportError(f"--to {end} is before --from {start}")
    return Period(start, end)


def begun(when: Period, today: date) -> Period:
    """`when`, refused if it has not begun by `today` (a report measures what happened)."""
    if when.start > today:
        raise ReportError(f"{when.label} has not begun yet (today is {today.isoformat()})")
    return when


def so_far(when: Period, today: date) -> Period:
    """`when` as far as it has gone by `today`: a month still running is measured up to
    today, so a due date later in it is not counted missed yet."""
    return Period(when.start, min(when.end, today))


async def load(
    store: SqlStore,
    scope: Scope,
    when: Period,
    policies: PackAssignment,
    go_live: date | None = None,
) -> ReportData:
    """Everything `compute` needs for `scope` over `when` under `policies`."""
    with paused_gc():  # a council's rows are hundreds of thousands of small acyclic objects
        # Beside the writes, not queued with them: a council's report takes a second or more
        # to read, and acknowledgements wait for nothing but other writes (storage/sql.py).
        return await store.read_sql(lambda tx: read(tx, scope, when, policies, go_live))


def read(
    tx: SqlTransaction,
    scope: Scope,
    when: Period,
    policies: PackAssignment,
    go_live: date | None = None,
) -> ReportData:
    """`load`, inside a transaction the caller already holds."""
    people, ids = members(tx, scope)
    return read_for(tx, people, ids, when, scope.label, policies, go_live)


async def load_sessions(
    store: SqlStore, scope: Scope, when: Period
) -> tuple[list[Person], list[Session]]:
    """The scope's people and the held sessions of the period (for an audit sample), with
    the sessions' supervisors from outside the scope (so that the sample names them)."""

    def read_sessions(tx: SqlTransaction) -> tuple[list[Person], list[Session]]:
        people, ids = members(tx, scope)
        sessions = tx.oversight.sessions(ids, when.start, when.end, held_only=True)
        outside = sorted({s.supervisor_id for s in sessions} - {p.id for p in people})
        found = (tx.person(i) for i in outside)
        return [*people, *(p for p in found if p is not None)], sessions

    return await store.read_sql(read_sessions)


def members(tx: SqlTransaction, scope: Scope) -> tuple[list[Person], list[str] | None]:
    """The scope's people, and their ids (None for the whole council: no filter)."""
    data = tx.oversight
    if scope.kind == "council":
        return data.people(), None
    if scope.kind == "team":
        people = data.people(teams=scope.teams or (scope.name,))
        if not people:
            raise ReportError(f"no team {scope.name!r} in the directory{_like(data, scope.name)}")
        return people, [p.id for p in people]
    everyone = data.people()
    if not any(p.id == scope.manager for p in everyone):
        raise ReportError(f"no person {scope.manager!r} in the directory")
    people = span(everyone, scope.manager or "")
    if not people:
        raise ReportError(f"{scope.manager} supervises or manages nobody in the directory")
    return people, [p.id for p in people]


def _like(data: OversightSql, name: str) -> str:
    """ " (did you mean 'Team A'?)" for a team name typed in another case or nearly right."""
    teams = data.teams()
    same = [t for t in teams if t.casefold() == name.casefold()]
    close = same or get_close_matches(name, teams, n=3)
    return f" (did you mean {' or '.join(repr(t) for t in close)}?)" if close else ""


def read_for(
    tx: SqlTransaction,
    people: list[Person],
    ids: list[str] | None,
    when: Period,
    label: str,
    policies: PackAssignment,
    go_live: date | None = None,
) -> ReportData:
    """The report data of these people (`ids` None: everyone, without filtering); open
    cases are counted against the cutoffs of `policies`' case rules; nothing is overdue
    from before `go_live`."""
    data = tx.oversight
    cutoffs = CaseRules(policies, when.end).every_cutoff()
    return ReportData(
        period=when,
        scope=label,
        people=people,
        leave=data.leave(ids, when.start, when.end),
        sessions=data.held(ids, when.start, when.end),
        last_individual=data.last_individual_before(ids, when.start),
        last_group=data.last_group_before(ids, when.start),
        case_groups=data.case_groups(ids, when.end, cutoffs),
        cutoffs=cutoffs,
        agreements=data.held_dates(ids, "agreement", when.end),
        observations=data.held_dates(ids, "observation", when.end),
        supervisor_changed=_supervisor_changed(tx, people, ids, when.end),
        go_live=go_live,
    )


def _supervisor_changed(
    tx: SqlTransaction, people: list[Person], ids: list[str] | None, end: date
) -> dict[str, date]:
    """The last recorded change of each person's supervisor to the one they have now, by
    `end` (a new supervision agreement may be due: Somerset 7.2)."""
    now = {p.id: p.supervisor_id for p in people}
    return {
        c.person_id: c.on
        for c in tx.person_events.supervisor_changes(ids)  # oldest first: the last one wins
        if c.on <= end and c.person_id in now and c.supervisor_id == now[c.person_id]
    }
