"""Group commit (storage/committer.py): units arriving together share a commit, yet each one
succeeds or fails on its own, and nobody's result is released before its commit."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from dialogs.conversation import Conversation
from storage.db import create_engine
from storage.errors import ConcurrentUpdate, StorageError
from storage.records import Session
from storage.sql import SqlStore, SqlTransaction
from storage.tables import ConversationRow
from tests import oversight_fixture as fx

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def start(person: str) -> Conversation:
    return Conversation(person_id=person, dialog="prep", state="worrying")


async def stored(store: SqlStore) -> int:
    def count(tx: SqlTransaction) -> int:
        db: Connection = tx._db  # counting rows is not part of the interface
        return int(db.scalar(select(func.count()).select_from(ConversationRow)) or 0)

    return await store.run_sql(count)


async def test_a_failing_unit_in_a_batch_fails_alone(sql_store: SqlStore) -> None:
    def save(n: int):  # type: ignore[no-untyped-def]
        def work(tx: SqlTransaction) -> int:
            tx.save_conversation(start(f"p{n}"), NOW)
            if n == 7:
                raise ValueError("unit 7 breaks after writing")
            return n

        return work

    results = await asyncio.gather(
        *(sql_store.run_sql(save(n)) for n in range(30)), return_exceptions=True
    )
    assert [r for r in results if isinstance(r, ValueError)] and results[7].__class__ is ValueError
    assert [r for r in results if not isinstance(r, Exception)] == [n for n in range(30) if n != 7]
    assert await stored(sql_store) == 29  # unit 7's write was rolled back, nobody else's


async def test_units_arriving_together_share_commits(sql_store: SqlStore) -> None:
    await asyncio.gather(
        *(
            sql_store.run(lambda tx, n=n: tx.save_conversation(start(f"p{n}"), NOW))
            for n in range(30)
        )
    )
    assert await stored(sql_store) == 30
    assert sql_store.committer.units == 31 and sql_store.committer.batches < 31


async def test_two_first_turns_for_one_person_in_one_batch_leave_one_winner(
    sql_store: SqlStore,
) -> None:
    results = await asyncio.gather(
        *(sql_store.run(lambda tx: tx.save_conversation(start("alice"), NOW)) for _ in range(5)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Conversation) for r in results) == 1
    assert sum(isinstance(r, ConcurrentUpdate) for r in results) == 4
    assert await stored(sql_store) == 1


async def test_a_result_is_released_only_after_its_commit(sql_store: SqlStore) -> None:
    seen_by_other_connection: list[int] = []

    def write_then_look(tx: SqlTransaction) -> str:
        tx.save_conversation(start("bob"), NOW)
        return "bob"

    person = await sql_store.run(write_then_look)
    # Another connection (not the store's) sees the row as soon as the result is back.
    with sql_store.engine.connect() as other:
        seen_by_other_connection.append(
            int(other.scalar(select(func.count()).select_from(ConversationRow)) or 0)
        )
    assert person == "bob" and seen_by_other_connection == [1]


async def test_urgent_units_are_committed_before_the_queue(sql_store: SqlStore) -> None:
    store = SqlStore(engine=sql_store.engine, threads=1)  # one worker, so the order is visible
    order: list[str] = []

    def note(name: str):  # type: ignore[no-untyped-def]
        def work(tx: SqlTransaction) -> None:
            order.append(name)

        return work

    blocker = threading.Event()

    def slow(tx: SqlTransaction) -> None:
        order.append("running")
        blocker.wait(10)  # holds the worker until the queue has filled

    first = asyncio.ensure_future(store.run_sql(slow))
    await asyncio.sleep(0.1)
    queued = [asyncio.ensure_future(store.run_sql(note(f"n{i}"))) for i in range(5)]
    urgent = asyncio.ensure_future(store.run_sql(note("urgent"), urgent=True))
    await asyncio.sleep(0.1)
    blocker.set()
    await asyncio.gather(first, urgent, *queued)
    await asyncio.to_thread(store.committer.close)
    assert order == ["running", "urgent", "n0", "n1", "n2", "n3", "n4"]


@pytest.mark.parametrize("synchronous", ["full", "normal"])
def test_sqlite_synchronous_is_a_setting_with_full_by_default(
    tmp_path: object, synchronous: str
) -> None:
    from storage.db import create_engine

    default = create_engine(f"sqlite:///{tmp_path}/a.db")
    chosen = create_engine(f"sqlite:///{tmp_path}/b.db", sqlite_synchronous=synchronous)
    with default.connect() as a, chosen.connect() as b:
        assert a.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert (
            b.exec_driver_sql("PRAGMA synchronous").scalar()
            == {"full": 2, "normal": 1}[synchronous]
        )
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        create_engine(f"sqlite:///{tmp_path}/c.db", sqlite_synchronous="off")


def test_a_sqlite_log_grown_during_long_reads_is_cut_back_to_64_mib(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/a.db")
    with engine.connect() as connection:
        limit = connection.exec_driver_sql("PRAGMA journal_size_limit").scalar()
    assert limit == 64 * 1024 * 1024


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_unit_chosen_as_a_deadlocks_victim_is_run_again(database_url: str) -> None:
    """Two processes import sessions for the same two teams in opposite orders: each holds
    one team's report version and waits for the other's. PostgreSQL aborts one; the store
    runs that unit again, and both imports land."""
    await fx.seed(first := SqlStore(engine=create_engine(database_url)))
    second = SqlStore(engine=create_engine(database_url))
    north = fx.held("individual", date(2026, 11, 24), "sw3", "m1")
    south = fx.held("individual", date(2026, 11, 24), "sw9", "m2")
    both_started = threading.Barrier(2, timeout=10)
    runs: list[str] = []

    def importing(name: str, *sessions: Session) -> Callable[[SqlTransaction], None]:
        def work(tx: SqlTransaction) -> None:
            runs.append(name)
            tx.directory.upsert_sessions([sessions[0]])
            if runs.count(name) == 1:  # the first time: wait until both hold a team
                both_started.wait()
            tx.directory.upsert_sessions([sessions[1]])

        return work

    try:
        await asyncio.gather(
            first.run_sql(importing("north first", north, south)),
            second.run_sql(importing("south first", south, north)),
        )
        held = await first.run_sql(
            lambda tx: tx.oversight.held(["sw3", "sw9"], date(2026, 11, 24), date(2026, 11, 24))
        )
        assert sorted(s.supervisee_id or "" for s in held) == ["sw3", "sw9"]
        assert sorted(runs) in (
            ["north first", "north first", "south first"],
            ["north first", "south first", "south first"],
        )
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_unit_that_could_not_be_serialized_is_run_again(database_url: str) -> None:
    """On a server whose transactions are REPEATABLE READ, two processes record a session
    for the same team at once: both have read before either writes, so PostgreSQL refuses
    the second writer of the team's report version ("could not serialize access"). The
    store runs that unit again, and both sessions land."""
    await fx.seed(first := SqlStore(engine=create_engine(database_url)))
    second = SqlStore(engine=create_engine(database_url))
    both_read = threading.Barrier(2, timeout=10)
    runs: list[str] = []

    def recording(name: str, session: Session) -> Callable[[SqlTransaction], None]:
        def work(tx: SqlTransaction) -> None:
            runs.append(name)
            db: Connection = tx._db  # the isolation level is the server's, not the store's
            db.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            tx.kept_figures.versions()  # the snapshot is taken here
            if runs.count(name) == 1:  # the first time: wait until both have read
                both_read.wait()
            tx.directory.upsert_sessions([session])

        return work

    on = date(2026, 11, 24)
    try:
        await asyncio.gather(
            first.run_sql(recording("sw3's", fx.held("individual", on, "sw3", "m1"))),
            second.run_sql(recording("sw4's", fx.held("individual", on, "sw4", "m1"))),
        )
        held = await first.run_sql(lambda tx: tx.oversight.held(["sw3", "sw4"], on, on))
        assert sorted(s.supervisee_id or "" for s in held) == ["sw3", "sw4"]
        assert len(runs) == 3  # one of them twice
    finally:
        await first.close()
        await second.close()


async def test_a_long_read_neither_holds_up_writes_nor_sees_them(sql_store: SqlStore) -> None:
    """`read_sql` reads beside the committer: an acknowledgement's commit does not wait
    for the sweep's load, and the load keeps the snapshot it started with."""
    await sql_store.run_sql(lambda tx: tx.save_conversation(start("before"), NOW))
    reading, written = threading.Event(), threading.Event()

    def long_read(tx: SqlTransaction) -> tuple[int, int]:
        db: Connection = tx._db
        count = select(func.count()).select_from(ConversationRow)
        first = int(db.scalar(count) or 0)  # the snapshot starts here
        reading.set()
        assert written.wait(10), "the write waited for the read"
        return first, int(db.scalar(count) or 0)

    read = asyncio.ensure_future(sql_store.read_sql(long_read))
    await asyncio.to_thread(reading.wait, 10)
    await asyncio.wait_for(
        sql_store.run_sql(lambda tx: tx.save_conversation(start("during"), NOW), urgent=True),
        timeout=5,
    )
    written.set()
    assert await read == (1, 1)  # the read's snapshot, not the write that landed in it
    assert await stored(sql_store) == 2


async def test_a_read_cannot_write_and_leaves_its_connection_writable(
    sql_store: SqlStore,
) -> None:
    """`read_sql` is beside the committer, so a write there would dodge it: refused."""
    with pytest.raises(StorageError):
        await sql_store.read_sql(lambda tx: tx.save_conversation(start("sneaky"), NOW))
    assert await stored(sql_store) == 0
    for n in range(3):  # whichever pooled connection the writes get next, they are written
        await sql_store.run_sql(lambda tx, n=n: tx.save_conversation(start(f"p{n}"), NOW))
        await sql_store.read_sql(lambda tx: tx.person("p0"))
    assert await stored(sql_store) == 3


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgresql_store_threads_hold_transactions_open_at_once(database_url: str) -> None:
    """Each PostgreSQL store thread has its own connection: a slow transaction does not hold
    up another thread's (a SQLite file keeps one writer at a time)."""
    store = SqlStore(engine=create_engine(database_url))
    both_open = threading.Barrier(2, timeout=5)
    first_began = threading.Event()

    def unit(n: int) -> Callable[[SqlTransaction], int]:
        def work(tx: SqlTransaction) -> int:
            first_began.set()
            tx.save_conversation(start(f"p{n}"), NOW)
            both_open.wait()  # returns only once the other transaction is open too
            return n

        return work

    try:
        first = asyncio.ensure_future(store.run_sql(unit(1)))
        assert await asyncio.to_thread(first_began.wait, 5)  # the first thread is in it
        assert await asyncio.gather(first, store.run_sql(unit(2))) == [1, 2]
        assert await stored(store) == 2
    finally:
        await store.close()
