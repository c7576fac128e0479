"""Fixtures shared by the command-line tests."""

from __future__ import annotations

import pytest

from storage.db import create_engine
from storage.sql import SqlStore
from tests import oversight_fixture as fx


@pytest.fixture
async def seeded(database_url: str) -> str:
    """A database of each backend holding the oversight fixture (tests/oversight_fixture.py)."""
    store = SqlStore(engine=create_engine(database_url))
    await fx.seed(store)
    await store.close()
    return database_url
