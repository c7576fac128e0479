"""`sva import` on a terminal shows a progress bar (where it is, rows per second); piped, it
ends with one summary line with the rate."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from tests.integration.cli.test_cli_contracts import PEOPLE_HEADER

SVA = str(Path(sys.executable).with_name("sva"))
ROWS = 25_000


def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    lines = ["id,name,role,team,policy,supervisor_id,started_on,case_holding,chat",
             "tm0,Manager,team_manager,Team A,,,2018-01-01,false,console:tm0"]  # fmt: skip
    lines += [f"p{i},Person {i},social_worker,Team A,,tm0,2020-01-01,true," for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    (tmp_path / "sva.toml").write_text(f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n')
    subprocess.run([SVA, "db", "init", "--config", str(tmp_path / "sva.toml")],
                   check=True, capture_output=True)  # fmt: skip
    return path


def test_piped_import_ends_with_a_summary_line_with_rows_per_second(tmp_path: Path) -> None:
    path = people(tmp_path)
    result = subprocess.run(
        [SVA, "import", "people", str(path), "--config", str(tmp_path / "sva.toml")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [summary] = result.stderr.splitlines()
    assert summary.startswith(f"import people people.csv: {ROWS + 1:,} rows in ")
    assert summary.endswith(" rows/s)")
    assert "\x1b" not in result.stderr  # no terminal codes in a pipe


def test_import_on_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    path = people(tmp_path)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [SVA, "import", "people", str(path), "--config", str(tmp_path / "sva.toml")],
        stdout=subprocess.DEVNULL, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=300)
    os.close(leader)
    text = shown.decode(errors="replace")
    assert process.returncode == 0
    assert "checking people.csv" in text and "writing people.csv" in text
    assert f"/{ROWS + 1}" in text and "rows/s" in text


def test_purge_and_the_compliance_report_end_with_a_summary_line_when_piped(
    tmp_path: Path,
) -> None:
    people(tmp_path)
    config = ["--config", str(tmp_path / "sva.toml")]
    subprocess.run([SVA, "db", "upgrade", *config], check=True, capture_output=True)
    purge = subprocess.run([SVA, "db", "purge", "--dry-run", *config], capture_output=True,
                           text=True, timeout=300)  # fmt: skip
    assert purge.returncode == 0, purge.stderr
    assert purge.stderr.splitlines()[-1].startswith("purge (dry run): 0 rows in ")
    report = subprocess.run(
        [SVA, "report", "compliance", "--council", "--month", "2026-10", "--format", "json",
         *config], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert report.stderr.splitlines()[-1].startswith("computing the compliance report: 0 people")


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run `sva` with stderr on a pseudo-terminal; its exit status and what it drew there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([SVA, *args], stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=300)
    os.close(leader)
    return process.returncode, shown.decode(errors="replace")


def test_the_sweep_purge_key_rotation_and_report_draw_a_bar_with_counts_on_a_terminal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    lines = [PEOPLE_HEADER.strip(), "tm0,Tom Manager,team_manager,Team A,,,2018-01-01,false,"]
    lines += [f"p{i},Person {i},social_worker,Team A,,tm0,2020-01-01,true," for i in range(40)]
    path.write_text("\n".join(lines) + "\n")
    key = subprocess.run([SVA, "db", "new-key", "--id", "k1"], capture_output=True, text=True)
    (tmp_path / "keys").write_text(key.stdout)
    (tmp_path / "keys").chmod(0o600)
    (tmp_path / "sva.toml").write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n'
        f'[encryption]\nkey_file = "{tmp_path / "keys"}"\n'
    )
    config = ["--config", str(tmp_path / "sva.toml")]
    subprocess.run([SVA, "db", "init", *config], check=True, capture_output=True)
    subprocess.run([SVA, "import", "people", str(path), *config], check=True, capture_output=True)
    status, drawn = on_a_terminal("remind", "--on", "2026-11-23", *config)  # a Monday
    assert status == 0
    assert "sending reminders" in drawn and "82/82" in drawn  # as in the piped test below
    new = subprocess.run([SVA, "db", "new-key", "--id", "k2"], capture_output=True, text=True)
    (tmp_path / "keys").write_text(new.stdout + key.stdout)  # k2 first: the current key
    status, drawn = on_a_terminal("db", "rotate-key", *config)
    assert status == 0 and "re-sealing with the current key" in drawn
    sealed = re.findall(r"(?<!\d)(\d+)/\1(?!\d)", drawn)  # every value left to seal, sealed
    assert sealed and int(sealed[-1]) >= 82  # at least the queued reminder texts
    status, drawn = on_a_terminal("db", "purge", *config)
    assert status == 0 and "purging what [retention] no longer allows" in drawn and "0/0" in drawn
    status, drawn = on_a_terminal(
        "report", "compliance", "--council", "--month", "2026-10", "--format", "json", *config
    )
    assert status == 0 and "computing the compliance report" in drawn and "41/41" in drawn


def test_a_piped_sweep_ends_with_a_summary_line_with_its_count(tmp_path: Path) -> None:
    people(tmp_path)
    config = ["--config", str(tmp_path / "sva.toml")]
    subprocess.run([SVA, "import", "people", str(tmp_path / "people.csv"), *config], check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    swept = subprocess.run([SVA, "remind", "--on", "2026-11-23", "--dry-run", *config],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert swept.returncode == 0, swept.stderr
    assert swept.stderr.splitlines()[-1].startswith(
        f"reminder sweep for 2026-11-23: {2 * ROWS + 2:,} reminders in "
    )  # each worker and their manager about them; the manager's own and the team's group
    assert "\x1b" not in swept.stderr
