"""The newest migration's revision, named here so that opening a database already at it
needs no Alembic: importing Alembic and loading its scripts costs a long-running `sva
serve` about 3.6 MiB it would keep all day (issue 16's memory target). Opening anything
else, and every migration, still goes through Alembic. `tests/unit/storage/
test_schema_head.py` fails when a migration is added and this is not moved to it."""

from storage.db import MIGRATIONS

SCHEMA_HEAD = "0023_report_versions_locked"
VERSION_TABLE = "alembic_version"  # where Alembic records the revision a database is at
VERSIONS = MIGRATIONS / "versions"


def named_head_is_newest() -> bool:
    """Whether no migration file is numbered after SCHEMA_HEAD (files are `NNNN_what.py`).
    Checked at every opening, so that a migration added without moving SCHEMA_HEAD is still
    applied, through Alembic, rather than skipped."""
    numbers = [path.name.split("_")[0] for path in VERSIONS.glob("[0-9]*.py")]
    return max(numbers, default="") == SCHEMA_HEAD.split("_")[0]
