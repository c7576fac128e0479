"""`sva db backup`: a consistent copy of a SQLite database taken while `sva` runs (SQLite's
online backup API). PostgreSQL is backed up with its own tool, pg_dump (docs/deploy.md)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import normalise_url
from storage.opening import DatabaseProblem, safe

PAGES_PER_STEP = 1024  # copy in steps so writers are never held up for long


def pg_dump_hint(url: str) -> str:
    """What to run instead for PostgreSQL (the password is not shown)."""
    return (
        "PostgreSQL is backed up with pg_dump, not sva: pg_dump --format=custom "
        f"--file=sva-$(date +%F).dump '{safe(url).replace('postgresql+psycopg', 'postgresql')}' "
        "(see docs/deploy.md, Backups)"
    )


def backup(url: str, out: Path, *, force: bool = False) -> int:
    """Copy the SQLite database at `url` to `out` (mode 0600); returns the bytes written.

    Raises:
        DatabaseProblem: not SQLite, no database there, or `out` exists and not `force`.
    """
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise DatabaseProblem(pg_dump_hint(url))
    source_path = Path(parsed.database or "")
    if not source_path.is_file():
        raise DatabaseProblem(f"no SQLite database at {source_path}; check database.url")
    if out.exists() and not force:
        raise DatabaseProblem(f"{out} already exists; choose another file or add --force")
    if out.exists():
        out.unlink()
    out.touch(mode=0o600)
    os.chmod(out, 0o600)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(out)
    try:
        source.backup(target, pages=PAGES_PER_STEP)
    finally:
        target.close()
        source.close()
    return out.stat().st_size
