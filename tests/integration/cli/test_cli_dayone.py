"""Day one in a council (issue 19): the commands a manager uses in the first week."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tests.integration.cli.test_cli_contracts import PEOPLE_HEADER, sva

TEAM = (
    PEOPLE_HEADER + "tm1,Tom Manager,team_manager,Team A,southwark,,2018-01-01,false,\n"
    "sw1,Sam Worker,social_worker,Team A,southwark,tm1,2020-01-01,true,\n"
)


def imported(tmp_path: Path, database_url: str, people: str = TEAM) -> None:
    (tmp_path / "people.csv").write_text(people)
    result = sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    assert result.returncode == 0, result.stderr


def test_a_session_is_held_cancelled_and_rebooked_from_the_command_line(
    tmp_path: Path, database_url: str
) -> None:
    imported(tmp_path, database_url)
    held_on = (date.today() - timedelta(days=3)).isoformat()
    held = sva(
        "session",
        "held",
        "sw1",
        "--date",
        held_on,
        "--as",
        "tm1",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert held.returncode == 0, held.stderr
    assert held.stdout.startswith("Recorded: Sam Worker's supervision held on ")
    # Now there is a record to write up: the sign-off step finds it.
    written = sva(
        "record", "written", "sw1", "--date", held_on, cwd=tmp_path, database_url=database_url
    )
    assert written.returncode == 0 and written.stdout.startswith("Marked 1 record of ")
    cancelled = sva(
        "session",
        "rebook",
        "sw1",
        "--date",
        held_on,
        "--to",
        "tomorrow",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert cancelled.returncode == 0 and "moved to" in cancelled.stdout
    observed = sva(
        "session",
        "held",
        "sw1",
        "--date",
        held_on,
        "--kind",
        "observation",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert observed.returncode == 0, observed.stderr
    assert observed.stdout.startswith("Recorded: Sam Worker's direct observation of practice held")


def test_every_failing_command_exits_non_zero(tmp_path: Path, database_url: str) -> None:
    imported(tmp_path, database_url)
    nothing = sva(
        "record", "written", "sw1", "--date", "2026-11-16", cwd=tmp_path, database_url=database_url
    )
    assert nothing.returncode == 1
    assert nothing.stderr.startswith("No unwritten record of a session with")
    refused = sva(
        "session",
        "held",
        "tm1",
        "--date",
        "2026-11-16",
        "--as",
        "sw1",
        cwd=tmp_path,
        database_url=database_url,
    )
    assert refused.returncode == 1 and "supervisor or their line management" in refused.stderr
    trail = sva("audit", "--json", cwd=tmp_path, database_url=database_url)
    rows = [json.loads(line) for line in trail.stdout.splitlines()]
    sessions = [
        (r["actor"], r["subject"], r["allowed"]) for r in rows if r["record_kind"] == "session"
    ]
    assert ("sw1", "tm1", False) in sessions  # the refusal is in the trail, not rolled back
    bad_date = sva(
        "session", "cancel", "sw1", "--date", "someday", cwd=tmp_path, database_url=database_url
    )
    assert bad_date.returncode == 1 and "is not a date" in bad_date.stderr


def test_an_invitation_goes_to_stdout_reads_natural_times_and_warns_of_holidays_and_leave(
    tmp_path: Path, database_url: str
) -> None:
    from icalendar import Calendar

    imported(
        tmp_path,
        database_url,
        TEAM.replace("2020-01-01,true,\n", "2020-01-01,true,slack:sam@council.example\n"),
    )
    leave = sva(
        "leave", "add", "tm1", "--from", "2026-12-24", "--to", "2026-12-31",
        cwd=tmp_path, database_url=database_url,
    )  # fmt: skip
    assert leave.returncode == 0
    result = sva(
        "invite", "sw1", "--at", "25 Dec 2026 10am", cwd=tmp_path, database_url=database_url
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "starts Fri 25 Dec 2026, 10:00 (Europe/London)",
        "warning: Fri 25 Dec 2026 is a bank holiday (Christmas Day)",
        "warning: Tom Manager is on leave on Fri 25 Dec 2026",
    ]
    [event] = Calendar.from_ical(result.stdout.encode()).walk("VEVENT")
    attendees = {str(a.params["CN"]): str(a) for a in event["attendee"]}
    assert attendees["Sam Worker"] == "mailto:sam@council.example"
    [zone] = Calendar.from_ical(result.stdout.encode()).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"


def test_commands_about_someone_not_in_the_directory_exit_1(
    tmp_path: Path, database_url: str
) -> None:
    imported(tmp_path, database_url)
    for command in [
        ("agenda", "zz9"),
        ("invite", "zz9", "--at", "2026-12-02T10:00"),
        ("leave", "add", "zz9", "--from", "2026-12-01", "--to", "2026-12-02"),
        ("record", "draft", "zz9"),
        ("action", "add", "--supervisee", "zz9", "--owner", "zz9", "--what", "x", "--why", "y"),
    ]:
        result = sva(*command, cwd=tmp_path, database_url=database_url)
        assert result.returncode == 1, command
        assert "no person with id 'zz9' (import people first)" in result.stderr, command


def test_an_import_with_last_supervised_dates_and_a_go_live_does_not_flood(
    tmp_path: Path, database_url: str
) -> None:
    # Issue 19 item 1: people and cases with no history were chased from 2015.
    people = (
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat,last_supervised\n"
        "hos,Hana Head,team_manager,Leadership,southwark,,2010-01-01,false,,\n"
        "tm1,Tom Manager,team_manager,Team A,southwark,hos,2012-01-01,false,,2026-11-10\n"
        "sw1,Sam Worker,social_worker,Team A,southwark,tm1,2015-01-05,true,,2026-11-16\n"
        "sw2,Sal Worker,social_worker,Team B,southwark,tm1,2015-01-05,true,,\n"
    )
    imported(tmp_path, database_url, people)
    (tmp_path / "cases.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on,last_supervised\n"
        "CR-1,sw1,child_in_need,standard,2015-02-01,2026-11-02\n"
        "CR-2,sw2,child_protection,high,2015-02-01,\n"
    )
    cases = sva("import", "cases", "cases.csv", cwd=tmp_path, database_url=database_url)
    assert cases.returncode == 0, cases.stderr
    (tmp_path / "sva.toml").write_text("[reminders]\ngo_live = 2026-11-23\n")
    dry = sva("remind", "--on", "2026-11-23", "--dry-run", cwd=tmp_path, database_url=database_url)
    assert dry.returncode == 0, dry.stderr
    teams = dry.stdout.split("By team")[1].split("By person:")[0].strip().splitlines()[1:]
    assert "2015" not in dry.stdout and teams and all("0 escalations" in t for t in teams)
    # sw1 was supervised on 16 Nov (and CR-1 on 2 Nov): nothing is due for them yet.
    assert "Sam Worker" not in dry.stdout.split("By person:")[1]
    # sw2 has no history: chased from go-live, not from 2015; by team, then by person.
    assert "  Team B: 1 reminder, 0 overdue, 0 escalations" in dry.stdout
    assert "  Sal Worker (sw2), Team B:" in dry.stdout
    assert "  Tom Manager (tm1), Team A:" in dry.stdout
    assert "Individual supervision with Sal Worker is due by Mon 23 Nov 2026." in dry.stdout
    assert "Case supervision for CR-2 (Sal Worker) is due by Mon 23 Nov 2026." in dry.stdout


def test_without_a_go_live_the_flood_is_shown_before_it_is_sent(
    tmp_path: Path, database_url: str
) -> None:
    imported(
        tmp_path,
        database_url,
        TEAM + "sw2,Sal Worker,social_worker,Team A,southwark,tm1,2015-01-05,true,\n",
    )
    dry = sva("remind", "--on", "2026-11-23", "--dry-run", cwd=tmp_path, database_url=database_url)
    assert "Your individual supervision is overdue (it was due Mon 12 Jan 2015)." in dry.stdout
    assert "  Sal Worker (sw2), Team A:" in dry.stdout


def test_imports_are_documented_and_read_common_spellings(
    tmp_path: Path, database_url: str
) -> None:
    helped = sva("import", "people", "--help", cwd=tmp_path)
    for column in ["id:", "role:", "supervisor_id:", "chat:", "last_supervised", "Example:"]:
        assert column in helped.stdout
    assert "residential_part_time" in helped.stdout  # every allowed role, not cut short
    cases_help = sva("import", "cases", "--help", cwd=tmp_path).stdout
    assert "CIN=child_in_need" in cases_help and "standard, high" in cases_help
    # The supervisor comes later in the same file; spellings as a spreadsheet has them.
    imported(
        tmp_path,
        database_url,
        PEOPLE_HEADER + "sw1,Sam Worker,Social Worker,Team A,southwark,tm1,2020-01-01,true,\n"
        "tm1,Tom Manager,Team Manager,Team A,southwark,,2018-01-01,false,\n",
    )
    # A supervisor from the earlier import.
    (tmp_path / "more.csv").write_text(
        PEOPLE_HEADER + "sw2,Sal Worker,social-worker,Team A,southwark,tm1,2021-01-01,true,\n"
    )
    more = sva("import", "people", "more.csv", cwd=tmp_path, database_url=database_url)
    assert more.returncode == 0, more.stderr
    (tmp_path / "cases.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on\nCR-1,sw1,CIN,standard,2026-01-01\n"
    )
    cases = sva("import", "cases", "cases.csv", cwd=tmp_path, database_url=database_url)
    assert cases.returncode == 0, cases.stderr
    assert "note: cases.csv:2: case_type: 'CIN' read as child_in_need" in cases.stdout
    (tmp_path / "bad.csv").write_text(
        "ref,worker_id,case_type,risk,allocated_on\nCR-2,sw1,child_in_need,medium,2026-01-01\n"
    )
    bad = sva("import", "cases", "bad.csv", cwd=tmp_path, database_url=database_url)
    assert bad.returncode == 1
    assert "bad.csv:2: risk: 'medium' is not one of standard, high" in bad.stderr


def test_a_rebooking_onto_a_bank_holiday_is_warned_about(tmp_path: Path, database_url: str) -> None:
    imported(tmp_path, database_url)
    today = date.today()
    christmas = date(today.year if today < date(today.year, 12, 25) else today.year + 1, 12, 25)
    moved = sva(
        "session",
        "rebook",
        "sw1",
        "--date",
        today.isoformat(),
        "--to",
        christmas.isoformat(),
        cwd=tmp_path,
        database_url=database_url,
    )
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.rstrip().endswith(
        f"Warning: {christmas:%a} 25 Dec {christmas.year} is a bank holiday (Christmas Day); "
        "rebook if it cannot go ahead."
    )
