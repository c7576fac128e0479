"""After an erasure SQLite's write-ahead log is folded into the file and emptied
(storage/db.py `fold_journal`), so no earlier copy of an erased page stays on disk, even when
a reader (a report, `read_sql`) was still on an older snapshot; a reader that outlasts every
attempt is reported, not taken for an emptied log."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.db import create_engine, fold_journal


@contextmanager
def reader_on_an_old_snapshot(path: Path, holds: float) -> Iterator[None]:
    """A connection reading the database, then a write after it: the reader's snapshot is
    older than the log's end for `holds` seconds."""
    reader = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM notes").fetchone()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("INSERT INTO notes VALUES ('erased since')")
    writer.close()
    timer = threading.Timer(holds, reader.rollback)
    timer.start()
    try:
        yield
    finally:
        timer.join()
        reader.close()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "sva.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (text TEXT)")
        connection.exec_driver_sql("INSERT INTO notes VALUES ('kept')")
    engine.dispose()
    return path


def wal(path: Path) -> int:
    return path.with_name(path.name + "-wal").stat().st_size


def test_the_log_is_emptied_once_a_reader_on_an_older_snapshot_is_done(database: Path) -> None:
    engine = create_engine(f"sqlite:///{database}")
    with reader_on_an_old_snapshot(database, holds=0.5):
        assert fold_journal(engine, attempts=10, wait=0.1)  # busy for the first few attempts
    assert wal(database) == 0


def test_a_reader_outlasting_every_attempt_is_reported(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(f"sqlite:///{database}")
    with caplog.at_level(logging.WARNING), reader_on_an_old_snapshot(database, holds=1.0):
        assert not fold_journal(engine, attempts=2, wait=0.1)
        assert wal(database) > 0
    assert "could not be emptied" in caplog.text
    with engine.connect() as connection:  # the pooled connection waits as long as ever again
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
