"""Files `sva` writes hold people's data: owner-only (0600), and never silently replaced."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.integration.cli.test_cli_contracts import PEOPLE_HEADER, sva


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def people(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "people.csv").write_text(
        PEOPLE_HEADER + "tm1,Tom,team_manager,Team A,,,2018-01-01,false,console:tom\n"
        "sw1,Sara,social_worker,Team A,,tm1,2020-01-01,true,console:sara\n"
    )
    (tmp_path / "sessions.csv").write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status\n"
        "individual,2026-10-26,sw1,tm1,,held\n"
    )
    for kind in ("people", "sessions"):
        sva("import", kind, f"{kind}.csv", cwd=tmp_path, database_url=database_url)


def test_the_sqlite_database_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    assert sva("db", "init", cwd=tmp_path, database_url=url).returncode == 0
    result = sva(
        "chat", "--user", "alice", "--json", stdin="/checkin\n", cwd=tmp_path, database_url=url
    )
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.glob("sva.db*"))
    assert [f.name for f in files][:1] == ["sva.db"]
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}


def test_an_existing_readable_database_is_made_owner_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    sva("db", "init", cwd=tmp_path, database_url=url)
    (tmp_path / "sva.db").chmod(0o644)
    sva("chat", "--user", "alice", "--json", stdin="/help\n", cwd=tmp_path, database_url=url)
    assert mode(tmp_path / "sva.db") == 0o600


def test_exports_are_owner_only_and_not_replaced_without_force(
    tmp_path: Path, database_url: str
) -> None:
    people(tmp_path, database_url)
    exports = [
        ("agenda", "sw1", "--out", "agenda.md", "--format", "markdown"),
        ("agenda", "sw1", "--out", "agenda.docx", "--format", "docx"),
        ("record", "draft", "sw1", "--date", "2026-11-23", "--out", "records.txt"),
        ("invite", "sw1", "--at", "2026-12-02T10:00", "--out", "next.ics"),
    ]
    for command in exports:
        out = tmp_path / command[command.index("--out") + 1]
        first = sva(*command, cwd=tmp_path, database_url=database_url)
        assert first.returncode == 0, first.stderr
        assert mode(out) == 0o600
        out.write_text("kept")
        again = sva(*command, cwd=tmp_path, database_url=database_url)
        assert again.returncode == 2
        assert again.stderr.splitlines()[-1] == (
            f"{out.name} already exists; choose another file or add --force"
        )
        assert out.read_text() == "kept"
        out.chmod(0o644)
        forced = sva(*command, "--force", cwd=tmp_path, database_url=database_url)
        assert forced.returncode == 0 and out.read_bytes() != b"kept" and mode(out) == 0o600


def test_the_console_reminder_log_is_owner_only(tmp_path: Path, database_url: str) -> None:
    people(tmp_path, database_url)
    (tmp_path / "sva-reminders.log").write_text("")
    (tmp_path / "sva-reminders.log").chmod(0o644)
    sent = sva("remind", "--on", "2026-11-23", cwd=tmp_path, database_url=database_url)
    assert sent.returncode == 0, sent.stderr
    log = tmp_path / "sva-reminders.log"
    assert "=== to sw1" in log.read_text() and mode(log) == 0o600
