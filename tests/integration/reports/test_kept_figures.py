"""Kept report figures (bot/operations/reports/kept.py): a team's kept share is used while its
data are unchanged, and every kind of write to its data, through the code that really writes
it, makes the next report the freshly computed one. On SQLite and PostgreSQL.

To see whether a kept share was used, each test marks the kept shares (the team's own row
says 999 individual supervisions were due): a report showing 999 used the kept share, one
equal to a fresh `compute` did not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.operations.reports import kept as kept_reports
from bot.operations.reports.compliance import compute
from bot.operations.reports.kept import decode, encode, report, rules_fingerprint
from bot.operations.reports.load import load, month
from bot.operations.reports.measures import Tally
from bot.operations.reports.model import Period, Report
from bot.operations.reports.scope import Scope
from policies.assignment import PackAssignment, TeamSettings
from policies.packs import load_packs
from storage.db import create_engine
from storage.directory import DirectorySql
from storage.kept_figures import KeptFigures, KeptFiguresSql
from storage.oversight import OversightSql
from storage.records import Case, Session
from storage.sql import SqlStore, SqlTransaction
from storage.subject import erase
from storage.tables import Base
from tests import oversight_fixture as fx

pytestmark = pytest.mark.asyncio

COUNCIL = Scope("council", "council")
WHEN = month(fx.MONTH)
MARK = 999


def assignment(**teams: str) -> PackAssignment:
    settings = {team: TeamSettings(policy=pack) for team, pack in teams.items()}
    return PackAssignment(packs=load_packs(), default="manchester", teams=settings)


async def fresh(store: SqlStore, scope: Scope, rules: PackAssignment) -> Report:
    return compute(await load(store, scope, WHEN, rules), rules)


async def mark_kept(store: SqlStore, rules: PackAssignment, when: Period = WHEN) -> list[str]:
    """Mark every kept share (its team's individual supervision due: 999); the teams marked."""
    fingerprint = rules_fingerprint(rules)

    def mark(tx: SqlTransaction) -> list[str]:
        kept = tx.kept_figures.kept(when.start, when.end, fingerprint)
        marked = []
        for k in kept.values():
            part = decode(k.team, k.figures)
            individual = part.row.tallies.get("individual", Tally())._replace(due=MARK)
            tallies = part.row.tallies | {"individual": individual}
            text = encode(replace(part, row=replace(part.row, tallies=tallies)))
            marked.append(KeptFigures(k.team, k.version, text))
        tx.kept_figures.keep(when.start, when.end, fingerprint, marked, datetime.now(UTC))
        return sorted(k.team for k in marked)

    return await store.run_sql(mark)


def marked_teams(made: Report) -> list[str]:
    return sorted(
        row.team for row in made.teams if row.tallies.get("individual", Tally()).due == MARK
    )


async def test_a_second_report_uses_the_kept_shares_and_equals_a_fresh_one(
    sql_store: SqlStore,
) -> None:
    await fx.seed(sql_store)
    rules = assignment()
    first = await report(sql_store, COUNCIL, WHEN, rules)
    assert first == await fresh(sql_store, COUNCIL, rules)
    assert await report(sql_store, COUNCIL, WHEN, rules) == first
    teams = [row.team for row in first.teams]
    assert await mark_kept(sql_store, rules) == teams  # every team was kept
    assert marked_teams(await report(sql_store, COUNCIL, WHEN, rules)) == teams


def new_session(tx: SqlTransaction) -> None:
    tx.directory.upsert_sessions([fx.held("individual", date(2026, 11, 24), "sw3", "m1")])


def changed_session(tx: SqlTransaction) -> None:  # the same session, its record now written
    case = fx.held("case", date(2026, 11, 26), "sw2", "m1", "CR-4", recorded=date(2026, 11, 27))
    tx.directory.upsert_sessions([case])


def cancelled_session(tx: SqlTransaction) -> None:
    tx.directory.upsert_sessions(
        [Session("individual", date(2026, 11, 16), "sw1", "m1", None, "cancelled")]
    )


def new_case(tx: SqlTransaction) -> None:
    tx.directory.upsert_cases([Case("CR-7", "sw2", "child_protection", "high", date(2026, 6, 1))])


def leave(tx: SqlTransaction) -> None:
    tx.directory.add_leave("sw1", date(2026, 11, 2), date(2026, 11, 27))


def new_supervisor(tx: SqlTransaction) -> None:
    moved = [replace(p, supervisor_id="h1") for p in fx.PEOPLE if p.id == "sw2"]
    tx.person_events.note_supervisors(moved, {"sw2": date(2026, 11, 3)}, date(2026, 11, 3), "t")


def left(tx: SqlTransaction) -> None:
    tx.directory.mark_leavers({"m1", "sw1", "sw2", "sw3", "st1"}, {fx.TEAM}, date(2026, 11, 20))


WRITES: dict[str, Callable[[SqlTransaction], None]] = {
    "a session recorded": new_session,
    "a session's record written": changed_session,
    "a session cancelled": cancelled_session,
    "a case allocated": new_case,
    "leave booked": leave,
    "a change of supervisor": new_supervisor,
    "someone left": left,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_a_write_to_a_teams_data_makes_its_next_figures_fresh_and_leaves_the_others_kept(
    sql_store: SqlStore, write: Callable[[SqlTransaction], None]
) -> None:
    await fx.seed(sql_store)
    rules = assignment()
    await report(sql_store, COUNCIL, WHEN, rules)
    await mark_kept(sql_store, rules)
    await sql_store.run_sql(write)  # every write here is to the North team's data
    after = await report(sql_store, COUNCIL, WHEN, rules)
    assert fx.TEAM not in marked_teams(after)
    assert fx.OTHER_TEAM in marked_teams(after)
    expected = await fresh(sql_store, COUNCIL, rules)
    north = [row for row in after.people if row.team == fx.TEAM]
    assert north == [row for row in expected.people if row.team == fx.TEAM]
    assert after.cases == expected.cases  # only North has open cases of a rule here


async def test_moving_someone_to_another_team_refreshes_both_teams(sql_store: SqlStore) -> None:
    await fx.seed(sql_store)
    rules = assignment()
    await report(sql_store, COUNCIL, WHEN, rules)
    await mark_kept(sql_store, rules)
    moved = [replace(p, team=fx.OTHER_TEAM) for p in fx.PEOPLE if p.id == "sw1"]
    await sql_store.run_sql(lambda tx: tx.directory.upsert_people(moved))
    after = await report(sql_store, COUNCIL, WHEN, rules)
    assert marked_teams(after) == ["Leadership", "Quality"]
    expected = await fresh(sql_store, COUNCIL, rules)
    both = {fx.TEAM, fx.OTHER_TEAM}
    for made in (after, expected):
        made.people[:] = [row for row in made.people if row.team in both]
        made.teams[:] = [row for row in made.teams if row.team in both]
    assert after == expected


async def test_erasing_someone_drops_their_teams_kept_figures(sql_store: SqlStore) -> None:
    await fx.seed(sql_store)
    rules = assignment()
    await report(sql_store, COUNCIL, WHEN, rules)
    fingerprint = rules_fingerprint(rules)
    await sql_store.run_sql(lambda tx: tx.subjects.erase("sw2", "erased social worker 1"))
    kept = await sql_store.run_sql(
        lambda tx: tx.kept_figures.kept(WHEN.start, WHEN.end, fingerprint)
    )
    assert fx.TEAM not in kept and fx.OTHER_TEAM in kept
    assert not any("Priya" in k.figures or '"sw2"' in k.figures for k in kept.values())


async def test_other_rules_or_another_period_are_not_answered_from_kept_figures(
    sql_store: SqlStore,
) -> None:
    await fx.seed(sql_store)
    rules = assignment()
    await report(sql_store, COUNCIL, WHEN, rules)
    await mark_kept(sql_store, rules)
    somerset = assignment(North="somerset")
    assert rules_fingerprint(somerset) != rules_fingerprint(rules)
    assert rules_fingerprint(rules, date(2026, 11, 16)) != rules_fingerprint(rules)
    assert await report(sql_store, COUNCIL, WHEN, somerset) == await fresh(
        sql_store, COUNCIL, somerset
    )
    october = month("2026-10")
    made = await report(sql_store, COUNCIL, october, rules)
    assert made == compute(await load(sql_store, COUNCIL, october, rules), rules)


async def test_a_year_of_monthly_reports_keeps_the_thirteen_most_recent_months(
    sql_store: SqlStore,
) -> None:
    """Kept figures name people: a period's go once 13 others were kept after it."""
    await fx.seed(sql_store)
    rules = assignment()
    months = [month(f"{2025 + (m // 12)}-{m % 12 + 1:02d}") for m in range(10, 25)]  # 15
    for when in months:
        await report(sql_store, COUNCIL, when, rules)
    assert await kept_periods(sql_store) == [(m.start, m.end) for m in months[2:]]
    await report(sql_store, COUNCIL, months[0], rules)  # asked for again: kept again
    assert await kept_periods(sql_store) == sorted(
        (m.start, m.end) for m in months[:1] + months[3:]
    )


async def test_keeping_figures_drops_those_of_the_oldest_periods_and_of_other_rules(
    sql_store: SqlStore,
) -> None:
    await fx.seed(sql_store)
    versions = await sql_store.run_sql(lambda tx: tx.kept_figures.versions())
    figures = [KeptFigures(team, version, "{}") for team, version in versions.items()]
    start = datetime(2026, 11, 27, 9, tzinfo=UTC)
    days = [date(2026, 1, d) for d in range(1, 5)]

    def keep(day: date, rules: str, hours: int) -> Callable[[SqlTransaction], None]:
        at = start + timedelta(hours=hours)
        return lambda tx: tx.kept_figures.keep(day, day, rules, figures, at, periods=2)

    for hours, day in enumerate(days[:3]):
        await sql_store.run_sql(keep(day, "old rules", hours))
    assert await kept_periods(sql_store) == [(d, d) for d in days[1:3]]
    await sql_store.run_sql(keep(days[1], "old rules", 5))  # 1 January again, later
    assert await kept_periods(sql_store) == [(d, d) for d in days[1:3]]
    await sql_store.run_sql(keep(days[3], "old rules", 6))
    assert await kept_periods(sql_store) == [(d, d) for d in (days[1], days[3])]
    await sql_store.run_sql(keep(days[0], "new rules", 7))  # a release: the rest are useless
    assert await kept_periods(sql_store) == [(days[0], days[0])]


async def kept_periods(store: SqlStore) -> list[tuple[date, date]]:
    """The periods with kept figures (each kept for every team alike)."""
    found = await store.run_sql(lambda tx: tx.kept_figures.periods())
    assert len(set(found.values())) <= 1
    return sorted(found)


async def test_a_span_that_cuts_a_team_neither_keeps_nor_uses_that_teams_figures(
    sql_store: SqlStore,
) -> None:
    """Maya's span is North without Maya herself: North's share there is not North's."""
    await fx.seed(sql_store)
    rules = assignment()
    maya = Scope("manager", "m1", manager="m1")
    assert await report(sql_store, maya, WHEN, rules) == await fresh(sql_store, maya, rules)
    assert await mark_kept(sql_store, rules) == []
    await report(sql_store, COUNCIL, WHEN, rules)
    assert await mark_kept(sql_store, rules) == ["Leadership", "North", "Quality", "South"]
    assert marked_teams(await report(sql_store, maya, WHEN, rules)) == []
    hana = Scope("manager", "h1", manager="h1")  # North and South whole; Leadership not
    assert marked_teams(await report(sql_store, hana, WHEN, rules)) == ["North", "South"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_write_committed_while_a_report_reads_leaves_no_stale_kept_figures(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session is committed elsewhere between the report's read of the team versions and
    its read of the sessions. The report reads one snapshot (PostgreSQL would otherwise read
    each statement at its own moment), so its figures for North are without the session;
    when it comes to keep them, North's version has moved on and they are not kept. The next
    report computes North again, with the session."""
    other = create_engine(database_url)
    store = SqlStore(engine=create_engine(database_url))
    try:
        await fx.seed(store)
        rules = assignment()
        written: list[bool] = []

        def then_a_session_elsewhere(read: Callable[..., Any]) -> Callable[..., Any]:
            def reading(*args: Any, **kwargs: Any) -> Any:
                found = read(*args, **kwargs)
                if not written:  # after the first of the two reads, whichever it is
                    with other.begin() as connection:
                        session = fx.held("individual", date(2026, 11, 24), "sw3", "m1")
                        DirectorySql(connection).upsert_sessions([session])
                    written.append(True)
                return found

            return reading

        for owner, name in ((KeptFiguresSql, "versions"), (OversightSql, "held")):
            monkeypatch.setattr(owner, name, then_a_session_elsewhere(getattr(owner, name)))
        await report(store, COUNCIL, WHEN, rules)
        assert await mark_kept(store, rules) == ["Leadership", "Quality", "South"]
        after = await report(store, COUNCIL, WHEN, rules)
        assert marked_teams(after) == ["Leadership", "Quality", "South"]
        sw3 = next(row for row in after.people if row.person_id == "sw3")
        assert sw3 == next(
            row for row in (await fresh(store, COUNCIL, rules)).people if row.person_id == "sw3"
        )
    finally:
        await store.close()
        other.dispose()


async def test_importing_the_same_rows_again_keeps_every_teams_figures(sql_store: SqlStore) -> None:
    """A nightly import of unchanged people, cases and sessions rewrites rows with what they
    hold already: no team's data changed, so no figure needs computing again."""
    await fx.seed(sql_store)
    rules = assignment()
    await report(sql_store, COUNCIL, WHEN, rules)
    teams = await mark_kept(sql_store, rules)
    await sql_store.run_sql(fx.load_again)
    assert marked_teams(await report(sql_store, COUNCIL, WHEN, rules)) == teams


WATCHED = ("people", "sessions", "cases", "leave_periods", "person_events")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_column_of_a_watched_table_is_watched_on_sqlite(database_url: str) -> None:
    """SQLite's update triggers list the columns whose change makes figures stale (migration
    0021): a column added to one of these tables must be added to its trigger too."""
    engine = create_engine(database_url)
    with engine.connect() as db:
        triggers = dict(
            db.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
        )
    engine.dispose()
    for table in WATCHED:
        watched = triggers[f"report_versions_{table}_update"]
        for column in Base.metadata.tables[table].columns:
            assert f"OLD.{column.name} IS NOT NEW.{column.name}" in watched, (table, column.name)


async def test_a_case_session_with_someone_else_refreshes_the_case_workers_team(
    sql_store: SqlStore,
) -> None:
    """CR-9 is Zed's (South) and was last supervised on 20 November. A supervision of it in
    October, recorded later with Sam of North (the case was his then), leaves the case's
    kept last date alone but is October's last case supervision of CR-9: South's October
    figures must be computed again, not only North's."""
    await fx.seed(sql_store)
    rules = assignment()
    latest = fx.held("case", date(2026, 11, 20), "sw9", "m2", "CR-9")
    await sql_store.run_sql(lambda tx: tx.directory.upsert_sessions([latest]))
    october = month("2026-10")
    await report(sql_store, COUNCIL, october, rules)
    await mark_kept(sql_store, rules, october)
    earlier = fx.held("case", date(2026, 10, 10), "sw1", "m1", "CR-9")
    await sql_store.run_sql(lambda tx: tx.directory.upsert_sessions([earlier]))
    after = await report(sql_store, COUNCIL, october, rules)
    assert marked_teams(after) == ["Leadership", "Quality"]
    assert after.cases == compute(await load(sql_store, COUNCIL, october, rules), rules).cases


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_someone_moving_team_while_a_report_reads_is_in_it_once(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sam moves from North to South, committed elsewhere just after the report read the
    team versions. Read as one snapshot, the report has Sam once (in North, as the snapshot
    had him); the next report has him in South."""
    other = create_engine(database_url)
    store = SqlStore(engine=create_engine(database_url))
    try:
        await fx.seed(store)
        rules = assignment()
        await report(store, COUNCIL, WHEN, rules)  # every team kept
        versions = KeptFiguresSql.versions

        def versions_then_a_move(self: KeptFiguresSql) -> dict[str, int]:
            found = versions(self)
            monkeypatch.setattr(KeptFiguresSql, "versions", versions)  # once only
            moved = [replace(p, team=fx.OTHER_TEAM) for p in fx.PEOPLE if p.id == "sw1"]
            with other.begin() as connection:
                DirectorySql(connection).upsert_people(moved)
            return found

        monkeypatch.setattr(KeptFiguresSql, "versions", versions_then_a_move)
        during = await report(store, COUNCIL, WHEN, rules)
        assert [row.team for row in during.people if row.person_id == "sw1"] == [fx.TEAM]
        assert len(during.people) == len(fx.PEOPLE)
        after = await report(store, COUNCIL, WHEN, rules)
        assert after == await fresh(store, COUNCIL, rules)
        assert [row.team for row in after.people if row.person_id == "sw1"] == [fx.OTHER_TEAM]
    finally:
        await store.close()
        other.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_session_committing_as_its_supervisee_moves_team_marks_the_new_team(
    database_url: str,
) -> None:
    """Sam's move from North to South is committing (its triggers have run and hold both
    teams' versions) when a session of Sam's commits. The session must mark South, where
    Sam is once the move commits: marked North only, a report reading between the two
    commits would keep South's figures without the session, and nothing would mark them
    stale. The session's commit waits for the move, then marks South again."""
    other = create_engine(database_url)
    store = SqlStore(engine=create_engine(database_url))
    try:
        await fx.seed(store)
        moving = other.connect()
        transaction = moving.begin()
        moved = [replace(p, team=fx.OTHER_TEAM) for p in fx.PEOPLE if p.id == "sw1"]
        DirectorySql(moving).upsert_people(moved)
        moving.exec_driver_sql("SET CONSTRAINTS ALL IMMEDIATE")  # the move's commit triggers
        by_move = KeptFiguresSql(moving).versions()[fx.OTHER_TEAM]
        session = fx.held("individual", date(2026, 11, 20), "sw1", "h1")
        recording = asyncio.ensure_future(
            store.run_sql(lambda tx: tx.directory.upsert_sessions([session]))
        )
        await asyncio.sleep(0.5)
        assert not recording.done()  # waiting for the move
        transaction.commit()
        moving.close()
        await recording
        versions = await store.run_sql(lambda tx: tx.kept_figures.versions())
        assert versions[fx.OTHER_TEAM] > by_move  # marked again by the session
    finally:
        await store.close()
        other.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_people_import_under_way_does_not_hold_up_a_session_recorded_meanwhile(
    database_url: str,
) -> None:
    """A people import rewrites every row it lists (and holds them until it commits); a
    session recorded for one of them meanwhile commits at once."""
    other = create_engine(database_url)
    store = SqlStore(engine=create_engine(database_url))
    try:
        await fx.seed(store)
        with other.connect() as importing, importing.begin():
            DirectorySql(importing).upsert_people(fx.PEOPLE)  # unchanged, but rows held
            session = fx.held("individual", date(2026, 11, 20), "sw1", "m1")
            await asyncio.wait_for(
                store.run_sql(lambda tx: tx.directory.upsert_sessions([session])), timeout=5
            )
    finally:
        await store.close()
        other.dispose()


async def test_someone_erased_while_a_report_computes_is_named_in_no_kept_figure(
    sql_store: SqlStore, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Priya is erased (committed elsewhere) after the report read North but before it kept
    North's figures: North's version has moved on, so the figures naming her are not kept."""
    await fx.seed(sql_store)
    other = create_engine(database_url)
    computing = kept_reports.compute_parts

    def compute_then_erase(*args: Any, **kwargs: Any) -> Any:
        parts = computing(*args, **kwargs)
        with other.begin() as connection:
            erase(connection, "sw2", "erased social worker 1")
        return parts

    monkeypatch.setattr(kept_reports, "compute_parts", compute_then_erase)
    try:
        made = await report(sql_store, COUNCIL, WHEN, assignment())
    finally:
        other.dispose()
    assert "sw2" in {row.person_id for row in made.people}  # as read, before the erasure
    fingerprint = rules_fingerprint(assignment())
    kept = await sql_store.run_sql(
        lambda tx: tx.kept_figures.kept(WHEN.start, WHEN.end, fingerprint)
    )
    assert fx.TEAM not in kept
    assert not any("Priya" in k.figures or '"sw2"' in k.figures for k in kept.values())


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_an_import_under_way_does_not_hold_up_a_session_recorded_meanwhile(
    database_url: str,
) -> None:
    """An import has written a North session and not committed yet. A supervisor records
    another North session meanwhile: it does not wait for the import (the triggers mark the
    team at commit, not at each row), and the import's commit still marks North changed."""
    store = SqlStore(engine=create_engine(database_url))
    other = create_engine(database_url)
    try:
        await fx.seed(store)
        before = await store.run_sql(lambda tx: tx.kept_figures.versions())
        with other.connect() as importing:
            importing.begin()
            imported = fx.held("individual", date(2026, 11, 24), "sw1", "m1")
            DirectorySql(importing).upsert_sessions([imported])
            recorded = fx.held("individual", date(2026, 11, 25), "sw3", "m1")
            meanwhile = store.run_sql(lambda tx: tx.directory.upsert_sessions([recorded]))
            await asyncio.wait_for(meanwhile, timeout=5)
            between = await store.run_sql(lambda tx: tx.kept_figures.versions())
            importing.commit()
        after = await store.run_sql(lambda tx: tx.kept_figures.versions())
        assert before[fx.TEAM] != between[fx.TEAM] != after[fx.TEAM]
        assert before[fx.OTHER_TEAM] == between[fx.OTHER_TEAM] == after[fx.OTHER_TEAM]
    finally:
        await store.close()
        other.dispose()
