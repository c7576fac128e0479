"""Database fixtures: every storage test runs on SQLite and on the local PostgreSQL server.

SVA_TEST_DATABASES chooses the backends (default "sqlite,postgresql"); SVA_TEST_POSTGRES_URL
names the server (default the machine's local one, database `test`). Each test run gets its
own PostgreSQL database, created and dropped here. Under CI=true an unreachable PostgreSQL is
a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy.engine import make_url

from storage.db import create_engine, migrate
from storage.memory import MemoryStore
from storage.sql import SqlStore
from storage.store import Store
from storage.tables import Base

# Property tests check answers, not speed (benchmarks/ measure that): Hypothesis's default
# 200 ms per example failed one of them now and then on a busy 2-core machine.
settings.register_profile("sva", deadline=None)
settings.load_profile("sva")

BACKENDS = [
    b.strip()
    for b in os.environ.get("SVA_TEST_DATABASES", "sqlite,postgresql").split(",")
    if b.strip()
]
POSTGRES_URL = os.environ.get("SVA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _migrated(url: str) -> None:
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    _migrated(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run, dropped afterwards."""
    name = f"sva_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(_libpq(POSTGRES_URL), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}"
        if IN_CI:
            pytest.fail(message + " (CI=true: the PostgreSQL run is required)")
        pytest.skip(message)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    _migrated(url)
    yield url
    with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _fresh_database(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        path = tmp_path / "sva.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    if backend == "postgresql":
        url: str = request.getfixturevalue("postgres_database")
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with psycopg.connect(_libpq(url), autocommit=True) as connection:
            connection.execute(f"TRUNCATE {tables} RESTART IDENTITY")
        return url
    raise ValueError(f"unknown backend {backend!r} in SVA_TEST_DATABASES")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each configured backend."""
    return _fresh_database(request, request.param, tmp_path)


@pytest.fixture
async def sql_store(database_url: str) -> AsyncIterator[SqlStore]:
    store = SqlStore(engine=create_engine(database_url))
    yield store
    await store.close()


@pytest.fixture(params=["memory", *BACKENDS])
async def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """The fake and the real stores, for the storage contract tests."""
    if request.param == "memory":
        yield MemoryStore()
        return
    store = SqlStore(engine=create_engine(_fresh_database(request, request.param, tmp_path)))
    yield store
    await store.close()
