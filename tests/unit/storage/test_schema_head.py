"""Opening a database at the newest schema skips Alembic, so the named head must be the
newest migration."""

import subprocess
import sys
from pathlib import Path

import pytest

from storage import opening, schema_head
from storage.db import create_engine, migrate
from storage.schema_head import SCHEMA_HEAD


def test_the_named_head_is_the_newest_migration() -> None:
    assert opening.head() == SCHEMA_HEAD, (
        "a migration was added: set SCHEMA_HEAD in storage/schema_head.py to its revision"
    )
    assert schema_head.named_head_is_newest(), "migration files are numbered NNNN_what.py"


def test_a_server_opening_a_database_at_head_never_imports_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    opening.init(url)
    probe = (
        "import sys\n"
        "import bot.cli.main, bot.cli.serving, bot.channels.server\n"
        "from storage.opening import open_database\n"
        f"open_database({url!r}, auto_migrate=True).dispose()\n"
        "print(sorted(name for name, module in sys.modules.items()\n"
        "             if module is not None and name.split('.')[0] in ('alembic', 'mako')))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_a_database_one_migration_behind_is_still_migrated_through_alembic(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    engine = create_engine(url)
    migrate(engine, "0022_kept_figures_bounded")
    assert not opening.at_head(engine)
    engine.dispose()

    engine = opening.open_database(url, auto_migrate=True)
    try:
        assert opening.at_head(engine)
        assert opening.revision(engine) == SCHEMA_HEAD
    finally:
        engine.dispose()


def test_a_migration_added_without_moving_the_named_head_still_goes_through_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    opening.init(url)
    engine = create_engine(url)
    assert opening.at_head(engine)
    versions = tmp_path / "versions"
    versions.mkdir()
    for script in [*schema_head.VERSIONS.glob("[0-9]*.py"), Path("0024_forgotten.py")]:
        (versions / script.name).touch()
    monkeypatch.setattr(schema_head, "VERSIONS", versions)
    try:
        assert not opening.at_head(engine)  # so opening asks Alembic, which knows better
    finally:
        engine.dispose()
