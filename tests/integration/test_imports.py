"""CSV imports against SQLite and PostgreSQL: all or nothing, every problem reported."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.operations.importer import import_file
from policies.assignment import PackAssignment
from policies.packs import PACKS_DIR, load_pack, load_packs
from storage.sql import SqlStore

PACKS = PackAssignment(packs=load_packs(), default="southwark", teams={})
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
        f"{path}:4: role: 'wizard' is not a role of the southwark pack (one of social_worker, nqsw, student, non_case_holding, business_support, team_manager, residential_part_time, asye_assessor, practice_educator)",
        f"{path}:5: case_holding: 'maybe' is not true or false",
        f"{path}:5: started_on: '01/02/2020' is not a date (YYYY-MM-DD)",
        f"{path}:5: chat: 'pager:1' is not CHANNEL:ID with CHANNEL one of console, slack, teams, telegram",
        f"{path}:6: row: more values than columns",
        f"{path}:5: supervisor_id: no person with id 'nobody'",
        f"{path}:5: policy: no policy pack named 'atlantis'",
    ]
    assert await sql_store.run_sql(lambda tx: tx.directory.people()) == []


async def test_a_person_listed_twice_in_one_file_is_refused(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """The last row would silently win."""
    twice = PEOPLE + "sw1,Sara Again,social_worker,Team A,,tm1,2020-01-01,true,\n"
    path = write(tmp_path, "people.csv", twice)
    report = await import_file(sql_store, "people", path, PACKS)
    assert (report.rows, report.problems) == (0, [f"{path}:4: id: 'sw1' is also on line 3"])


async def test_a_case_or_session_listed_twice_in_one_file_is_refused(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """As with people: the last row would silently win, mixing the two (a case's worker
    from one row, its last supervision from the other)."""
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    cases = write(
        tmp_path,
        "cases.csv",
        "ref,worker_id,case_type,risk,allocated_on,last_supervised\n"
        "CR-9,sw1,child_protection,high,2026-01-01,2026-11-02\n"
        "CR-9,tm1,child_in_need,standard,2026-02-01,\n",
    )
    assert (await import_file(sql_store, "cases", cases, PACKS)).problems == [
        f"{cases}:3: ref: 'CR-9' is also on line 2 with other details (a case on two rows, "
        "for two decision events, must repeat them)"
    ]
    sessions = write(
        tmp_path,
        "sessions.csv",
        "kind,date,supervisee_id,supervisor_id,case_ref,status\n"
        "individual,2026-11-02,sw1,tm1,,held\n"
        "group,2026-11-05,,tm1,,held\n"
        "individual,2026-11-02,sw1,tm1,,cancelled\n",
    )
    assert (await import_file(sql_store, "sessions", sessions, PACKS)).problems == [
        f"{sessions}:4: date: the same session (kind, date, person, case) is also on line 2"
    ]
    assert await sql_store.run_sql(lambda tx: tx.directory.cases_of(["sw1", "tm1"])) == []


async def test_a_chat_identity_on_two_rows_is_refused(sql_store: SqlStore, tmp_path: Path) -> None:
    """The second would sign in as the first; console logins match in any case."""
    both = PEOPLE + (
        "sw2,Sam Worker,social_worker,Team A,,tm1,2020-01-01,true,slack:U1\n"
        "sw3,Sue Worker,social_worker,Team A,,tm1,2020-01-01,true,console:SARA;console:sue\n"
        "sw4,Sid Worker,social_worker,Team A,,tm1,2020-01-01,true,console:sid;console:Sid\n"
    )
    path = write(tmp_path, "people.csv", both)
    assert (await import_file(sql_store, "people", path, PACKS)).problems == [
        f"{path}:4: chat: 'slack:U1' is also on line 3",
        f"{path}:5: chat: 'console:SARA' is also on line 3",
        f"{path}:6: chat: lists the same identity twice",
    ]


async def test_an_identity_someone_else_holds_is_refused_unless_the_file_moves_it(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    lee = "sw5,Lee Worker,social_worker,Team B,,tm1,2020-01-01,true,console:Sara\n"
    path = write(tmp_path, "lee.csv", PEOPLE.splitlines()[0] + "\n" + lee)
    report = await import_file(sql_store, "people", path, PACKS)
    assert report.problems == [
        f"{path}:2: chat: 'console:sara' is the identity of sw1"
        " (to move it, list sw1 in this file without it)"
    ]
    holder = await sql_store.run_sql(lambda tx: tx.directory.person_for_chat("console", "sara"))
    assert holder == "sw1"
    moved = PEOPLE.replace(";console:sara", "") + lee
    report = await import_file(sql_store, "people", write(tmp_path, "people.csv", moved), PACKS)
    assert (report.rows, report.problems) == (3, [])
    holder = await sql_store.run_sql(lambda tx: tx.directory.person_for_chat("console", "Sara"))
    assert holder == "sw5"


async def test_an_identity_moves_to_someone_new_when_its_holder_leaves_by_the_same_file(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """Sara has a new HR id (sw1b) and keeps her Slack account: the team's file lists sw1b
    with it and no longer lists sw1, who leaves by this import."""
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    renewed = PEOPLE.replace("sw1,Sara Worker", "sw1b,Sara Worker")
    report = await import_file(sql_store, "people", write(tmp_path, "p.csv", renewed), PACKS)
    assert (report.problems, report.left) == ([], ["sw1"])
    holder = await sql_store.run_sql(lambda tx: tx.directory.person_for_chat("slack", "U1"))
    assert holder == "sw1b"


async def test_a_circle_of_supervisors_is_refused(sql_store: SqlStore, tmp_path: Path) -> None:
    """In one file, or made by a file with what the directory holds (Tom over Sara, now Sara
    over Tom): each would see the other's people and nobody would be at the top."""
    circle = PEOPLE + (
        "x1,Xan One,social_worker,Team A,,x2,2020-01-01,true,\n"
        "x2,Xan Two,team_manager,Team A,,x1,2020-01-01,false,\n"
    )
    path = write(tmp_path, "people.csv", circle)
    assert (await import_file(sql_store, "people", path, PACKS)).problems == [
        f"{path}:4: supervisor_id: 'x1' → 'x2' → 'x1' is a circle; the person at the top of a"
        " chain has no supervisor_id"
    ]
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    tom = PEOPLE.replace("Team A,,,2018-01-01", "Team A,,sw1,2018-01-01")  # Sara over Tom
    path = write(tmp_path, "tom.csv", tom)
    assert (await import_file(sql_store, "people", path, PACKS)).problems == [
        f"{path}:2: supervisor_id: 'tm1' → 'sw1' → 'tm1' is a circle; the person at the top of"
        " a chain has no supervisor_id"
    ]


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


