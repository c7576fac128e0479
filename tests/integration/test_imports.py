"""CSV imports against SQLite and PostgreSQL: all or nothing, every problem reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.operations.importer import import_file
from policies.packs import load_packs
from storage.sql import SqlStore

PACKS = set(load_packs())
PEOPLE = """id,name,role,team,policy,supervisor_id,started_on,case_holding,chat
tm1,Tom Manager,team_manager,Team A,,,2018-01-01,false,console:tom
sw1,Sara Worker,social_worker,Team A,southwark,tm1,2020-01-01,true,slack:U1;console:sara
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_people_import_and_reimport_updates_by_id(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    report = await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    assert (report.rows, report.problems) == (2, [])
    changed = PEOPLE.replace("Sara Worker,social_worker", "Sara Senior,social_worker").replace(
        "slack:U1;", ""
    )
    await import_file(sql_store, "people", write(tmp_path, "people.csv", changed), PACKS)
    sara = await sql_store.run_sql(lambda tx: tx.directory.person("sw1"))
    assert sara is not None and sara.name == "Sara Senior" and sara.chat == (("console", "sara"),)
    assert len(await sql_store.run_sql(lambda tx: tx.directory.people())) == 2
    assert await sql_store.run_sql(lambda tx: tx.directory.person_for_chat("slack", "U1")) is None


async def test_a_file_with_any_bad_row_imports_nothing_and_names_every_problem(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    bad = PEOPLE + (
        "sw2,Sam,wizard,Team A,,tm1,2020-01-01,true,\n"
        "sw3,Sue,social_worker,Team A,atlantis,nobody,01/02/2020,maybe,pager:1\n"
        "sw4,Sid,nqsw,Team A,,tm1,2026-09-01,true,,extra\n"
    )
    path = write(tmp_path, "people.csv", bad)
    report = await import_file(sql_store, "people", path, PACKS)
    assert report.rows == 0
    assert report.problems == [
        f"{path}:4: role: 'wizard' is not one of social_worker, nqsw, student, non_case_holding, business_support, team_manager, residential_part_time",
        f"{path}:5: case_holding: 'maybe' is not true or false",
        f"{path}:5: started_on: '01/02/2020' is not a date (YYYY-MM-DD)",
        f"{path}:5: chat: 'pager:1' is not CHANNEL:ID with CHANNEL one of console, slack, teams, telegram",
        f"{path}:6: row: more values than columns",
        f"{path}:5: supervisor_id: no person with id 'nobody'",
        f"{path}:5: policy: no policy pack named 'atlantis'",
    ]
    assert await sql_store.run_sql(lambda tx: tx.directory.people()) == []


async def test_references_must_exist(sql_store: SqlStore, tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", PEOPLE.replace(",,,2018", ",atlantis,boss,2018"))
    problems = (await import_file(sql_store, "people", path, PACKS)).problems
    assert problems == [
        f"{path}:2: supervisor_id: no person with id 'boss'",
        f"{path}:2: policy: no policy pack named 'atlantis'",
    ]
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    cases = write(
        tmp_path,
        "cases.csv",
        "ref,worker_id,case_type,risk,allocated_on\nCR-1,ghost,child_protection,high,2026-01-01\n",
    )
    assert (await import_file(sql_store, "cases", cases, PACKS)).problems == [
        f"{cases}:2: worker_id: no person (import people first) with id 'ghost'"
    ]


async def test_a_missing_column_and_a_wrong_case_reference(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    path = write(
        tmp_path,
        "cases.csv",
        "ref,worker_id,case_type,allocated_on\nJane Smith,sw1,child_protection,2026-01-01\n",
    )
    assert (await import_file(sql_store, "cases", path, PACKS)).problems == [
        f"{path}:1: risk: column missing from the header"
    ]
    path = write(
        tmp_path,
        "cases.csv",
        "ref,worker_id,case_type,risk,allocated_on\nJane Smith,sw1,child_protection,high,2026-01-01\n",
    )
    [problem] = (await import_file(sql_store, "cases", path, PACKS)).problems
    assert problem.startswith(f"{path}:2: ref: 'Jane Smith' is not a case reference")


async def test_sessions_import_with_optional_record_dates(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    await import_file(
        sql_store,
        "cases",
        write(
            tmp_path,
            "cases.csv",
            "ref,worker_id,case_type,risk,allocated_on\nCR-1,sw1,child_protection,high,2026-01-01\n",
        ),
        PACKS,
    )
    sessions = write(
        tmp_path,
        "sessions.csv",
        "kind,date,supervisee_id,supervisor_id,case_ref,status,recorded_on,signed_off_on\n"
        "case,2026-11-02,sw1,tm1,CR-1,held,2026-11-03,\n"
        "individual,2026-11-02,sw1,tm1,,cancelled,,\n"
        "group,2026-11-05,,tm1,,held,,\n",
    )
    assert (await import_file(sql_store, "sessions", sessions, PACKS)).rows == 3
    again = await import_file(sql_store, "sessions", sessions, PACKS)
    assert again.rows == 3
    cases = await sql_store.run_sql(
        lambda tx: tx.directory.cases_with_last_session(date(2026, 12, 1))
    )
    assert [(c.ref, last) for c, last in cases] == [("CR-1", date(2026, 11, 2))]
    assert (
        await sql_store.run_sql(lambda tx: tx.directory.cases_with_last_session(date(2026, 11, 2)))
        == []
    )
    open_records = await sql_store.run_sql(lambda tx: tx.directory.open_records())
    assert [(s.kind, s.recorded_on and s.recorded_on.isoformat()) for s in open_records] == [
        ("case", "2026-11-03")
    ]


async def test_session_rows_are_checked_against_their_kind(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "sessions.csv",
        "kind,date,supervisee_id,supervisor_id,case_ref,status\ncase,2026-11-02,sw1,tm1,,held\nparty,2026-11-02,sw1,tm1,,held\nindividual,2026-11-02,sw1,tm1,,maybe\n",
    )
    problems = (await import_file(sql_store, "sessions", path, PACKS)).problems
    assert problems[:3] == [
        f"{path}:2: case_ref: is required for case sessions and must be empty otherwise",
        f"{path}:3: kind: 'party' is not individual, case or group",
        f"{path}:4: status: 'maybe' is not held, cancelled or booked",
    ]


async def test_a_file_that_is_not_utf8_is_refused(sql_store: SqlStore, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(PEOPLE.encode() + b"sw9,\xff\xfe,nqsw,Team A,,tm1,2026-01-01,true,\n")
    [problem] = (await import_file(sql_store, "people", path, PACKS)).problems
    assert "not UTF-8" in problem
