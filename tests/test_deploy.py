"""The systemd unit shipped in deploy/ is valid for `systemd-analyze verify` (unknown keys,
bad values and a missing executable all count), and docs/deploy.md covers what an operator
needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "sva.service"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def verify(unit_text: str, tmp_path: Path) -> str:
    """`systemd-analyze verify` on the unit installed under `tmp_path` instead of /opt/sva
    (the unit's executable must exist); returns everything it said, with its exit status."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        if IN_CI:
            pytest.fail("systemd-analyze is missing (.ci/run installs systemd)")
        pytest.skip("systemd-analyze is not installed")
    bin_dir = tmp_path / "opt" / "sva" / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "sva").symlink_to(Path(sys.executable).with_name("sva"))
    unit = tmp_path / "sva.service"
    unit.write_text(unit_text.replace("/opt/sva/", f"{tmp_path}/opt/sva/"))
    result = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True)
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}".strip()


def test_the_shipped_unit_verifies_cleanly(tmp_path: Path) -> None:
    assert verify(UNIT.read_text(), tmp_path) == "exit 0"


def test_verify_would_catch_a_mistyped_key(tmp_path: Path) -> None:
    broken = UNIT.read_text().replace("Restart=on-failure", "Restrat=on-failure")
    assert "Unknown key 'Restrat'" in verify(broken, tmp_path)


def test_the_unit_runs_sva_serve_restarts_on_failure_but_not_on_wrong_settings() -> None:
    text = UNIT.read_text()
    assert "ExecStart=/opt/sva/.venv/bin/sva serve --config /etc/sva/sva.toml" in text
    assert "Restart=on-failure" in text and "RestartPreventExitStatus=2 78" in text
    assert "EnvironmentFile=/etc/sva/sva.env" in text and "UMask=0077" in text


def test_the_deployment_guide_covers_what_an_operator_needs() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for heading in (
        "## PostgreSQL",
        "## TLS reverse proxy",
        "## systemd",
        "## Two or more `sva serve` on one database",
        "## Upgrades",
        "## Backups",
        "## Keys and secrets",
        "## Policy packs and local overrides",
        "## Health, logs and metrics",
    ):
        assert heading in guide, heading
    assert "deploy/sva.service" in guide and "pg_dump" in guide and "sva db backup" in guide