async def test_sessions_and_records_cannot_be_held_or_written_out_of_order_or_ahead(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """A held session in the future moved due dates; a record dated before its session was
    counted as written on time."""
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    ahead = date.today() + timedelta(days=20)
    path = write(
        tmp_path,
        "sessions.csv",
        "kind,date,supervisee_id,supervisor_id,case_ref,status,recorded_on,signed_off_on\n"
        f"individual,{ahead},sw1,tm1,,held,,\n"
        f"individual,{ahead + timedelta(days=1)},sw1,tm1,,booked,,\n"
        "individual,2026-11-16,sw1,tm1,,held,2026-11-10,\n"
        "individual,2026-11-02,sw1,tm1,,held,2026-11-03,2026-11-01\n"
        f"individual,2026-11-04,sw1,tm1,,held,2026-11-05,{ahead}\n",
    )
    assert (await import_file(sql_store, "sessions", path, PACKS)).problems == [
        f"{path}:2: date: {ahead} is in the future: a session to come is booked",
        f"{path}:4: recorded_on: is before the session (date): a record follows it",
        f"{path}:5: signed_off_on: is before the record was written (recorded_on)",
        f"{path}:6: signed_off_on: {ahead} is in the future",
    ]
    people = (
        PEOPLE.splitlines()[0] + ",last_supervised\n"
        "tm1,Tom Manager,team_manager,Team A,,,2018-01-01,false,console:tom,\n"
        f"sw1,Sara Worker,social_worker,Team A,southwark,tm1,2020-01-01,true,,{ahead}\n"
    )
    path = write(tmp_path, "later.csv", people)
    assert (await import_file(sql_store, "people", path, PACKS)).problems == [
        f"{path}:3: last_supervised: {ahead} is in the future"
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
        f"{path}:3: kind: 'party' is not individual, case, group, agreement or observation",
        f"{path}:4: status: 'maybe' is not held, cancelled or booked",
    ]


async def test_a_file_that_is_not_utf8_is_refused(sql_store: SqlStore, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(PEOPLE.encode() + b"sw9,\xff\xfe,nqsw,Team A,,tm1,2026-01-01,true,\n")
    [problem] = (await import_file(sql_store, "people", path, PACKS)).problems
    assert problem == f"{path}:4: file: not UTF-8 text"  # the line, not a buffer offset


async def test_an_empty_or_semicolon_separated_file_is_named_as_such(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    empty = write(tmp_path, "empty.csv", "")
    assert (await import_file(sql_store, "people", empty, PACKS)).problems == [
        f"{empty}:1: file: is empty; expected a header row "
        "(id,name,role,team,policy,supervisor_id,started_on,case_holding,chat)"
    ]
    semicolons = write(tmp_path, "semi.csv", PEOPLE.replace(",", ";"))
    assert (await import_file(sql_store, "people", semicolons, PACKS)).problems == [
        f"{semicolons}:1: file: the columns are separated by ';'; save it as comma-separated CSV"
    ]


CB_PEOPLE = (
    PEOPLE + "cb1,Cara Carer,social_worker,Team B,central-bedfordshire,tm1,2020-01-01,true,\n"
)


async def test_case_types_declared_by_the_workers_pack_are_imported(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await import_file(sql_store, "people", write(tmp_path, "people.csv", CB_PEOPLE), PACKS)
    path = write(
        tmp_path,
        "cases.csv",
        "ref,worker_id,case_type,risk,allocated_on\n"
        "CR-1,cb1,parent_carer_needs_assessment,standard,2026-01-01\n"
        "CR-2,cb1,Carer Assessment,standard,2026-01-01\n"
        "CR-3,cb1,parent-and-child placement,standard,2026-01-01\n",
    )
    report = await import_file(sql_store, "cases", path, PACKS)
    assert (report.rows, report.problems) == (3, [])
    cases = await sql_store.run_sql(lambda tx: list(tx.directory.cases()))
    assert sorted((c.ref, c.case_type) for c in cases) == [
        ("CR-1", "parent_carer_needs_assessment"),
        ("CR-2", "carer_assessment"),
        ("CR-3", "parent_and_child_placement"),
    ]


async def test_a_case_type_another_pack_declares_is_refused_with_the_workers_list(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await import_file(sql_store, "people", write(tmp_path, "people.csv", CB_PEOPLE), PACKS)
    path = write(
        tmp_path,
        "cases.csv",
        "ref,worker_id,case_type,risk,allocated_on\n"
        "CR-1,sw1,parent_carer_needs_assessment,standard,2026-01-01\n"
        "CR-2,cb1,wizardry,standard,2026-01-01\n",
    )
    report = await import_file(sql_store, "cases", path, PACKS)
    southwark = ", ".join(PACKS.packs["southwark"].case_types)
    bedfordshire = ", ".join(PACKS.packs["central-bedfordshire"].case_types)
    assert report.rows == 0
    assert report.problems == [
        f"{path}:2: case_type: 'parent_carer_needs_assessment' is not a case type of "
        f"the southwark pack (sw1's; one of {southwark})",
        f"{path}:3: case_type: 'wizardry' is not a case type of "
        f"the central-bedfordshire pack (cb1's; one of {bedfordshire})",
    ]
    assert "parent_carer_needs_assessment" in bedfordshire


async def test_a_role_declared_by_the_persons_pack_is_imported(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    text = (PACKS_DIR / "somerset.toml").read_text().replace('name = "somerset"', 'name = "draft"')
    text = text.replace(
        'roles = ["student", "business_support"]',
        'roles = ["student", "business_support", "social_work_assistant"]',
    )
    text += '\n[terms]\nroles = [{ id = "social_work_assistant", label = "Social work assistant", cite = "2.1 (lines 38-50)" }]\n'
    (tmp_path / "draft.toml").write_text(text)
    packs = {**load_packs(), "draft": load_pack(tmp_path / "draft.toml", None)}
    assignment = PackAssignment(packs=packs, default="southwark", teams={})
    people = PEOPLE + (
        "swa1,Ash Assistant,Social Work Assistant,Team A,draft,tm1,2020-01-01,true,\n"
        "swa2,Al Assistant,social_work_assistant,Team A,,tm1,2020-01-01,true,\n"
    )
    path = write(tmp_path, "people.csv", people)
    report = await import_file(sql_store, "people", path, assignment)
    assert report.problems == [
        f"{path}:5: role: 'social_work_assistant' is not a role of the southwark pack "
        f"(one of {', '.join(packs['southwark'].roles)})"
    ]
    report = await import_file(
        sql_store, "people", write(tmp_path, "p.csv", people.split("swa2")[0]), assignment
    )
    assert report.problems == []
    ash = await sql_store.run_sql(lambda tx: tx.directory.person("swa1"))
    assert ash is not None and ash.role == "social_work_assistant"


async def test_a_case_marks_whether_its_worker_is_the_key_worker(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    # manchester:410-414: staff involved but not as key worker have their own frequency
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    path = write(
        tmp_path,
        "cases.csv",
        "ref,worker_id,case_type,risk,allocated_on,key_worker\n"
        "CR-1,sw1,child_in_need,standard,2026-01-01,false\n"
        "CR-2,sw1,child_in_need,standard,2026-01-01,\n"
        "CR-3,sw1,child_in_need,standard,2026-01-01,Yes\n"
        "CR-4,sw1,child_in_need,standard,2026-01-01,perhaps\n",
    )
    assert (await import_file(sql_store, "cases", path, PACKS)).problems == [
        f"{path}:5: key_worker: 'perhaps' is not true or false (empty: true)"
    ]
    path.write_text(path.read_text().rsplit("CR-4", 1)[0])
    assert (await import_file(sql_store, "cases", path, PACKS)).problems == []
    cases = await sql_store.run_sql(lambda tx: list(tx.directory.cases()))
    assert sorted((c.ref, c.key_worker) for c in cases) == [
        ("CR-1", False),
        ("CR-2", True),
        ("CR-3", True),
    ]
    _, held = await sql_store.run_sql(lambda tx: tx.directory.history_of("sw1"))
    assert sorted((c.ref, c.key_worker) for c, _ in held)[0] == ("CR-1", False)
    swept = await sql_store.run_sql(
        lambda tx: tx.directory.cases_with_last_session(date(2026, 12, 1))
    )
    assert sorted((c.ref, c.key_worker) for c, _ in swept)[0] == ("CR-1", False)


BX_PEOPLE = PEOPLE + "bx1,Bea Bexley,social_worker,Team B,bexley,tm1,2020-01-01,true,\n"
EVENT_HEADER = "ref,worker_id,case_type,risk,allocated_on,event,event_on\n"


async def open_events(store: SqlStore, worker: str) -> list[tuple[str, str, date]]:
    found = await store.run(lambda tx: tx.case_events(worker))
    return [(e.case_ref, e.event, e.on) for e in found]


async def test_a_case_import_marks_a_decision_event_until_the_case_is_discussed(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    # bexley:102-103 closure, transfer, CP or legal planning decisions discussed in supervision
    await import_file(sql_store, "people", write(tmp_path, "people.csv", BX_PEOPLE), PACKS)
    path = write(
        tmp_path,
        "cases.csv",
        EVENT_HEADER + "CR-1,bx1,child_in_need,standard,2026-01-01,Closure,2026-11-20\n"
        "CR-2,bx1,child_in_need,standard,2026-01-01,,\n",
    )
    assert (await import_file(sql_store, "cases", path, PACKS)).problems == []
    assert (await import_file(sql_store, "cases", path, PACKS)).problems == []  # again: once
    assert await open_events(sql_store, "bx1") == [("CR-1", "closure", date(2026, 11, 20))]
    sessions = write(
        tmp_path,
        "sessions.csv",
        "kind,date,supervisee_id,supervisor_id,case_ref,status\ncase,2026-11-24,bx1,tm1,CR-1,held\n",
    )
    assert (await import_file(sql_store, "sessions", sessions, PACKS)).problems == []
    assert await open_events(sql_store, "bx1") == []
    two = write(  # two decisions on one case: the case on two rows, saying the same
        tmp_path,
        "two.csv",
        EVENT_HEADER + "CR-3,bx1,child_in_need,standard,2026-01-01,Closure,2026-11-20\n"
        "CR-3,bx1,child_in_need,standard,2026-01-01,Transfer,2026-11-21\n",
    )
    assert (await import_file(sql_store, "cases", two, PACKS)).problems == []
    assert sorted(e for e in await open_events(sql_store, "bx1") if e[0] == "CR-3") == [
        ("CR-3", "closure", date(2026, 11, 20)),
        ("CR-3", "transfer", date(2026, 11, 21)),
    ]


async def test_an_event_the_workers_pack_does_not_name_is_refused(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await import_file(sql_store, "people", write(tmp_path, "people.csv", BX_PEOPLE), PACKS)
    path = write(
        tmp_path,
        "cases.csv",
        EVENT_HEADER + "CR-1,sw1,child_in_need,standard,2026-01-01,closure,2026-11-20\n"
        "CR-2,bx1,child_in_need,standard,2026-01-01,wedding,2026-11-20\n"
        "CR-3,bx1,child_in_need,standard,2026-01-01,closure,\n",
    )
    bexley = "closure, transfer, child_protection_decision, legal_planning_decision"
    assert (await import_file(sql_store, "cases", path, PACKS)).problems == [
        f"{path}:4: event_on: is needed with event (the day of the decision)",
        f"{path}:2: event: 'closure' is not a case event of the southwark pack (sw1's; it has none)",
        f"{path}:3: event: 'wedding' is not a case event of the bexley pack (bx1's; one of {bexley})",
    ]


async def test_a_recorded_decision_marks_its_event_on_the_case(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from dialogs.definition import Outcome

    await import_file(sql_store, "people", write(tmp_path, "people.csv", BX_PEOPLE), PACKS)
    cases = EVENT_HEADER + "CR-1,bx1,child_in_need,standard,2026-01-01,,\n"
    await import_file(sql_store, "cases", write(tmp_path, "cases.csv", cases), PACKS)
    made = datetime(2026, 11, 20, 15, tzinfo=UTC)
    answers = {"chosen": "Close the case", "event": "closure", "acknowledge_by": "bx1"}
    decision = Outcome("decision", "tm1", answers, {"case_ref": "CR-1"}, made, {})
    none = Outcome("decision", "tm1", answers | {"event": "none"}, {"case_ref": "CR-1"}, made, {})
    await sql_store.run(lambda tx: tx.add_outcome(none))
    assert await open_events(sql_store, "bx1") == []
    await sql_store.run(lambda tx: tx.add_outcome(decision))
    assert await open_events(sql_store, "bx1") == [("CR-1", "closure", date(2026, 11, 20))]


SM_PEOPLE = PEOPLE + (
    "tm2,Tia Manager,team_manager,Team A,,,2018-01-01,false,\n"
    "sm1,Sam Somerset,social_worker,Team A,somerset,tm1,2020-01-01,true,\n"
)


async def supervisor_changes(store: SqlStore, who: str) -> list[tuple[date, str | None, str]]:
    found = await store.run_sql(lambda tx: tx.person_events.supervisor_changes([who]))
    return [(c.on, c.previous, c.supervisor_id) for c in found]


async def test_a_people_import_that_changes_a_supervisor_records_the_change_once(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    # somerset:162 an agreement within one month of a change in supervisor
    await import_file(sql_store, "people", write(tmp_path, "people.csv", SM_PEOPLE), PACKS)
    assert await supervisor_changes(sql_store, "sm1") == []  # a first import is no change
    dated = (
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat,supervisor_since\n"
        "tm1,Tom Manager,team_manager,Team A,,,2018-01-01,false,,\n"
        "tm2,Tia Manager,team_manager,Team A,,,2018-01-01,false,,\n"
        "sw1,Sara Worker,social_worker,Team A,southwark,tm1,2020-01-01,true,,\n"
        "sm1,Sam Somerset,social_worker,Team A,somerset,tm2,2020-01-01,true,,2026-11-02\n"
    )
    path = write(tmp_path, "people.csv", dated)
    assert (await import_file(sql_store, "people", path, PACKS)).problems == []
    assert (await import_file(sql_store, "people", path, PACKS)).problems == []  # again: once
    assert await supervisor_changes(sql_store, "sm1") == [(date(2026, 11, 2), "tm1", "tm2")]
    assert await supervisor_changes(sql_store, "sw1") == []


async def test_a_change_of_supervisor_without_a_date_is_recorded_on_the_import_day(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    await import_file(sql_store, "people", write(tmp_path, "people.csv", SM_PEOPLE), PACKS)
    moved = SM_PEOPLE.replace("somerset,tm1,", "somerset,tm2,")
    await import_file(sql_store, "people", write(tmp_path, "people.csv", moved), PACKS)
    today = datetime.now(UTC).date()
    assert await supervisor_changes(sql_store, "sm1") == [(today, "tm1", "tm2")]


async def test_agreements_and_observations_are_imported_as_held_sessions(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """A signed supervision agreement and a direct observation (issue 17 item 1, issue 18):
    stored as sessions of their own kind, never chased as unwritten records."""
    await import_file(sql_store, "people", write(tmp_path, "people.csv", PEOPLE), PACKS)
    sessions = write(
        tmp_path,
        "sessions.csv",
        "kind,date,supervisee_id,supervisor_id,case_ref,status\n"
        "agreement,2026-02-01,sw1,tm1,,held\n"
        "observation,2026-03-10,sw1,tm1,,held\n"
        "observation,2026-06-12,sw1,tm1,,held\n",
    )
    assert (await import_file(sql_store, "sessions", sessions, PACKS)).problems == []
    assert await sql_store.run_sql(lambda tx: tx.directory.open_records()) == []
    assert await sql_store.run_sql(lambda tx: tx.directory.last_held("observation")) == {
        "sw1": date(2026, 6, 12)
    }
    assert await sql_store.run_sql(lambda tx: tx.directory.last_held("agreement")) == {
        "sw1": date(2026, 2, 1)
    }
    assert await sql_store.run_sql(lambda tx: tx.directory.last_individual()) == {}


async def test_agreements_and_observations_are_held_and_personal(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "sessions.csv",
        "kind,date,supervisee_id,supervisor_id,case_ref,status\n"
        "observation,2026-11-02,sw1,tm1,,booked\n"
        "agreement,2026-11-02,,tm1,,held\n"
        "observation,2026-11-02,sw1,tm1,CR-1,held\n",
    )
    problems = (await import_file(sql_store, "sessions", path, PACKS)).problems
    assert problems[:3] == [
        f"{path}:2: status: an observation is recorded once held (status held)",
        f"{path}:3: supervisee_id: is empty",
        f"{path}:4: case_ref: is required for case sessions and must be empty otherwise",
    ]
