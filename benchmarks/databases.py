"""Throw-away databases for benchmarks: a temporary SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@asynccontextmanager
async def scratch_database(backend: str, postgres_url: str = POSTGRES_URL) -> AsyncIterator[str]:
    """Yield the URL of an empty database of `backend`, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    name = f"sva_bench_{uuid.uuid4().hex[:8]}"
    admin_url = (
        make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
