"""The report's case figures, counted in the database against each rule's cutoff, are the
figures of the per-case computation they replaced (each open case's due date from its rule,
one by one), on a generated council, on SQLite and PostgreSQL.

Period ends are chosen to catch edges: a month after the last allocation, a month in the
middle of the history, a bank holiday (Monday 31 August 2026) and a Saturday."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import Connection, func, select

from benchmarks.generate import PACKS, generate
from bot.operations.reports.compliance import compute
from bot.operations.reports.load import load, period
from bot.operations.reports.measures import Accumulator
from bot.operations.reports.model import Report
from bot.operations.reports.scope import Scope
from policies.assignment import PackAssignment, TeamSettings
from policies.due import Due, NoRule, case_schedule
from policies.packs import load_packs
from storage.db import create_engine
from storage.directory import CASE_COLUMNS, DirectorySql
from storage.records import Case, Person
from storage.sql import SqlStore
from storage.tables import CaseRow, SessionRow

pytestmark = pytest.mark.asyncio
ENDS = [date(2026, 11, 30), date(2026, 10, 31), date(2026, 8, 31), date(2026, 6, 13)]
STAFF, CASES, SESSIONS = 400, 4000, 16000
Figures = tuple[int, int, int, int, int]


def assignment() -> PackAssignment:
    teams = {f"Team {t}": TeamSettings(policy=PACKS[t % 5]) for t in range(STAFF // 10)}
    return PackAssignment(packs=load_packs(), default="southwark", teams=teams)


async def per_case(
    store: SqlStore, end: date, policies: PackAssignment
) -> tuple[
    dict[str, tuple[Figures, set[str]]], dict[tuple[str, str, str], tuple[Figures, set[str]]]
]:
    """The figures as the report computed them before: every case's due date, one by one."""
    people, cases = await store.run_sql(
        lambda tx: (tx.oversight.people(), _cases_sought(tx._db, end))
    )
    cases_of: dict[str, list[tuple[Case, date | None]]] = defaultdict(list)
    for case, last in cases:
        cases_of[case.worker_id].append((case, last))
    persons: dict[str, Accumulator] = {}
    lines: dict[tuple[str, str, str], Accumulator] = defaultdict(Accumulator)
    for person in people:
        persons[person.id] = mine = Accumulator()
        for case, last in cases_of[person.id]:
            due = _due(person, case, last, policies)
            if due is not None:
                mine.stand(due, end)
                lines[(person.team, case.case_type, case.risk)].stand(due, end)
    return (
        {who: _figures(a) for who, a in persons.items()},
        {key: _figures(a) for key, a in lines.items()},
    )


def _cases_sought(db: Connection, end: date) -> list[tuple[Case, date | None]]:
    """Open cases with their last held case supervision by `end`, sought in the sessions
    themselves (not the date kept on the case row, which the report reads)."""
    last = (
        select(func.max(SessionRow.date))
        .where(
            SessionRow.kind == "case",
            SessionRow.status == "held",
            SessionRow.case_ref == CaseRow.ref,
            SessionRow.date <= end,
        )
        .scalar_subquery()
    )
    rows = db.execute(select(*CASE_COLUMNS, last).where(CaseRow.allocated_on <= end)).all()
    return [(Case(*row[:-1]), row[-1]) for row in rows]


def _due(person: Person, case: Case, last: date | None, policies: PackAssignment) -> Due | None:
    pack = policies.for_person(person)
    try:
        schedule = case_schedule(pack, case.case_type, case.risk, key_worker=case.key_worker)
    except NoRule:
        return None
    return schedule.due(case.allocated_on, last)


def _figures(a: Accumulator) -> tuple[Figures, set[str]]:
    t = a.tally()
    return (t.due, t.on_time, t.late, t.missed, t.worst_days), {r.id for r in t.rules}


def report_figures(
    report: Report,
) -> tuple[dict[str, tuple[Figures, set[str]]], dict[tuple[str, str, str], tuple[Figures, str]]]:
    people = {}
    for row in report.people:
        t = row.tallies["case"]
        assert [r.id for r in t.rules] == sorted(r.id for r in t.rules)
        figures = (t.due, t.on_time, t.late, t.missed, t.worst_days)
        people[row.person_id or ""] = figures, {r.id for r in t.rules}
    lines = {
        (c.team, c.case_type, c.risk): (
            (c.open, c.open - c.overdue, 0, c.overdue, c.longest_overdue_days),
            c.rule.id,
        )
        for c in report.cases
    }
    return people, lines


@pytest.fixture
async def council(sql_store: SqlStore, database_url: str) -> SqlStore:
    """The generated council, and a case never yet discussed for every worker with cases
    (the generator supervises every case), allocated on a different day of 2026 each, of
    every pack's case types in turn (the standard ones and the packs' own), every third one
    held by someone who is not its key worker."""
    generate(database_url, STAFF, CASES, SESSIONS)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        workers = sorted({w for (w,) in connection.execute(select(CaseRow.worker_id))})
        DirectorySql(connection).upsert_cases(
            [
                Case(
                    f"NEW-{n}",
                    w,
                    CASE_TYPES[n % len(CASE_TYPES)],
                    RISKS[n % 2],
                    _day(n),
                    key_worker=n % 3 != 0,
                )
                for n, w in enumerate(workers)
            ]
        )
    engine.dispose()
    return sql_store


CASE_TYPES = sorted({t for pack in load_packs().values() for t in pack.case_types})
RISKS = ["standard", "high"]


def _day(n: int) -> date:
    return date.fromordinal(date(2026, 1, 1).toordinal() + (n * 7) % 330)


@pytest.mark.parametrize("end", ENDS, ids=str)
async def test_counted_case_figures_equal_the_per_case_computation(
    council: SqlStore, end: date
) -> None:
    policies = assignment()
    when = period(end.replace(day=1), end)
    report = compute(await load(council, Scope("council", "council"), when, policies), policies)
    people, lines = report_figures(report)
    expected_people, expected_lines = await per_case(council, end, policies)
    assert people == expected_people
    assert {k: v[0] for k, v in lines.items()} == {k: v[0] for k, v in expected_lines.items()}
    for key, (_, rule) in lines.items():
        assert rule == min(expected_lines[key][1])  # the first of the line's rules by id
    assert sum(f[3] for f, _ in people.values()) > 0  # some cases are overdue,
    assert sum(f[1] for f, _ in people.values()) > 0  # some are not,
    rules = set().union(*(r for _, r in people.values()))
    assert any(r.endswith("first_case_discussion") for r in rules)  # every kind of rule
    assert "manchester.case.not-key-worker" in rules


async def test_a_team_is_counted_like_the_council(council: SqlStore) -> None:
    policies = assignment()
    when = period(date(2026, 11, 1), date(2026, 11, 30))
    everyone = compute(await load(council, Scope("council", "council"), when, policies), policies)
    team = Scope("team", "Team 7", teams=("Team 7",))
    one = compute(await load(council, team, when, policies), policies)
    whole = {r.person_id: r.tallies["case"] for r in everyone.people if r.team == "Team 7"}
    assert {r.person_id: r.tallies["case"] for r in one.people} == whole
    assert one.cases == [c for c in everyone.cases if c.team == "Team 7"]
