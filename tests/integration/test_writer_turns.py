"""Our processes take turns at a SQLite file's write lock: the waiter is handed the turn when
the holder lets go, a wait is bounded, and a process that dies gives its turn back."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

from storage.db import create_engine, migrate
from storage.sql import SqlStore
from storage.writer_turns import WriterTurn

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("holding", flush=True)
time.sleep(60)
"""


def test_a_waiting_connection_gets_its_turn_when_the_holder_gives_it_back(tmp_path: Path) -> None:
    holder, waiter = WriterTurn(tmp_path / "sva.db", 10), WriterTurn(tmp_path / "sva.db", 10)
    assert holder.take()
    taken: list[float] = []
    waiting = threading.Thread(target=lambda: taken.append(waiter.take() and time.monotonic()))
    waiting.start()
    time.sleep(0.2)
    assert not taken  # still waiting: the holder has the turn
    given = time.monotonic()
    holder.give_back()
    waiting.join(5)
    assert taken and taken[0] >= given  # woken by the hand-over, long before its 10 s
    probe = WriterTurn(tmp_path / "sva.db", 0.05)
    assert probe.take() is False  # the waiter holds it now
    waiter.give_back()
    assert probe.take()
    for turn in (holder, waiter, probe):
        turn.close()


def test_a_wait_is_bounded_and_a_turn_given_up_on_is_not_taken_later(tmp_path: Path) -> None:
    holder, late = WriterTurn(tmp_path / "sva.db", 10), WriterTurn(tmp_path / "sva.db", 0.1)
    third = WriterTurn(tmp_path / "sva.db", 0.1)
    assert holder.take()
    started = time.monotonic()
    assert late.take() is False  # went ahead without its turn after 0.1 s
    assert time.monotonic() - started < 5
    holder.give_back()
    # The abandoned wait got the old turn and let it go; the next take is the late one's own.
    assert late.take()
    assert third.take() is False
    late.give_back()
    assert third.take()
    for turn in (holder, late, third):
        turn.close()


def test_a_process_that_dies_holding_its_turn_gives_it_back(tmp_path: Path) -> None:
    path = tmp_path / "sva.db"
    holding = [sys.executable, "-c", HOLD, str(path) + "-writer"]
    with subprocess.Popen(holding, stdout=subprocess.PIPE) as other:
        assert other.stdout is not None and other.stdout.readline() == b"holding\n"
        turn = WriterTurn(path, 0.1)
        assert turn.take() is False
        other.kill()
        other.wait()
        assert turn.take()
        turn.close()


async def test_the_store_waits_for_its_turn_and_goes_on_without_turns_when_it_cannot_have_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sva.db"
    migrate(create_engine(f"sqlite:///{path}"))
    store = SqlStore(engine=create_engine(f"sqlite:///{path}"))
    holding = [sys.executable, "-c", HOLD, str(path) + "-writer"]
    with subprocess.Popen(holding, stdout=subprocess.PIPE) as other:
        assert other.stdout is not None and other.stdout.readline() == b"holding\n"
        unit = asyncio.ensure_future(store.run_sql(lambda tx: tx.inbox.unprocessed("slack:U1")))
        done, _ = await asyncio.wait([unit], timeout=0.5)
        assert not done  # waiting for its turn: another of our processes holds it
        other.kill()
        other.wait()
        assert await asyncio.wait_for(unit, 5) == 0
    await store.close()

    blocked = tmp_path / "blocked.db"
    migrate(create_engine(f"sqlite:///{blocked}"))
    (tmp_path / "blocked.db-writer").mkdir()  # cannot be opened as the lock file
    store = SqlStore(engine=create_engine(f"sqlite:///{blocked}"))
    assert await store.run_sql(lambda tx: tx.inbox.unprocessed("slack:U1")) == 0
    assert await store.run_sql(lambda tx: tx.inbox.unprocessed("slack:U2")) == 0
    await store.close()
