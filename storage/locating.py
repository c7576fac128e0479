"""Where the database is, and whether it is one of ours, before anything opens it: a SQLite
URL must name an existing, non-empty, writable file (not a folder), and a database must hold
sva's tables. SQLite would otherwise make up an empty file wherever the path leads (another
working folder, a typo) and sva would start on it as if nothing were wrong."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url

from storage.db import normalise_url
from storage.errors import DatabaseMissing, DatabaseProblem
from storage.unusable import READ_ONLY

FIX_URL = "check database.url (or SVA_DATABASE_URL)"
POINT_URL = "point database.url (or SVA_DATABASE_URL) at"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None: PostgreSQL, in memory, or a URI filename)."""
    parsed = make_url(normalise_url(url))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database)


def shared_between_processes(url: str) -> bool:
    """Whether another process opening `url` reaches the same database: PostgreSQL or a
    SQLite file (not one in memory; nor, to be safe, a URI filename, which may be)."""
    backend = make_url(normalise_url(url)).get_backend_name()
    return backend != "sqlite" or sqlite_file(url) is not None


def check_file(path: Path, *, create: bool, empty_ok: bool = False) -> bool:
    """True if there is no file and `create` allows making one; DatabaseProblem for a
    folder, a missing file (unless `create`), an empty one (unless `empty_ok`), or a file
    that is read-only (its owner may not write it, or we may not)."""
    shown = path.absolute()
    if path.is_dir():
        raise DatabaseProblem(
            f"{shown} is a folder, not a database file; {POINT_URL} the database file"
        )
    try:
        found = path.stat()
    except FileNotFoundError:
        if create:
            return True
        raise DatabaseMissing(
            f"there is no database at {shown}; create one with `sva db init`, or {POINT_URL} "
            "the existing one"
        ) from None
    except OSError:
        return False  # SQLite says what is wrong when it opens it
    if found.st_size == 0 and not empty_ok:
        raise DatabaseProblem(
            f"{shown} is an empty file (0 bytes), not an sva database; {POINT_URL} the right "
            "file, or run `sva db init` to make it a new one"
        )
    if not found.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise DatabaseProblem(READ_ONLY.replace("the database", f"the database {shown}", 1))
    return False


def uninitialised(url: str) -> str:
    """What to say about a database without sva's tables."""
    path = sqlite_file(url)
    if path is not None:
        return (
            f"{path.absolute()} is a SQLite database without sva's tables; {POINT_URL} the "
            "right file, or run `sva db init` to add them"
        )
    return (
        f"the database {describe_database(url)} has no sva tables yet; create them with "
        "`sva db init` (or `sva db upgrade`)"
    )


def describe_database(url: str) -> str:
    parsed = make_url(normalise_url(url))
    return f"{parsed.database!r} on {parsed.host}"


def check_no_tables(engine: Engine, where: str) -> None:
    """DatabaseProblem if a database without sva's schema holds tables of something else."""
    with engine.connect() as connection:
        others = inspect(connection).get_table_names()
        connection.rollback()
    if others:
        raise DatabaseProblem(
            f"{where} already holds {len(others)} table(s) that are not sva's; nothing was "
            f"done; use an empty database, or {FIX_URL}"
        )
