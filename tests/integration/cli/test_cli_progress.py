"""`sva import` on a terminal shows a progress bar (where it is, rows per second); piped, it
ends with one summary line with the rate."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

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
    assert purge.stderr.splitlines()[-1].startswith("purge: 0 rows in ")
    report = subprocess.run(
        [SVA, "report", "compliance", "--council", "--month", "2026-10", "--format", "json",
         *config], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert report.stderr.splitlines()[-1].startswith("computing the compliance report: 0 people")
