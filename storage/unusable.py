"""Telling a database that cannot take writes until someone acts (read-only, full, its file
deleted or replaced under us) from one that is only busy for a moment.

A SQLite database is a file: an administrator can delete or replace it while sva runs, and
SQLite keeps writing to the open (now unlinked) file, so every answer would be acknowledged
and lost. `DatabaseFile` remembers which file was opened (st_dev, st_ino) and checks the path
still leads to it before every commit and after it (storage/db.py, storage/sql.py): if it does
not, nothing more is written or acknowledged, for as long as the process runs.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from storage.errors import DatabaseGone, DatabaseUnusable

READ_ONLY = "the database is read-only — tell your administrator"
FULL = "the database is full — tell your administrator"
# SQLite's primary result codes (an extended code keeps them in its low byte)
SQLITE_READONLY = 8
SQLITE_FULL = 13
# PostgreSQL SQLSTATEs: read_only_sql_transaction, disk_full
POSTGRES = {"25006": READ_ONLY, "53100": FULL}


def unusable(exc: SQLAlchemyError) -> DatabaseUnusable | None:
    """The error to raise if the driver's error means no write can succeed until someone
    acts; None for anything else (busy, a dropped connection, a conflict: worth a retry)."""
    cause = exc.orig if isinstance(exc, DBAPIError) else None
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_READONLY:
            return DatabaseUnusable(READ_ONLY)
        if code == SQLITE_FULL:
            return DatabaseUnusable(FULL)
        return None
    message = POSTGRES.get(str(getattr(cause, "sqlstate", "")))
    return DatabaseUnusable(message) if message else None


class DatabaseFile:
    """The SQLite file an engine opened, to notice it deleted or replaced."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._identity: tuple[int, int] | None = None
        self._gone: str | None = None

    def remember(self) -> None:
        """Note the file now at the path (the first connection's) as the one we use."""
        if self._identity is None:
            self._identity = _identity(self.path)

    def check(self) -> None:
        """Raise DatabaseGone if the path no longer leads to the file first opened; once
        gone, always gone (a file put back at the path is not the one we wrote to)."""
        known = self._identity
        if self._gone is None and known is not None and _identity(self.path) != known:
            self._gone = (
                f"the database file {self.path} was deleted or replaced while sva was "
                "running, so nothing more can be saved — tell your administrator"
            )
        if self._gone is not None:
            raise DatabaseGone(self._gone)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino
