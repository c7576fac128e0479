"""The README's quick start runs as written (issue 19: a manager from import to a first /team
view and a recorded session), through the installed `sva`, on SQLite and PostgreSQL.

Its example dates (go-live Mon 30 Nov 2026, a session cancelled that day and moved to 3 Dec)
are moved by whole weeks to the next working Monday ahead, so the walk never runs into the
past; everything else is the README's text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from policies.intervals import is_working_day

ROOT = Path(__file__).resolve().parents[3]
BIN = str(Path(sys.executable).parent)
README_GO_LIVE = date(2026, 11, 30)  # a Monday


def quick_start() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Quick start for a team manager")
    return text[start : text.index("\n## ", start + 1)]


def go_live() -> date:
    day = date.today() + timedelta(days=3)
    while day.weekday() != 0 or day < README_GO_LIVE or not is_working_day(day):
        day += timedelta(days=1)
    return day


def moved(text: str, weeks: int) -> str:
    """The README's November/December 2026 example dates, `weeks` later."""

    def iso(found: re.Match[str]) -> str:
        return (date.fromisoformat(found[0]) + timedelta(weeks=weeks)).isoformat()

    def spoken(found: re.Match[str]) -> str:
        day = date(2026, 11 if found[2] == "Nov" else 12, int(found[1])) + timedelta(weeks=weeks)
        return f"{day.day} {day:%b %Y}"

    text = re.sub(r"2026-1[12]-\d\d", iso, text)
    return re.sub(r"\b(\d{1,2}) (Nov|Dec)\b", spoken, text)


def environment(database_url: str) -> dict[str, str]:
    """SQLite: nothing set, as a new manager has it (./sva.db, made by `sva db init`);
    PostgreSQL: the test's database."""
    env = {k: v for k, v in os.environ.items() if k != "SVA_DATABASE_URL"}
    if not database_url.startswith("sqlite"):
        env["SVA_DATABASE_URL"] = database_url
    return env


def run(script: str, cwd: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**environment(database_url), "PATH": f"{BIN}:{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )  # fmt: skip


def test_the_quick_start_walks_a_manager_from_import_to_team_and_a_recorded_session(
    tmp_path: Path, database_url: str
) -> None:
    section = quick_start()
    tmp_path = tmp_path / "walk"  # an empty folder (the SQLite fixture's file is beside it)
    tmp_path.mkdir()
    weeks = (go_live() - README_GO_LIVE).days // 7
    shell = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    [chat_block] = re.findall(r"```\n(>.*?)```", section, re.DOTALL)
    imports, dry_run = shell[0], moved(shell[1], weeks)

    done = run(imports, tmp_path, database_url)
    assert done.returncode == 0, done.stderr
    claims = re.findall(r'# "(note: .*?)"', imports)  # what the comments promise
    assert len(claims) == 2
    for claimed in claims:
        head, _, tail = claimed.partition("…")
        assert any(line.startswith(head) and tail in line for line in done.stdout.splitlines())

    [config] = re.findall(r"`(\[reminders\] go_live = [\d-]+)`", section)
    (tmp_path / "sva.toml").write_text(moved(config, weeks).replace("] ", "]\n") + "\n")
    preview = run(dry_run, tmp_path, database_url)
    assert preview.returncode == 0, preview.stderr
    assert "(dry run): 6 reminders, 0 overdue, to 3 people" in preview.stdout
    assert "Sal Worker (sw2), Team A:" in preview.stdout and "2015" not in preview.stdout

    said = [
        re.split(r"\s{2,}", line[2:])[0] for line in chat_block.splitlines() if line[:2] == "> "
    ]
    assert said[0] == "/team" and len(said) == 6
    chat = subprocess.run(
        [f"{BIN}/sva", "chat", "--user", "tm1", "--json"],
        input="".join(moved(line, weeks) + "\n" for line in said),
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env=environment(database_url),
    )  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    answers = [json.loads(line)["text"] for line in chat.stdout.splitlines()]
    team, held, cancelled, rebooked, observed, signed = answers
    assert team.startswith("Tom Manager's team on ") and "- Sal Worker: " in team
    assert "overdue since" not in team  # go-live: nothing from before the assistant is chased
    assert held.startswith("Recorded: Sam Worker's supervision held on ")
    assert "cancelled; it needs rebooking. Sal Worker has been told." in cancelled
    assert " moved to " in rebooked and "Sal Worker has been told." in rebooked
    assert observed.startswith("Recorded: Sam Worker's direct observation of practice held on ")
    assert signed.startswith("Recorded: Sam Worker's supervision agreement signed on ")

    command = re.findall(r"`(sva session held [^`]+)`", section)[0]
    recorded = run(command, tmp_path, database_url)
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout.startswith("Recorded: Sam Worker's supervision held on ")
