"""The newest migration's revision, named here so that opening a database already at it
needs no Alembic: importing Alembic and loading its scripts costs a long-running `sva
serve` about 3.5 MiB it would keep all day (issue 16's memory target). Opening anything
else, and every migration, still goes through Alembic. `tests/unit/storage/
test_schema_head.py` fails when a migration is added and this is not moved to it."""

from pathlib import Path

SCHEMA_HEAD = "0023_report_versions_locked"
VERSION_TABLE = "alembic_version"  # where Alembic records the revision a database is at
VERSIONS = Path(__file__).with_name("migrations") / "versions"


def named_head_is_newest() -> bool:
    """Whether no migration file is newer than SCHEMA_HEAD (files are named after their
    revision). Checked at every opening, so that a migration added without moving
    SCHEMA_HEAD is still applied, through Alembic, rather than skipped."""
    return max(path.stem for path in VERSIONS.glob("[0-9]*.py")) == SCHEMA_HEAD
