"""A small unit runs on the event loop's own thread when the SQLite store is idle
(storage/inline.py): no thread hop, yet committed before its result, never waiting on a lock
held elsewhere, and never in the way when several units arrive together."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.pool import QueuePool

from dialogs.conversation import Conversation
from storage.db import create_engine, migrate
from storage.errors import StorageError
from storage.sql import SqlStore, SqlTransaction
from storage.tables import ConversationRow

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["normal", "full"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    engine = create_engine(f"sqlite:///{tmp_path / 'sva.db'}", sqlite_synchronous=request.param)
    migrate(engine)
    store = SqlStore(engine=engine)
    yield store
    await store.close()


def saving(person: str, threads: list[int]):  # type: ignore[no-untyped-def]
    def work(tx: SqlTransaction) -> str:
        threads.append(threading.get_ident())
        tx.save_conversation(Conversation(person_id=person, dialog="prep", state="worrying"), NOW)
        return person

    return work


def rows_seen_by_another_connection(store: SqlStore) -> int:
    path = store.engine.url.database
    assert path is not None
    with sqlite3.connect(path) as other:
        return int(other.execute("SELECT count(*) FROM conversations").fetchone()[0])


async def test_a_turn_alone_runs_on_the_loops_thread_and_is_committed_before_its_result(
    store: SqlStore,
) -> None:
    threads: list[int] = []
    assert await store.run(saving("alice", threads)) == "alice"
    assert threads == [threading.get_ident()]  # no hop to the store thread
    assert rows_seen_by_another_connection(store) == 1  # committed, not merely written
    assert await store.run(saving("bob", threads)) == "bob"
    assert threads[1] == threading.get_ident() and rows_seen_by_another_connection(store) == 2


async def test_turns_arriving_together_go_to_the_committer_and_share_commits(
    store: SqlStore,
) -> None:
    threads: list[int] = []
    people = await asyncio.gather(*(store.run(saving(f"p{n}", threads)) for n in range(30)))
    assert people == [f"p{n}" for n in range(30)]
    on_loop = threads.count(threading.get_ident())
    assert on_loop <= 1  # the first, before the others had arrived; the rest were queued
    assert store.committer.batches < 30 and rows_seen_by_another_connection(store) == 30


async def test_a_write_lock_held_by_another_program_never_blocks_the_loop(
    store: SqlStore,
) -> None:
    await store.run(saving("warm-up", []))  # the inline connection is open
    opened: list[object] = []
    event.listen(store.engine, "connect", lambda connection, _: opened.append(connection))
    path = store.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a backup tool writing
    asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")  # needs the loop
    threads: list[int] = []
    started = time.monotonic()
    assert await store.run(saving("carol", threads)) == "carol"
    # Had the loop waited in BEGIN for the lock, it could not have run the COMMIT above
    # until SQLite's busy timeout gave up (10 s).
    assert time.monotonic() - started < 2
    assert threads == [threads[0]] and threads[0] != threading.get_ident()
    other.close()
    assert await store.run(saving("dora", threads)) == "dora"
    assert threads[-1] == threading.get_ident()  # the lock is free again: inline once more
    assert len(opened) == 1  # the worker's; the loop's connection was kept, not reopened
    assert rows_seen_by_another_connection(store) == 3


async def test_a_writer_turn_held_by_another_process_sends_the_unit_to_the_committer(
    store: SqlStore,
) -> None:
    await store.run(saving("warm-up", []))
    path = store.engine.url.database
    assert path is not None
    holder = os.open(f"{path}-writer", os.O_RDWR)  # an open file of its own: its own flock
    fcntl.flock(holder, fcntl.LOCK_EX)
    asyncio.get_running_loop().call_later(0.3, fcntl.flock, holder, fcntl.LOCK_UN)
    threads: list[int] = []
    started = time.monotonic()
    assert await store.run(saving("dan", threads)) == "dan"
    assert time.monotonic() - started < 2 and threads[0] != threading.get_ident()
    os.close(holder)
    assert await store.run(saving("erin", threads)) == "erin"
    assert threads[-1] == threading.get_ident()  # the turn is free again: inline once more


async def test_a_unit_failing_inline_leaves_nothing_behind_and_the_next_one_runs(
    store: SqlStore,
) -> None:
    ran_on: list[int] = []

    def breaks(tx: SqlTransaction) -> None:
        saving("frank", ran_on)(tx)
        raise ValueError("after writing")

    with pytest.raises(ValueError, match="after writing"):
        await store.run_sql(breaks, small=True)
    assert ran_on == [threading.get_ident()] and rows_seen_by_another_connection(store) == 0
    threads: list[int] = []
    assert await store.run(saving("gina", threads)) == "gina"
    assert threads == [threading.get_ident()] and rows_seen_by_another_connection(store) == 1


async def test_work_not_marked_small_runs_on_the_store_thread(store: SqlStore) -> None:
    threads: list[int] = []

    def count(tx: SqlTransaction) -> int:
        threads.append(threading.get_ident())
        return int(tx._db.scalar(select(func.count()).select_from(ConversationRow)) or 0)

    assert await store.run_sql(count) == 0  # a report's read: it may be long
    assert threads and threads[0] != threading.get_ident()


async def test_only_the_first_loops_thread_runs_units_inline(store: SqlStore) -> None:
    mine: list[int] = []
    await store.run(saving("hana", mine))
    theirs: list[int] = []
    elsewhere: list[int] = []

    def another_loop() -> None:
        elsewhere.append(threading.get_ident())
        asyncio.run(store.run(saving("ivan", theirs)))

    await asyncio.to_thread(another_loop)
    assert mine == [threading.get_ident()]
    assert theirs and theirs[0] not in (elsewhere[0], threading.get_ident())  # a worker ran it
    assert rows_seen_by_another_connection(store) == 2


async def test_closing_the_store_closes_the_inline_connection(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'sva.db'}", sqlite_synchronous="normal")
    migrate(engine)
    store = SqlStore(engine=engine)
    await store.run(saving("jo", []))
    assert isinstance(engine.pool, QueuePool)
    assert engine.pool.checkedout() == 1  # the inline connection, kept open between turns
    await store.close()
    assert engine.pool.checkedout() == 0


async def test_the_log_is_checkpointed_off_the_loop_so_it_does_not_grow_for_ever(
    store: SqlStore,
) -> None:
    for n in range(1_500):  # every one inline: the loop's connection never checkpoints
        await store.run(saving(f"p{n}", []))
    await asyncio.sleep(0.5)  # the last checkpoint thread, if one is running
    path = store.engine.url.database
    assert path is not None
    with sqlite3.connect(path) as other:
        _, frames, _ = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    # Without checkpoints the log holds every page written since the first turn (~3,300
    # frames here); with one every 100 commits it restarts, and holds fewer than 1,000.
    assert frames < 1_000
    assert store.committer.inline_units > 1_000  # not the committer's own checkpoints
    assert rows_seen_by_another_connection(store) == 1_500


async def test_a_reader_left_open_never_holds_up_the_writers(store: SqlStore) -> None:
    path = store.engine.url.database
    assert path is not None
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM conversations").fetchone()  # holds its snapshot
    slowest = 0.0
    for n in range(400):  # four checkpoints' worth, none of which can finish
        started = time.monotonic()
        await store.run(saving(f"p{n}", []))
        slowest = max(slowest, time.monotonic() - started)
    reader.close()
    assert slowest < 1  # a checkpoint waiting for the reader would hold the writers 10 s
    assert rows_seen_by_another_connection(store) == 400


async def test_a_write_lock_held_past_the_busy_timeout_is_a_storage_error(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.db.BUSY_SECONDS", 0.2)  # the worker's next connection
    await store.close()  # so that it opens one
    path = store.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageError, match="locked"):  # not the driver's own exception
        await store.run(saving("kim", []))
    other.execute("COMMIT")
    other.close()
    assert await store.run(saving("kim", [])) == "kim"
