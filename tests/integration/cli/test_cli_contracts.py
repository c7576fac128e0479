"""The command-line contracts, through the installed `sva` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from policies.intervals import add_working_days, is_working_day
from policies.packs import PACKS_DIR
from policies.rota import next_working_day

SVA = str(Path(sys.executable).with_name("sva"))
PEOPLE_HEADER = "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
CASES_HEADER = "ref,worker_id,case_type,risk,allocated_on\n"


def sva(
    *args: str, stdin: str = "", cwd: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SVA_DATABASE_URL"}
    if database_url:
        env["SVA_DATABASE_URL"] = database_url
    return subprocess.run(
        [SVA, *args], input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_policy_due_answers_line_by_line_in_order_and_exits_1_on_any_error(tmp_path: Path) -> None:
    queries = [
        {
            "policy": "southwark",
            "on": "2026-11-23",
            "subject": "case",
            "case_type": "child_protection",
            "risk": "standard",
            "allocated": "2026-01-01",
            "last": "2026-10-23",
        },
        "not json",
        {
            "policy": "somerset",
            "on": "2026-11-23",
            "subject": "group",
            "service": "default",
            "last": "2026-11-01",
        },
        {
            "policy": "central-bedfordshire",
            "on": "2026-12-01",
            "subject": "signoff",
            "sent": "2026-11-23",
        },
    ]
    stdin = "".join((q if isinstance(q, str) else json.dumps(q)) + "\n" for q in queries)
    result = sva("policy", "due", stdin=stdin, cwd=tmp_path)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert answers[0] == {
        "due": "2026-11-23",
        "overdue": False,
        "rule": "southwark.case.child-protection",
        "cite": "Standard 1, case supervision table (line 339): CP monthly",
    }
    assert answers[1]["error"].startswith("not valid JSON")
    assert answers[2]["error"].startswith("somerset has no rule for group supervision")
    assert answers[3] == {
        "due": "2026-11-30",
        "overdue": True,
        "rule": "central-bedfordshire.deadlines.signoff",
        "cite": answers[3]["cite"],
    }


def test_policy_due_exits_0_when_every_line_is_answered(tmp_path: Path) -> None:
    query = {"policy": "manchester", "on": "2026-11-23", "subject": "record", "held": "2026-11-20"}
    result = sva("policy", "due", stdin=json.dumps(query) + "\n", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["due"] == "2026-11-27"


def test_policy_check_names_file_key_and_problem(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(PACKS_DIR, packs)
    bexley = (packs / "bexley.toml").read_text()
    (packs / "bexley.toml").write_text(
        bexley.replace('every = "4 weeks"', 'every = "now and then"', 1)
    )
    manchester = (packs / "manchester.toml").read_text()
    (packs / "manchester.toml").write_text(
        manchester.replace('roles = ["business_support"]', "roles = []", 1)
    )
    somerset = (packs / "somerset.toml").read_text()
    (packs / "somerset.toml").write_text(
        somerset.replace('roles = ["student", "business_support"]', 'roles = ["student"]', 1)
    )
    result = sva("policy", "check", "--directory", str(packs), cwd=tmp_path)
    assert result.returncode == 1
    assert (
        f"{packs / 'bexley.toml'}: individual[case-holding].phases[3].every: 'now and then' is not an interval"
        in result.stderr
    )
    assert (
        f"{packs / 'manchester.toml'}: individual[non-frontline].roles: should not be empty"
        in result.stderr
    )
    assert (
        f'{packs / "somerset.toml"}: (top level): individual: roles not covered (add a rule or none = "why"): business_support'
        in result.stderr
    )
    assert "ok\tsouthwark.toml" in result.stdout


def test_policy_list_and_show(tmp_path: Path) -> None:
    assert (
        sva("policy", "list", cwd=tmp_path).stdout.splitlines()[0]
        == "bexley\tBexley\tbexley-supervision-policy.txt"
    )
    shown = sva("policy", "show", "central-bedfordshire", cwd=tmp_path).stdout
    assert "[looked-after] child_in_care: every 2 months; high risk 1 month" in shown
    assert "reading: Standard risk reads the 6-weekly-visits row" in shown


def test_import_then_remind_json_marks_only_what_this_run_sent(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER + "tm1,Tom,team_manager,Team A,,,2018-01-01,false,console:tom\n"
        "sw1,Sara,social_worker,Team A,,tm1,2020-01-01,true,console:sara\n"
    )
    (tmp_path / "sessions.csv").write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status\nindividual,2026-10-26,sw1,tm1,,held\nindividual,2026-11-02,tm1,tm1,,held\ngroup,2026-11-20,,tm1,,held\n"
    )
    assert (
        sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url).returncode
        == 0
    )
    imported = sva("import", "sessions", "sessions.csv", cwd=tmp_path, database_url=database_url)
    assert imported.stdout.strip() == "imported 3 rows of sessions from sessions.csv"
    dry = sva(
        "remind",
        "--on",
        "2026-11-23",
        "--dry-run",
        "--json",
        cwd=tmp_path,
        database_url=database_url,
    )
    lines = [json.loads(line) for line in dry.stdout.splitlines()]
    assert lines == [
        {
            "to": "sw1",
            "kind": "individual",
            "case_ref": None,
            "due": "2026-11-26",
            "key": "sw1|individual|sw1|2026-11-26",
            "sent": False,
        },
        {
            "to": "tm1",
            "kind": "individual",
            "case_ref": None,
            "due": "2026-11-26",
            "key": "tm1|individual|sw1|2026-11-26",
            "sent": False,
        },
    ]
    today = sva("remind", "--dry-run", cwd=tmp_path, database_url=database_url)
    # Without --on the sweep is today's, which may be a weekend or bank holiday.
    expected = " (dry run)" if is_working_day(date.today()) else ": no reminders on weekends"
    assert today.returncode == 0 and today.stdout.startswith(f"{date.today()}{expected}")
    first = sva("remind", "--on", "2026-11-23", "--json", cwd=tmp_path, database_url=database_url)
    assert [json.loads(line)["sent"] for line in first.stdout.splitlines()] == [True, True]
    second = sva("remind", "--on", "2026-11-23", "--json", cwd=tmp_path, database_url=database_url)
    assert [json.loads(line)["sent"] for line in second.stdout.splitlines()] == [False, False]
    log = (tmp_path / "sva-reminders.log").read_text()
    assert (
        log.count("=== to ") == 2
        and "Individual supervision with Sara is due by Thu 26 Nov 2026." in log
    )


def test_import_problems_go_to_stderr_and_exit_1(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "cases.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on\nCR-1,nobody,child_protection,extreme,2026-13-01\n"
    )
    result = sva("import", "cases", "cases.csv", cwd=tmp_path, database_url=database_url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "cases.csv:2: risk: 'extreme' is not one of standard, high",
        "cases.csv:2: allocated_on: '2026-13-01' is not a date (YYYY-MM-DD)",
        "cases.csv:2: worker_id: no person (import people first) with id 'nobody'",
        "3 problems: nothing was imported",
    ]


def test_rota_plan_json_rotates_roles_on_working_days(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER + "tm1,Tom,team_manager,Team B,bexley,,2018-01-01,false,\n"
        "sw1,Sara,social_worker,Team B,bexley,tm1,2020-01-01,true,\n"
        "sw2,Sam,social_worker,Team B,bexley,tm1,2020-01-01,true,\n"
    )
    (tmp_path / "cases.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on\nCR-1,sw1,child_protection,high,2026-01-01\nCR-2,sw1,child_in_need,standard,2026-11-01\n"
    )
    assert (
        sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url).returncode
        == 0
    )
    assert (
        sva("import", "cases", "cases.csv", cwd=tmp_path, database_url=database_url).returncode == 0
    )
    result = sva(
        "rota",
        "plan",
        "--team",
        "Team B",
        "--from",
        "2026-12-25",
        "--sessions",
        "3",
        "--json",
        cwd=tmp_path,
        database_url=database_url,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["date"] for line in lines] == [
        "2026-12-29",
        "2027-01-22",
        "2027-02-19",
    ]  # Bexley: 4 weeks
    assert [sorted(line["roles"]) for line in lines] == [
        ["advisor", "facilitator", "presenter"]
    ] * 3
    assert sorted(line["roles"]["presenter"] for line in lines) == ["sw1", "sw2", "tm1"]
    assert all(len(set(line["roles"].values())) == 3 for line in lines)
    sara = next(line for line in lines if line["roles"]["presenter"] == "sw1")
    assert sara["case_ref"] == "CR-2"  # her newest case


def test_rota_for_a_pack_without_group_frequency_says_why(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "people.csv").write_text(
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\ntm1,Tom,team_manager,Team C,somerset,,2018-01-01,false,\n"
    )
    sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    result = sva(
        "rota",
        "plan",
        "--team",
        "Team C",
        "--from",
        "2026-12-01",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert result.returncode == 1
    assert "somerset has no rule for how often group supervision happens" in result.stderr


def test_a_decision_recorded_in_chat_is_listed_and_exported(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER
        + "tm1,Tom Manager,team_manager,Team D,somerset,,2018-01-01,false,console:tm1\n"
        "sw1,Sara Worker,social_worker,Team D,somerset,tm1,2020-01-01,true,console:sw1\n"
    )
    (tmp_path / "cases.csv").write_text(CASES_HEADER + "CR-5,sw1,child_in_need,high,2026-01-01\n")
    sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    sva("import", "cases", "cases.csv", cwd=tmp_path, database_url=database_url)
    lines = [
        "/decision CR-5",
        "Police called overnight",
        "skip",
        "Safety plan",
        "Strategy meeting",
        "done",
        "2",
        "Risk to the child tonight",
        "skip",
        "done",
        "yes",
        "To stay at home",
        "Duty manager",
        "sw1",
        "confirm",
    ]
    chat = sva(
        "chat",
        "--user",
        "tm1",
        "--json",
        stdin="".join(f"{x}\n" for x in lines),
        cwd=tmp_path,
        database_url=database_url,
    )
    assert (
        json.loads(chat.stdout.splitlines()[-1])["text"]
        == "It is decision 1. Sara Worker has been asked to acknowledge it."
    )
    sva(
        "chat",
        "--user",
        "sw1",
        "--json",
        stdin="/dispute 1 Not needed tonight\n",
        cwd=tmp_path,
        database_url=database_url,
    )
    [listed] = [
        json.loads(x)
        for x in sva(
            "decisions", "list", "--case", "CR-5", "--json", cwd=tmp_path, database_url=database_url
        ).stdout.splitlines()
    ]
    assert listed["answers"]["chosen"] == "Strategy meeting"
    assert [(r["person"], r["kind"], r["text"]) for r in listed["responses"]] == [
        ("sw1", "disputed", "Not needed tonight")
    ]
    note = sva("decisions", "export", "1", cwd=tmp_path, database_url=database_url).stdout
    assert note.startswith("Managers Decisions and Actions: CR-5")  # Somerset 8.12's wording
    assert "Sara Worker disputed: Not needed tonight" in note  # people read it: names, not ids
    assert "by Tom Manager" in note and "sw1" not in note and "tm1" not in note
    assert sva("decisions", "export", "9", cwd=tmp_path, database_url=database_url).returncode == 1


def test_a_saved_rota_swaps_nudges_and_gives_a_record_template(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER
        + "tm1,Tom,team_manager,Team E,southwark,,2018-01-01,false,\n"
        + "".join(
            f"sw{n},Worker {n},social_worker,Team E,southwark,tm1,2020-01-01,true,\n"
            for n in range(1, 5)
        )
    )
    (tmp_path / "cases.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on\n"
        + "".join(f"CR-{n}0,sw{n},child_in_need,standard,2026-0{n}-01\n" for n in range(1, 5))
        + "CR-90,tm1,child_in_need,standard,2026-01-01\n"
    )
    sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    sva("import", "cases", "cases.csv", cwd=tmp_path, database_url=database_url)
    planned = sva(
        "rota",
        "plan",
        "--team",
        "Team E",
        "--from",
        "2026-11-25",
        "--sessions",
        "2",
        "--save",
        "--json",
        cwd=tmp_path,
        database_url=database_url,
    )
    first = json.loads(planned.stdout.splitlines()[0])
    assert first["date"] == "2026-11-25" and sorted(first["roles"]) == [
        "facilitator",
        "presenter",
        "recorder",
        "time-keeper",
    ]
    presenter = first["roles"]["presenter"]
    swapped = sva(
        "rota",
        "swap",
        "--team",
        "Team E",
        "--date",
        "2026-11-25",
        "--person",
        presenter,
        cwd=tmp_path,
        database_url=database_url,
    )
    new_presenter = swapped.stdout.split("-> ")[1].split(";")[0].split("(")[1].rstrip(")")
    assert swapped.returncode == 0 and new_presenter not in (presenter, "(nobody free)")
    assert new_presenter not in first["roles"].values()  # a free member steps in
    names = {"tm1": "Tom"} | {f"sw{n}": f"Worker {n}" for n in range(1, 5)}
    assert swapped.stdout.startswith(f"presenter: {names[presenter]} ({presenter}) -> ")
    # The presented case moves with the presenter: the new presenter's own case.
    [moved] = [line for line in swapped.stdout.splitlines() if line.startswith("case: ")]
    assert moved.split()[1] in {"CR-90" if new_presenter == "tm1" else f"CR-{new_presenter[2]}0"}
    reminders = sva(
        "remind", "--on", "2026-11-23", "--json", cwd=tmp_path, database_url=database_url
    )
    kinds = {(line["to"], line["kind"]) for line in map(json.loads, reminders.stdout.splitlines())}
    assert (new_presenter, "rota-presenter") in kinds
    log = (tmp_path / "sva-reminders.log").read_text()
    assert (
        f"You are no longer presenter for Team E's group supervision on Wed 25 Nov 2026; "
        f"{names[new_presenter]} is." in log
    )
    assert (
        f"You are now presenter for Team E's group supervision on Wed 25 Nov 2026, in place of "
        f"{names[presenter]}. You present {moved.split()[1]}." in log
    )
    assert "a written case summary and a genogram" in log  # Southwark's preparation
    record = sva(
        "rota",
        "record",
        "--team",
        "Team E",
        "--date",
        "2026-11-25",
        cwd=tmp_path,
        database_url=database_url,
    ).stdout
    assert record.startswith("Group supervision record: Team E, 25 Nov 2026")
    assert "Names of those present:" in record and "Action points and risk:" in record
    bad = sva(
        "rota",
        "swap",
        "--team",
        "Team E",
        "--date",
        "2026-11-26",
        "--person",
        "sw1",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert bad.returncode == 1 and "no group supervision planned on 26 Nov 2026" in bad.stderr


def test_record_drafts_in_text_and_word(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER
        + "sw1,Sara Worker,social_worker,Team D,southwark,,2020-01-01,true,console:sw1\n"
    )
    (tmp_path / "cases.csv").write_text(CASES_HEADER + "CR-8,sw1,child_in_need,high,2026-01-01\n")
    sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    sva("import", "cases", "cases.csv", cwd=tmp_path, database_url=database_url)
    lines = [
        "/prep CR-8",
        "Missed school",
        "Gran helps",
        "Visit Monday",
        "skip",
        "skip",
        "Home is calm",
        "skip",
        "skip",
        "confirm",
    ]
    sva(
        "chat",
        "--user",
        "sw1",
        "--json",
        stdin="".join(f"{x}\n" for x in lines),
        cwd=tmp_path,
        database_url=database_url,
    )
    text = sva(
        "record", "draft", "sw1", "--date", "2026-11-23", cwd=tmp_path, database_url=database_url
    ).stdout
    assert text.startswith(
        "Case supervision record: CR-8\n\nSupervisee: Sara Worker. Session: 23 Nov 2026. Southwark supervision policy."
    )
    assert (
        "Update on progress, including the voice of the child\nWhat the child thinks: Home is calm"
        in text
    )
    assert "Personal supervision record" in text
    written = sva(
        "record",
        "draft",
        "sw1",
        "--format",
        "docx",
        "--out",
        "records.docx",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert written.stdout.strip() == "wrote records.docx"
    from docx import Document

    body = "\n".join(p.text for p in Document(str(tmp_path / "records.docx")).paragraphs)
    assert "What is worrying me: Missed school" in body
    assert (
        sva(
            "record", "draft", "sw1", "--format", "docx", cwd=tmp_path, database_url=database_url
        ).returncode
        == 2
    )


def test_sign_off_from_written_to_agreed_drives_the_reminders(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER + "tm1,Tom,team_manager,Team F,central-bedfordshire,,2018-01-01,false,\n"
        "sw1,Sara,social_worker,Team F,central-bedfordshire,tm1,2020-01-01,true,console:sw1\n"
    )
    (tmp_path / "cases.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on\nCR-3,sw1,child_protection,high,2026-01-01\n"
    )
    (tmp_path / "sessions.csv").write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status\ncase,2026-11-16,sw1,tm1,CR-3,held\nindividual,2026-11-16,sw1,tm1,,held\n"
    )
    for kind in ("people", "cases", "sessions"):
        assert (
            sva("import", kind, f"{kind}.csv", cwd=tmp_path, database_url=database_url).returncode
            == 0
        )

    def kinds(day: str) -> set[tuple[str, str]]:
        out = sva(
            "remind", "--on", day, "--dry-run", "--json", cwd=tmp_path, database_url=database_url
        ).stdout
        return {(x["to"], x["kind"]) for x in map(json.loads, out.splitlines())}

    assert ("tm1", "record") in kinds("2026-11-20")  # the case record is due within 5 working days
    written = sva(
        "record", "written", "sw1", "--date", "2026-11-16", cwd=tmp_path, database_url=database_url
    )
    assert "Marked 2 records of 16 Nov 2026 written" in written.stdout
    due = add_working_days(date.today(), 5)  # Central Bedfordshire: 5 working days to sign off
    ask_day = next_working_day(due - timedelta(days=5)).isoformat()  # inside the reminder window
    assert ("sw1", "signoff") in kinds(ask_day)
    agreed = sva(
        "chat",
        "--user",
        "sw1",
        "--json",
        stdin="/agree 2026-11-16\n",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert (
        json.loads(agreed.stdout)["text"] == "Thank you: you agreed the record(s) of 16 Nov 2026."
    )
    assert not {k for k in kinds(ask_day) if k[1].startswith("signoff") or k[1] == "record"}


def test_invite_writes_an_importable_calendar_file_with_the_agenda(
    tmp_path: Path, database_url: str
) -> None:
    from icalendar import Calendar

    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER + "tm1,Tom,team_manager,Team G,manchester,,2018-01-01,false,\n"
        "sw1,Sara,social_worker,Team G,southwark,tm1,2020-01-01,true,\n"
        "sw2,Sam,social_worker,Team G,somerset,tm1,2020-01-01,true,\n"
    )
    sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    written = sva(
        "invite",
        "sw1",
        "--at",
        "2026-12-02T10:00",
        "--out",
        "next.ics",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert written.stdout.strip() == "wrote next.ics"
    assert written.stderr.strip() == "starts Wed 2 Dec 2026, 10:00 (Europe/London)"
    [event] = Calendar.from_ical((tmp_path / "next.ics").read_bytes()).walk("VEVENT")
    assert (
        event.decoded("dtend") - event.decoded("dtstart")
    ).total_seconds() == 90 * 60  # Southwark's 90 minutes
    # People by name; date, time, people and a short title only: no agenda in the calendar.
    assert str(event["summary"]) == "Supervision"
    assert str(event["organizer"].params["CN"]) == "Tom"
    assert sorted(str(a.params["CN"]) for a in event["attendee"]) == ["Sara", "Tom"]
    assert "description" not in event
    assert b"sw1" not in (tmp_path / "next.ics").read_bytes()
    # Somerset's policy gives no session length (Manchester's does: appendix D, line 831).
    somerset = sva(
        "invite", "sw2", "--at", "2026-12-02T10:00", cwd=tmp_path, database_url=database_url
    )
    assert somerset.returncode == 2 and "give --minutes" in somerset.stderr
    assert (
        sva(
            "invite",
            "sw2",
            "--at",
            "2026-12-02T10:00",
            "--minutes",
            "60",
            cwd=tmp_path,
            database_url=database_url,
        ).returncode
        == 0
    )


def test_one_supervisee_from_preparation_to_the_next_agenda(
    tmp_path: Path, database_url: str
) -> None:
    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        result = sva(*args, stdin=stdin, cwd=tmp_path, database_url=database_url)
        assert result.returncode == 0, result.stderr
        return result

    def say(user: str, *lines: str) -> list[dict[str, Any]]:
        out = run("chat", "--user", user, "--json", stdin="".join(f"{x}\n" for x in lines)).stdout
        return [json.loads(x) for x in out.splitlines()]

    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER + "tm1,Tom,team_manager,Team H,southwark,,2018-01-01,false,console:tm1\n"
        "sw1,Sara,social_worker,Team H,southwark,tm1,2020-01-01,true,console:sw1\n"
    )
    (tmp_path / "cases.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on\nCR-1,sw1,child_protection,high,2026-01-01\nCR-2,sw1,child_in_need,standard,2026-01-01\n"
    )
    run("import", "people", "people.csv")
    run("import", "cases", "cases.csv")
    say(
        "sw1",
        "/prep CR-1",
        "Bruises seen",
        "Gran helps",
        "Strategy meeting",
        *["skip"] * 5,
        "confirm",
    )
    say(
        "sw1",
        "/prep CR-2",
        "School attendance",
        "Mum engages",
        "skip",
        "Advice on CIN review",
        *["skip"] * 4,
        "confirm",
    )
    agenda = say("sw1", "/agenda")[-1]["text"]
    assert "Case CR-1, prepared" in agenda and "Case CR-2, prepared" in agenda

    (tmp_path / "sessions.csv").write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status\n"
        "individual,2026-11-16,sw1,tm1,,held\ncase,2026-11-16,sw1,tm1,CR-1,held\ncase,2026-11-16,sw1,tm1,CR-2,held\n"
    )
    run("import", "sessions", "sessions.csv")
    records = run("record", "draft", "sw1", "--date", "2026-11-16").stdout
    assert "Case supervision record: CR-1" in records and "Case supervision record: CR-2" in records
    run(
        "action",
        "add",
        "--supervisee",
        "sw1",
        "--owner",
        "sw1",
        "--what",
        "visit the school",
        "--why",
        "attendance",
        "--case",
        "CR-2",
    )
    run(
        "action",
        "add",
        "--supervisee",
        "sw1",
        "--owner",
        "sw1",
        "--what",
        "book the strategy meeting",
        "--why",
        "bruising",
        "--case",
        "CR-1",
    )
    run("record", "written", "sw1", "--date", "2026-11-16")
    assert (
        say("sw1", "/agree 2026-11-16")[-1]["text"]
        == "Thank you: you agreed the record(s) of 16 Nov 2026."
    )
    assert say("sw1", "/done 1")[-1]["text"].startswith("Action 1 is closed")

    next_agenda = say("sw1", "/agenda")[-1]["text"]
    assert "Action 2 (CR-1): Sara to book the strategy meeting, because bruising" in next_agenda
    assert "Action 1" not in next_agenda
