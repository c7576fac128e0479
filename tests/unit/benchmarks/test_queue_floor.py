"""The queue floor writes the day's outbox rows again through the bare driver, into a table
of its own: every row, and the real outbox left as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from benchmarks.sweep import queue_floor
from storage.db import create_engine
from storage.records import OutboxItem
from storage.sql import SqlStore

DAY = date(2026, 11, 30)


async def test_every_queued_row_is_written_again_beside_the_outbox(database_url: str) -> None:
    store = SqlStore(engine=create_engine(database_url))
    items = [
        OutboxItem(f"p{n}|record|s{n}|2026-11-30", f"p{n // 3}", "record", None, DAY, f"due {n}")
        for n in range(12)
    ]
    await store.run_sql(lambda tx: tx.outbox.enqueue(items, DAY, token=None, now=None))

    seconds, written = queue_floor(database_url, "full")

    assert seconds > 0 and written == len(items)
    assert await store.read_sql(lambda tx: tx.outbox.depth()) == len(items)
    await store.close()
    if database_url.startswith("sqlite"):  # no scratch file left beside the database
        folder = Path(database_url.removeprefix("sqlite:///")).parent
        assert not list(folder.glob("*.queue-floor.db*"))
