"""What `sva serve` holds in memory before any work: modules it has no use for stay unloaded
(issue 16, memory; benchmarks/README.md, memory)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

UNUSED = (
    "pygments",
    "rich",
    "requests",
    "authlib.integrations.requests_client",
    "holidays.countries",
)


def loaded_after(script: str) -> list[str]:
    check = f"{script}; import json, sys; print(json.dumps([m for m in {UNUSED!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return sorted(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_started_server_has_not_loaded_a_highlighter_a_second_http_client_or_every_country(
    tmp_path: Path,
) -> None:
    """Every command is imported (as `sva serve` does) but no progress bar's `rich`; opening
    (and migrating) the database loads Alembic and Mako but not Pygments; the dashboard
    without single sign-on loads no `requests`; a working-day question loads one country's
    bank holidays."""
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    script = (
        "import bot.cli.main, bot.cli.serving; from datetime import date;"
        "from bot.bootstrap import open_database; from bot.config import Config;"
        "from policies.intervals import is_working_day;"
        f"open_database(Config.model_validate({{'database': {{'url': {url!r}}}}}), create=True);"
        "assert not is_working_day(date(2026, 12, 25))"
    )
    assert loaded_after(script) == []


def test_single_sign_on_loads_its_http_client_when_the_dashboard_is_built() -> None:
    assert loaded_after("import bot.web.oidc") == [
        "authlib.integrations.requests_client",
        "requests",
    ]
