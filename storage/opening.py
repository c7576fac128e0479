"""Opening the database for `sva`: one line that says what is wrong and how to fix it, for
an unreachable server, a wrong password, a missing database, or a schema this code does not
know (newer) or has not reached (older, when migrations are not automatic)."""

from __future__ import annotations

from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from storage.db import alembic_config, create_engine, migrate, normalise_url
from storage.errors import StorageError
from storage.sealing import NO_KEYS, Keyring

FIX_URL = "check database.url (or SVA_DATABASE_URL)"


class DatabaseProblem(StorageError):
    """The database cannot be used; the message is one line for the operator."""


class DatabaseUnreachable(DatabaseProblem):
    """The server did not answer: worth trying again later (unlike a refused password)."""


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
    url: str, *, auto_migrate: bool, keyring: Keyring = NO_KEYS, sqlite_synchronous: str = "full"
) -> Engine:
    """An engine that answers, on a schema this code knows (migrated if `auto_migrate`),
    sealing special-category fields with `keyring`."""
    engine = create_engine(url, keyring=keyring, sqlite_synchronous=sqlite_synchronous)
    try:
        current = revision(engine)
        check_known(current)
        if current != head():
            if not auto_migrate:
                raise DatabaseProblem(
                    f"the database schema ({current or 'empty'}) is older than this sva "
                    f"({head()}); run `sva db upgrade`"
                )
            migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise problem(exc, url) from exc
    except DatabaseProblem:
        engine.dispose()
        raise
    return engine


def upgrade(url: str) -> Upgrade:
    """Migrate to the latest schema and say what changed."""
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


def revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: no schema yet)."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
    return current


def head() -> str:
    return str(_scripts().get_current_head())


def check_known(current: str | None) -> None:
    """DatabaseProblem if the database is at a revision this code has no migration for."""
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
    if "does not exist" in lowered and "database" in lowered:
        return (
            f"the database {parsed.database!r} does not exist on {parsed.host}; create it "
            f"(createdb -O {parsed.username} {parsed.database}), then run `sva db upgrade`"
        )
    return (
        f"cannot reach the database at {where} ({_first_line(cause)}); check that the server "
        f"is running and reachable, or {FIX_URL}"
    )


def _first_line(cause: str) -> str:
    line = cause.splitlines()[0] if cause else "no answer"
    return line.split(": ", 1)[-1][:200]


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _distance(before: str | None, after: str) -> int:
    steps = _scripts().iterate_revisions(after, before or "base")
    return sum(1 for _ in steps)
