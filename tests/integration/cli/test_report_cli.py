"""`sva report compliance` through the installed command, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests import oversight_fixture as fx
from tests.integration.cli.test_cli_contracts import sva


@pytest.fixture(autouse=True)
def team_config(tmp_path: Path) -> None:
    """Team North follows Manchester's pack (its group supervision cadence comes from it)."""
    (tmp_path / "sva.toml").write_text('[team."North"]\npolicy = "manchester"\n')


def test_csv_for_a_team_and_month(seeded: str, tmp_path: Path) -> None:
    result = sva(
        "report",
        "compliance",
        "--team",
        fx.TEAM,
        "--month",
        fx.MONTH,
        "--format",
        "csv",
        cwd=tmp_path,
        database_url=seeded,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    team = {r["measure"]: r for r in rows if r["section"] == "team"}
    assert (
        team["individual"]["due"],
        team["individual"]["missed"],
        team["individual"]["worst_days"],
    ) == ("4", "1", "24")
    assert team["group"]["rules"] == "manchester.group.monthly"
    excluded = {r["reason"]: r["due"] for r in rows if r["section"] == "excluded"}
    assert excluded["on leave for at least half the period"] == "1"


def test_from_to_json_and_table(seeded: str, tmp_path: Path) -> None:
    result = sva(
        "report",
        "compliance",
        "--manager",
        "m1",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "json",
        cwd=tmp_path,
        database_url=seeded,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"]["individual"]["due"] == 3  # m1 is not in own span
    table = sva(
        "report", "compliance", "--council", "--month", fx.MONTH, cwd=tmp_path, database_url=seeded
    )
    assert table.returncode == 0, table.stderr
    assert "Sam Social" in table.stdout and "manchester.group.monthly" in table.stdout


def test_bad_requests_exit_non_zero_with_one_line(seeded: str, tmp_path: Path) -> None:
    both = sva(
        "report", "compliance", "--team", "North", "--council", cwd=tmp_path, database_url=seeded
    )
    assert both.returncode == 2 and "exactly one of" in both.stderr
    unknown = sva(
        "report",
        "compliance",
        "--team",
        "Nowhere",
        "--month",
        "2026-11",
        cwd=tmp_path,
        database_url=seeded,
    )
    assert (
        unknown.returncode == 1 and unknown.stderr.strip() == "no team 'Nowhere' in the directory"
    )
    lower = sva(
        "report", "compliance", "--team", "north", "--month", "2026-11",
        cwd=tmp_path, database_url=seeded,
    )  # fmt: skip
    assert lower.returncode == 1 and lower.stderr.strip() == (
        "no team 'north' in the directory (did you mean 'North'?)"
    )
    nobody = sva(
        "report", "compliance", "--manager", "sw1", "--month", "2026-11",
        cwd=tmp_path, database_url=seeded,
    )  # fmt: skip
    assert nobody.returncode == 1
    assert nobody.stderr.strip() == "sw1 supervises or manages nobody in the directory"
    month = sva(
        "report", "compliance", "--council", "--month", "2026-13", cwd=tmp_path, database_url=seeded
    )
    assert month.returncode == 2 and "--month" in month.stderr
    ahead = sva(
        "report", "compliance", "--council", "--month", "2099-01", cwd=tmp_path, database_url=seeded
    )
    assert ahead.returncode == 2 and "2099-01-01 to 2099-01-31 has not begun yet" in ahead.stderr
    today = date.today()
    running = sva(
        "report", "compliance", "--council", "--from", str(today), "--to",
        str(today + timedelta(days=3)), cwd=tmp_path, database_url=seeded,
    )  # fmt: skip
    assert running.returncode == 0 and (
        f"is still running; figures are as of {today + timedelta(days=3)}" in running.stderr
    )
    assert f"--from {today} --to {today} measures it so far" in running.stderr


def test_sample_is_the_same_every_time_and_a_finding_is_recorded(
    seeded: str, tmp_path: Path
) -> None:
    args = ("report", "sample", "--team", fx.TEAM, "--month", fx.MONTH, "--json")
    first = sva(*args, cwd=tmp_path, database_url=seeded)
    assert first.returncode == 0, first.stderr
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(lines) == 4
    assert sva(*args, cwd=tmp_path, database_url=seeded).stdout == first.stdout
    record = lines[0]["record"]
    done = sva(
        "report",
        "finding",
        record,
        "--by",
        "h1",
        "--text",
        "=cmd| learning point",
        cwd=tmp_path,
        database_url=seeded,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("finding 1 recorded; on the supervisee's agenda as action")
    missing = sva(
        "report", "finding", "nope", "--by", "h1", "--text", "x", cwd=tmp_path, database_url=seeded
    )
    assert missing.returncode == 1 and "no individual or case supervision record" in missing.stderr


def test_reports_samples_and_findings_are_in_the_audit_trail(seeded: str, tmp_path: Path) -> None:
    """Each is an administrator action with personal data: one audit row each, naming
    what was reported or which record the finding is about."""
    month = ("--month", fx.MONTH)
    out = tmp_path / "north.csv"
    report = sva(
        "report", "compliance", "--team", fx.TEAM, *month, "--format", "csv", "--out", str(out),
        cwd=tmp_path, database_url=seeded,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    sample = sva(
        "report", "sample", "--team", fx.TEAM, *month, "--json", cwd=tmp_path, database_url=seeded
    )
    record = json.loads(sample.stdout.splitlines()[0])["record"]
    finding = sva(
        "report", "finding", record, "--by", "h1", "--text", "Plan lacks timescales",
        cwd=tmp_path, database_url=seeded,
    )  # fmt: skip
    assert finding.returncode == 0, finding.stderr
    refused = sva(
        "report", "finding", record, "--by", "sw9", "--text", "x", cwd=tmp_path, database_url=seeded
    )
    assert refused.returncode == 1  # nothing recorded, so no row claims it was
    trail = sva("audit", "--json", cwd=tmp_path, database_url=seeded)
    rows = [json.loads(line) for line in trail.stdout.splitlines()]
    ours = [
        (r["via"], r["record_kind"], r["record_id"])
        for r in rows
        if r["via"].startswith("cli:report")
    ]
    supervisee = json.loads(sample.stdout.splitlines()[0])["supervisee"]
    assert [r["subject"] for r in rows if r["via"] == "cli:report finding"] == [supervisee]
    assert sorted(ours) == [
        (
            "cli:report compliance",
            "report",
            f"compliance team {fx.TEAM} 2026-11-01 to 2026-11-30 csv",
        ),
        ("cli:report finding", "finding", f"finding 1 on {record}"),
        ("cli:report sample", "report", f"sample team {fx.TEAM} 2026-11-01 to 2026-11-30"),
    ]


def test_a_finding_by_someone_outside_the_line_is_refused(seeded: str, tmp_path: Path) -> None:
    record = "case|2026-11-10|sw3|CR-5"  # Tom's (sw3) case supervision with Maya (m1)
    for by, why in [
        ("nobody", "--by: no person with id 'nobody' in the directory"),
        ("sw3", "--by: a record is audited by someone other than its supervisee"),
        ("sw1", "--by: Sam Social is not sw3's supervisor, in their line management or a QA"),
    ]:
        refused = sva(
            "report",
            "finding",
            record,
            "--by",
            by,
            "--text",
            "x",
            cwd=tmp_path,
            database_url=seeded,
        )
        assert refused.returncode == 1 and why in refused.stderr, (by, refused.stderr)
    allowed = sva(
        "report", "finding", record, "--by", "m1", "--text", "x", cwd=tmp_path, database_url=seeded
    )
    assert allowed.returncode == 0, allowed.stderr


def test_an_out_file_that_cannot_be_written_is_refused_before_the_work(
    seeded: str, tmp_path: Path
) -> None:
    base = ("report", "compliance", "--team", fx.TEAM, "--month", fx.MONTH, "--format", "csv")
    for out, why in [
        ("nodir/x.csv", "--out nodir/x.csv: there is no folder nodir"),
        (".", "--out . is a folder: give a file name in it"),
    ]:
        result = sva(*base, "--out", out, "--force", cwd=tmp_path, database_url=seeded)
        assert result.returncode == 2 and result.stderr.strip() == why
        assert "Traceback" not in result.stderr
