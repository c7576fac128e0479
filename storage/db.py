"""Engines and migrations. Nothing here runs at import time."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError

from storage.errors import DatabaseGone
from storage.sealing import NO_KEYS, Keyring
from storage.unusable import DatabaseFile

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x5356_4101  # any constant shared by every sva process
CONNECT_TIMEOUT = 10  # seconds: an unreachable server is reported, not waited on for minutes
BUSY_SECONDS = 10  # SQLite: how long a transaction waits for another's write lock
FOLD_ATTEMPTS = 6  # emptying the log after an erasure waits up to a minute for readers
SQLITE_SYNCHRONOUS = ("full", "normal")
DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def normalise_url(url: str) -> str:
    """Accept the URLs people write (sqlite:///x.db, postgresql://…) and pick our drivers."""
    parsed = make_url(url)
    driver = DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False) if driver else url


def create_engine(
    url: str, *, echo: bool = False, keyring: Keyring = NO_KEYS, sqlite_synchronous: str = "full"
) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE.

    `keyring` seals the special-category columns (storage/sealing.py). SQL parameters are
    never put into error messages or logs (`hide_parameters`): they hold people's answers.

    `sqlite_synchronous` (SQLite only): "full" flushes the write-ahead log to disk at every
    commit, so a committed answer survives a power cut; "normal" flushes only at checkpoints,
    so a commit survives the process being killed but the last few may be lost if the machine
    loses power (the database itself stays intact). See benchmarks/README.md for the cost.
    """
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
            raise ValueError(f"sqlite_synchronous must be one of {', '.join(SQLITE_SYNCHRONOUS)}")
        engine = sa_create_engine(
            parsed, echo=echo, hide_parameters=True, connect_args={"check_same_thread": False}
        )
        _tune_sqlite(engine, sqlite_synchronous)
    else:
        # No pool_pre_ping: the store's worker threads keep their connections open, and one
        # the server dropped is reopened and the unit of work run again (storage/committer.py).
        engine = sa_create_engine(
            parsed,
            echo=echo,
            hide_parameters=True,
            pool_size=10,
            connect_args={"connect_timeout": CONNECT_TIMEOUT},
        )
    engine.dialect.sva_keyring = keyring  # type: ignore[attr-defined]
    return engine


def _tune_sqlite(engine: Engine, synchronous: str) -> None:
    """WAL lets readers and a writer work at once; BEGIN IMMEDIATE takes the write lock up
    front, so two processes answering at once wait for each other instead of failing with
    "database is locked" when a read transaction tries to become a write. The file is
    watched: once deleted or replaced, no connection is opened and nothing is committed."""
    guard = _watch(engine)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _owner_only(engine.url.database)  # before WAL: SQLite gives -wal/-shm the same mode
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            f"synchronous={synchronous.upper()}",
            f"busy_timeout={BUSY_SECONDS * 1000:.0f}",
            "foreign_keys=ON",
            "secure_delete=ON",  # deleted and re-sealed text is overwritten, not left in free pages
            # Writes landing during a long read (storage/sql.py `read_sql`) grow the log; once
            # checkpointed it is cut back to this size (64 MiB) instead of staying that big.
            "journal_size_limit=67108864",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # Straight to the driver: this runs at every transaction, and SQLAlchemy's statement
        # machinery (cache lookup, result set-up) costs more than the BEGIN itself. So a
        # failure (busy past the timeout) is wrapped here, as SQLAlchemy would have.
        driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
        if driver.in_transaction:  # begun on the driver already (storage/inline.py)
            return
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as problem:
            raise DBAPIError.instance("BEGIN IMMEDIATE", None, problem, sqlite3.Error) from problem

    if guard is not None:
        event.listen(engine, "do_connect", lambda *_: guard.check())  # never a new empty file
        event.listen(engine, "connect", lambda *_: guard.remember())
        event.listen(engine, "commit", lambda connection: _still_ours(guard, connection))


def _still_ours(guard: DatabaseFile, connection: Connection) -> None:
    """Before COMMIT: if the file is no longer the one at the path, roll back (SQLAlchemy
    does not when a commit listener raises) and raise DatabaseGone."""
    try:
        guard.check()
    except DatabaseGone:
        connection.connection.driver_connection.rollback()  # type: ignore[union-attr]
        raise


def _watch(engine: Engine) -> DatabaseFile | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    guard = DatabaseFile(Path(database))
    engine.dialect.sva_file = guard  # type: ignore[attr-defined]
    return guard


def database_file(engine: Engine) -> DatabaseFile | None:
    """The SQLite file `engine` watches (None: PostgreSQL, memory or a URI filename)."""
    guard: DatabaseFile | None = getattr(engine.dialect, "sva_file", None)
    return guard


def _owner_only(database: str | None) -> None:
    """Make a SQLite database file readable by its owner only (0600): it holds people's
    answers. Someone else's file (a shared install) is left as its owner set it."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    with contextlib.suppress(OSError):
        path = Path(database)
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)


def fold_journal(engine: Engine, attempts: int = FOLD_ATTEMPTS, wait: float = BUSY_SECONDS) -> bool:
    """After erasing or re-sealing: fold SQLite's write-ahead log into the file and empty it,
    so no earlier copy of a page stays on disk (PostgreSQL: autovacuum reclaims old rows).

    A reader still on an older snapshot (a report being read, `storage/sql.py` `read_sql`)
    stops the log being emptied: each attempt waits up to `wait` seconds for it, then
    tries again. False (and a warning) if readers outlasted every attempt: the old copies
    stay in the log until a later checkpoint."""
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()  # outside any transaction (ours begin IMMEDIATE)
    try:
        raw.cursor().execute(f"PRAGMA busy_timeout = {wait * 1000:.0f}")
        for _ in range(attempts):
            busy, *_ = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
    finally:
        raw.cursor().execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000:.0f}")  # pooled
        raw.close()
    log.warning("the write-ahead log could not be emptied: readers kept it busy")
    return False


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration pointing at our migrations, optionally on an open connection."""
    from alembic.config import Config  # imported when needed: see storage/schema_head.py

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (idempotent; safe for processes starting at once)."""
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), revision)
