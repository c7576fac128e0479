"""Opening the database for `sva`: one line that says what is wrong and how to fix it, for
an unreachable server, a wrong password, a missing database, or a schema this code does not
know (newer) or has not reached (older, when migrations are not automatic).

A database is never made up on the way: a SQLite file that is missing, empty (0 bytes) or a
folder, or a database without sva's tables, is refused; only `sva db init` (`init`) and the
console demo's first run (`create=True`) make a new one. A read-only file is refused with its
own message (storage/unusable.py says the same when it happens while sva runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, column, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from storage.db import alembic_config, create_engine, migrate, normalise_url
from storage.errors import DatabaseMissing, DatabaseProblem, DatabaseUnreachable
from storage.locating import (
    FIX_URL,
    check_file,
    check_no_tables,
    describe_database,
    sqlite_file,
    uninitialised,
)
from storage.rekey import unknown_keys
from storage.schema_head import SCHEMA_HEAD, VERSION_TABLE, named_head_is_newest
from storage.sealing import NO_KEYS, Keyring

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

__all__ = [
    "DatabaseMissing",
    "DatabaseProblem",
    "DatabaseUnreachable",
    "Init",
    "Upgrade",
    "head",
    "init",
    "open_database",
    "problem",
    "safe",
    "sqlite_file",
    "upgrade",
]


@dataclass(frozen=True, slots=True)
class Init:
    """What `sva db init` did: where, at which schema, and whether it made anything."""

    where: str
    revision: str
    created: bool
    file: bool  # SQLite: a file was made; PostgreSQL: tables in an existing database

    def describe(self) -> str:
        where = f"the database at {self.where}" if self.file else f"the database {self.where}"
        if not self.created:
            return (
                f"{where} already exists (schema {self.revision}); nothing to do "
                "(`sva db upgrade` migrates an older one)"
            )
        if self.file:
            return f"created a new database at {self.where} (schema {self.revision})"
        return f"created the sva tables in {where} (schema {self.revision})"


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What `sva db upgrade` did: the schema revision before (None: empty) and after."""

    before: str | None
    after: str
    applied: int

    def describe(self) -> str:
        if self.before == self.after:
            return f"the database schema was already at {self.after} (the latest); nothing to do"
        start = "an empty database" if self.before is None else self.before
        return f"upgraded the database schema from {start} to {self.after} ({self.applied} migration(s))"


def safe(url: str) -> str:
    """The URL as it may be shown: the password hidden."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def open_database(
    url: str,
    *,
    auto_migrate: bool,
    keyring: Keyring = NO_KEYS,
    sqlite_synchronous: str = "full",
    create: bool = False,
) -> Engine:
    """An engine that answers, on a schema this code knows (migrated if `auto_migrate`),
    sealing special-category fields with `keyring`. `create`: a missing SQLite file is made
    (the console demo's first run); anything else that is not an sva database is refused."""
    try:
        path = sqlite_file(url)
        engine = create_engine(url, keyring=keyring, sqlite_synchronous=sqlite_synchronous)
    except (ArgumentError, ValueError, ImportError):
        # Their messages quote the address, password and all: say what is wanted instead.
        raise DatabaseProblem(unusable_url(url)) from None
    new = check_file(path, create=create) if path is not None else False
    try:
        if not at_head(engine):
            bring_to_head(engine, url, auto_migrate=auto_migrate, new=new)
        check_keys(engine, keyring)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise problem(exc, url) from exc
    except DatabaseProblem:
        engine.dispose()
        raise
    return engine


def bring_to_head(engine: Engine, url: str, *, auto_migrate: bool, new: bool) -> None:
    """Migrate a database that is not at the newest schema, or say why it cannot be used."""
    current = revision(engine)
    check_known(current)
    if current is None and not new:
        raise DatabaseMissing(uninitialised(url))
    if current != head():
        if not auto_migrate and not new:  # a file made just now gets the schema
            raise DatabaseProblem(
                f"the database schema ({current or 'empty'}) is older than this sva "
                f"({head()}); run `sva db upgrade`"
            )
        migrate(engine)


def at_head(engine: Engine) -> bool:
    """Whether the database records the newest schema, read without Alembic (see
    storage/schema_head.py)."""
    if not named_head_is_newest():
        return False
    versions = table(VERSION_TABLE, column("version_num"))
    with engine.connect() as connection:
        recorded = (
            connection.execute(select(versions.c.version_num)).scalars().all()
            if inspect(connection).has_table(VERSION_TABLE)
            else []
        )
        connection.rollback()
    return recorded == [SCHEMA_HEAD]


def unusable_url(url: str) -> str:
    """One line for an address that names no database sva can use (never the address
    itself: it may hold a password)."""
    scheme = url.partition("://")[0] if "://" in url else ""
    what = f"a {scheme!r} address" if scheme and len(scheme) < 30 else "not a database address"
    return (
        f"database.url is {what}, which sva cannot use; give sqlite:///PATH or "
        f"postgresql://USER@HOST[:PORT]/DATABASE, and {FIX_URL}"
    )


def check_keys(engine: Engine, keyring: Keyring) -> None:
    """Refuse a database whose sealed values need a data key that is not configured (every
    answer would fail to open; started anyway, people would be told to send it again)."""
    missing = sorted(unknown_keys(engine, keyring))
    if missing:
        names = ", ".join(repr(key) for key in missing)
        raise DatabaseProblem(
            f"the database holds answers sealed with data key {names}, which is not "
            "configured; set encryption.keys (SVA_DATA_KEYS) or encryption.key_file to the "
            "keys it was sealed with"
        )


def upgrade(url: str) -> Upgrade:
    """Migrate to the latest schema and say what changed (a SQLite file must exist: `init`
    makes one)."""
    path = sqlite_file(url)
    if path is not None:
        check_file(path, create=False)
    engine = create_engine(url)
    try:
        before = revision(engine)
        check_known(before)
        migrate(engine)
        after = revision(engine) or head()
    except SQLAlchemyError as exc:
        raise problem(exc, url) from exc
    finally:
        engine.dispose()
    return Upgrade(before, after, _distance(before, after))


def init(url: str) -> Init:
    """Make a new database: the SQLite file (a missing or 0-byte one) or the tables in an
    empty PostgreSQL database. One that is already an sva database is left as it is.

    Raises:
        DatabaseProblem: a folder, a read-only file, or a database holding other tables.
    """
    path = sqlite_file(url)
    if path is not None:
        check_file(path, create=True, empty_ok=True)
    where = str(path.absolute()) if path is not None else describe_database(url)
    engine = create_engine(url)
    try:
        before = revision(engine)
        check_known(before)
        if before is None:
            check_no_tables(engine, where)
            migrate(engine)
        after = revision(engine) or head()
    except SQLAlchemyError as exc:
        raise problem(exc, url) from exc
    finally:
        engine.dispose()
    return Init(where, after, created=before is None, file=path is not None)


def revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: no schema yet)."""
    from alembic.runtime.migration import MigrationContext  # see storage/schema_head.py
    from alembic.util import CommandError

    with engine.connect() as connection:
        try:
            current = MigrationContext.configure(connection).get_current_revision()
        except CommandError as exc:  # more than one revision recorded: not ours to guess
            raise DatabaseProblem(
                f"the database records more than one schema revision ({VERSION_TABLE} has "
                "several rows); restore a backup or ask whoever changed it"
            ) from exc
        connection.rollback()
    return current


def head() -> str:
    return str(_scripts().get_current_head())


def check_known(current: str | None) -> None:
    """DatabaseProblem if the database is at a revision this code has no migration for."""
    from alembic.util import CommandError

    if current is None:
        return
    try:
        _scripts().get_revision(current)
    except CommandError as exc:
        raise DatabaseProblem(
            f"the database schema ({current}) is newer than this sva (which knows up to "
            f"{head()}); install the sva version that upgraded it, or restore a backup taken "
            "before that upgrade"
        ) from exc


def problem(exc: BaseException, url: str) -> DatabaseProblem:
    """The error to raise for a driver error met while opening the database."""
    message = explain(exc, url)
    if message.startswith("cannot reach"):
        return DatabaseUnreachable(message)
    return DatabaseProblem(message)


def explain(exc: BaseException, url: str) -> str:
    """One line for a driver error met while opening the database."""
    parsed = make_url(normalise_url(url))
    cause = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip()
    lowered = cause.lower()
    where = safe(url)
    if parsed.get_backend_name() == "sqlite":
        return (
            f"cannot open the SQLite database {parsed.database}: {cause.splitlines()[0]}; "
            f"check that its folder exists and is writable, or {FIX_URL}"
        )
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"the database at {where} refused the password for user {parsed.username}; {FIX_URL}"
    if 'role "' in lowered and "does not exist" in lowered:
        return f"the database at {where} has no user {parsed.username!r}; {FIX_URL}"
    if "does not exist" in lowered and "database" in lowered:
        return (
            f"the database {parsed.database!r} does not exist on {parsed.host}; create it "
            f"(createdb -O {parsed.username} {parsed.database}), then run `sva db init`"
        )
    return (
        f"cannot reach the database at {where} ({_first_line(cause)}); check that the server "
        f"is running and reachable, or {FIX_URL}"
    )


def _first_line(cause: str) -> str:
    line = cause.splitlines()[0] if cause else "no answer"
    return line.split(": ", 1)[-1][:200]


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _distance(before: str | None, after: str) -> int:
    steps = _scripts().iterate_revisions(after, before or "base")
    return sum(1 for _ in steps)
