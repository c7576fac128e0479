"""Identity and access through the installed `sva`: console identities, `--as PERSON`,
the administrator, and the audit trail (SQLite and PostgreSQL).

    m1 (manager) ── s1 (supervisor) ── w1 (holds CR-1), w2
    qa1: quality-assurance reader (access = qa)
"""

from __future__ import annotations

import asyncio
import getpass
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage.db import create_engine
from storage.sql import SqlStore
from tests.integration.cli.test_cli_contracts import sva

PEOPLE = (
    "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat,access\n"
    "m1,Mo Manager,team_manager,Leadership,southwark,,2015-01-01,false,console:m1,\n"
    "s1,Sam Supervisor,team_manager,Team A,southwark,m1,2018-01-01,false,console:s1,\n"
    "w1,Wendy Worker,social_worker,Team A,southwark,s1,2020-01-01,true,console:W1,\n"
    "w2,Will Worker,social_worker,Team A,southwark,s1,2020-01-01,true,console:w2,\n"
    "qa1,Quinn Auditor,team_manager,Audit,southwark,,2015-01-01,false,console:qa1,qa\n"
)
CASES = "ref,worker_id,case_type,risk,allocated_on\nCR-1,w1,child_in_need,high,2026-01-01\n"
PREP = [
    "/prep CR-1",
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
DECISION = [
    "/decision CR-1", "Police called", "skip", "Safety plan", "Strategy meeting", "done", "1",
    "Risk tonight", "skip", "done", "yes", "skip", "skip",
]  # fmt: skip


class Team:
    """A database with the team imported, and `sva` run against it."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.cwd, self.url = tmp_path, database_url
        (tmp_path / "people.csv").write_text(PEOPLE)
        (tmp_path / "cases.csv").write_text(CASES)
        for kind in ("people", "cases"):
            assert self.run("import", kind, f"{kind}.csv").returncode == 0

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return sva(*args, stdin=stdin, cwd=self.cwd, database_url=self.url)

    def say(self, user: str, *lines: str) -> list[dict[str, Any]]:
        result = self.run("chat", "--user", user, "--json", stdin="".join(f"{x}\n" for x in lines))
        assert result.returncode == 0, result.stderr
        return [json.loads(x) for x in result.stdout.splitlines()]

    def audit(self, *filters: str) -> list[dict[str, Any]]:
        result = self.run("audit", "--json", *filters)
        assert result.returncode == 0, result.stderr
        return [json.loads(x) for x in result.stdout.splitlines()]

    def sql(self, statement: str) -> list[Any]:
        engine = create_engine(self.url)
        try:
            with engine.begin() as connection:
                result = connection.execute(text(statement))
                return list(result.all()) if result.returns_rows else []
        finally:
            engine.dispose()


@pytest.fixture
def team(tmp_path: Path, database_url: str) -> Team:
    return Team(tmp_path, database_url)


def test_a_console_user_prepares_and_it_reaches_their_and_their_supervisors_agenda(
    team: Team,
) -> None:
    replies = team.say("w1", *PREP)  # the import row says console:W1: case does not matter
    assert "Saved your preparation" in replies[-1]["text"]
    own = team.run("agenda", "w1", "--as", "w1")
    assert own.returncode == 0 and "Case CR-1, prepared" in own.stdout
    [agenda, questions] = team.say("s1", "/agenda w1")
    assert "Case CR-1, prepared" in agenda["text"] and "EARS" in questions["text"]
    by_supervisor = team.run("agenda", "w1", "--as", "s1")
    assert by_supervisor.returncode == 0 and "Case CR-1, prepared" in by_supervisor.stdout
    reads = [
        (e["actor"], e["via"]) for e in team.audit("--person", "w1") if e["action"] != "change"
    ]
    assert reads == [("s1", "console"), ("s1", "cli:agenda")]


def test_unknown_console_users_are_refused_and_nothing_is_stored(team: Team) -> None:
    for user in ("nobody", "sw9", "m1x"):
        result = team.run("chat", "--user", user, "--json", stdin="/prep CR-1\n")
        assert result.returncode == 1 and result.stdout == ""
        assert f"add console:{user} to the chat column" in result.stderr
    assert team.sql("SELECT person_id FROM conversations") == []
    assert team.sql("SELECT id FROM audit_log WHERE actor NOT LIKE 'os:%'") == []


def test_person_ids_are_not_console_identities(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "people.csv").write_text(
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
        "sw1,Sara,social_worker,Team A,,,2020-01-01,true,slack:U1\n"
    )
    sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    refused = sva("chat", "--user", "sw1", stdin="", cwd=tmp_path, database_url=database_url)
    assert refused.returncode == 1 and "console:sw1" in refused.stderr


def test_an_empty_directory_runs_a_labelled_demo_kept_apart(
    tmp_path: Path, database_url: str
) -> None:
    demo = sva("chat", "--user", "alice", "--json", stdin="/prep CR-1\n", cwd=tmp_path,
               database_url=database_url)  # fmt: skip
    assert demo.returncode == 0 and "Demo: nobody has been imported yet" in demo.stderr
    assert json.loads(demo.stdout.splitlines()[0])["dialog"] == "prep"
    store = SqlStore(engine=create_engine(database_url))
    try:
        stored = asyncio.run(store.run(lambda tx: tx.load_conversation("demo:alice")))
        assert stored is not None
        assert asyncio.run(store.run(lambda tx: tx.load_conversation("alice"))) is None
    finally:
        asyncio.run(store.close())
    (tmp_path / "people.csv").write_text(
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
        "demo:alice,Alice,social_worker,Team A,,,2020-01-01,true,console:alice\n"
    )
    refused = sva("import", "people", "people.csv", cwd=tmp_path, database_url=database_url)
    assert refused.returncode == 1 and "kept for the console's demo" in refused.stderr


# command, then who may run it (--as); everyone else among WHO is refused.
WHO = ["w1", "s1", "m1", "w2", "qa1"]
CLI_CELLS = [
    (("agenda", "w1"), {"w1", "s1", "m1"}),
    (("record", "draft", "w1", "--date", "2026-11-23"), {"w1", "s1", "m1", "qa1"}),
    (("decisions", "list", "--case", "CR-1"), {"w1", "s1", "m1"}),
    (("decisions", "list", "--person", "w1"), {"w1", "s1", "m1"}),
    (
        ("action", "add", "--supervisee", "w1", "--owner", "w1", "--what", "x", "--why", "y"),
        {"w1", "s1"},
    ),
    (("record", "written", "w1", "--date", "2026-11-23"), {"s1", "m1"}),
]


def test_the_cli_as_a_person_follows_the_table_and_audits_reads_of_others(team: Team) -> None:
    team.say("w1", *PREP)
    for command, allowed in CLI_CELLS:
        for who in WHO:
            result = team.run(*command, "--as", who)
            refused = result.returncode == 1 and "see README" in result.stderr
            assert refused is (who not in allowed), (command, who, result.stderr)
    entries = team.audit("--person", "w1")
    reads = {
        (e["actor"], e["record_kind"], e["allowed"])
        for e in entries
        if e["action"] in ("read", "export")
    }
    assert ("s1", "agenda", True) in reads and ("m1", "case-record", True) in reads
    assert ("qa1", "case-record", True) in reads and ("qa1", "agenda", False) in reads
    assert ("w2", "agenda", False) in reads
    assert not any(actor == "w1" for actor, kind, _ in reads if kind == "agenda")  # own reads


def test_the_administrator_is_audited_with_the_os_login(team: Team) -> None:
    assert team.run("agenda", "w1").returncode == 0
    assert team.run("decisions", "list", "--json").returncode == 0
    login = f"os:{getpass.getuser()}"
    mine = [(e["action"], e["record_kind"], e["via"]) for e in team.audit("--actor", login)]
    assert ("admin", "import", "cli:import people") in mine
    assert ("export", "agenda", "cli:agenda") in mine
    assert ("read", "decision", "cli:decisions list") in mine
    imports = [e for e in team.audit("--actor", login, "--kind", "import")]
    assert [e["record_id"] for e in imports] == ["people.csv", "cases.csv"]


def test_audit_verify_finds_an_edited_row_and_a_changed_decision(team: Team) -> None:
    team.say("s1", *DECISION, "w1", "confirm")
    team.say("w1", "/acknowledge 1")
    intact = team.run("audit", "verify")
    assert intact.returncode == 0 and intact.stdout.startswith("audit trail intact:")
    team.sql("UPDATE decisions SET acknowledge_by = 'w2' WHERE id = 1")
    changed = team.run("audit", "verify")
    assert changed.returncode == 1 and "decision 1: changed after it was recorded" in changed.stderr
    team.sql("UPDATE decisions SET acknowledge_by = 'w1' WHERE id = 1")
    assert team.run("audit", "verify").returncode == 0
    team.sql("UPDATE audit_log SET actor = 'm1' WHERE id = 3")
    edited = team.run("audit", "verify")
    assert edited.returncode == 1 and "audit row 3: edited after it was written" in edited.stderr
