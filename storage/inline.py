"""A small unit of work run on the caller's own thread when the store has nothing else to do.

Why: one conversation at a time, a turn handed to the store thread crosses threads twice
(the loop wakes the store thread, the store thread wakes the loop), and on a virtual machine
waking an idle processor costs more than the turn's SQL (benchmarks/README.md, issue 16). A
SQLite file has one writer anyway, so when nothing is queued or running the event loop may as
well run the unit itself, on a connection of its own, and answer without a hop.

It only ever runs when it need not wait: the process's writer lock (shared with the
committer's workers) and our cross-process writer turn are tried without blocking, and the
connection's busy timeout is 0, so a write lock held by any other process makes `BEGIN
IMMEDIATE` fail at once. Whenever it cannot start, the caller queues the unit for the
committer as before. Once started, the unit commits or fails exactly as it would there.

With `synchronous=FULL` an inline COMMIT flushes the log on the loop's thread: the loop is
idle then by definition, and a request arriving meanwhile waits for that one flush, as it
would for the batch a worker is committing. Checkpoints (a copy and a flush of the database)
are never run on it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from storage.writer_turns import WriterTurn

log = logging.getLogger(__name__)
Work = Callable[[Connection], Any]
# PRAGMA synchronous values whose COMMIT is one flush at most (NORMAL: none in WAL; FULL:
# the log's). EXTRA (3) flushes the directory too: left to the committer's thread.
QUICK_SYNCHRONOUS = frozenset({0, 1, 2})
# SQLite's own automatic checkpoint comes at 1,000 pages of log; a turn writes a handful.
CHECKPOINT_EVERY = 100


@dataclass(frozen=True, slots=True)
class Done:
    """A unit that ran: its result, or what it raised."""

    result: Any = None
    error: BaseException | None = None


class InlineWriter:
    """Runs a unit on the calling thread if the writer is free right now; None if not."""

    def __init__(
        self,
        engine: Engine,
        writing: threading.Lock,
        turns: Callable[[], WriterTurn] | None,
    ) -> None:
        self._engine = engine
        self._writing = writing  # held by the committer's worker for each batch
        self._turns = turns
        self._owner: int | None = None  # the first thread to ask (the event loop's)
        self._connection: Connection | None = None
        self._turn: WriterTurn | None = None
        self._usable = True
        self._commits = 0  # since the last checkpoint was asked for
        self._checkpointing = threading.Lock()
        self._checkpointer: threading.Thread | None = None

    def attempt(self, work: Work) -> Done | None:
        """Run `work` in its own transaction now, or return None without running it (the
        writer is busy, this is not the owner thread, or the database refused to start)."""
        if not self._usable or not self.owned():
            return None
        if not self._writing.acquire(blocking=False):
            return None
        try:
            connection = self._connection or self._open()
            if connection is None or not self._take_turn():
                return None
            try:
                return self._run(connection, work)
            finally:
                if self._turn is not None:
                    with contextlib.suppress(OSError):
                        self._turn.give_back()
        finally:
            self._writing.release()

    def close(self) -> None:
        """Wait for a checkpoint under way, close the connection and let the turn go."""
        if self._checkpointer is not None:
            self._checkpointer.join()
        with self._writing:
            if self._connection is not None:
                with contextlib.suppress(Exception):
                    self._discard(self._connection)
                self._connection = None
            if self._turn is not None:
                self._turn.close()
                self._turn = None

    def owned(self) -> bool:
        """Whether the calling thread is the one that may run units (the first to ask)."""
        me = threading.get_ident()
        if self._owner is None:
            self._owner = me
        return self._owner == me

    def _run(self, connection: Connection, work: Work) -> Done | None:
        driver = connection.connection.driver_connection
        assert driver is not None
        try:  # on the driver first: busy fails at once and leaves SQLAlchemy untouched
            driver.execute("BEGIN IMMEDIATE")
        except self._engine.dialect.loaded_dbapi.Error:
            return None  # another program holds the write lock: the committer's worker waits
        try:
            with connection.begin():  # the "begin" listener sees the transaction is open
                done = Done(result=work(connection))
        except Exception as exc:
            self._drop_if_invalid(connection)
            return Done(error=exc)
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY:
            self._commits = 0
            self._checkpoint_soon()
        return done

    def _checkpoint_soon(self) -> None:
        """Checkpoint the log in a thread, unless one is still at it."""
        if not self._checkpointing.acquire(blocking=False):
            return
        thread = threading.Thread(target=self._checkpoint, name="sva-checkpoint", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had: the committer's commits checkpoint too
            self._checkpointing.release()
        else:
            self._checkpointer = thread

    def _checkpoint(self) -> None:
        """PASSIVE, holding the process's writer lock: it never waits for a reader (a long
        one only leaves its frames for next time), and no writer of ours appends while it
        copies, so it catches up and the next commit starts the log afresh, as SQLite's own
        checkpoint after a commit does. Meanwhile our units queue for the committer."""
        try:
            raw = self._engine.raw_connection()  # no transaction: a checkpoint needs none
            try:
                with self._writing:
                    raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").close()
            finally:
                raw.close()
        except Exception as problem:  # the committer's next commit checkpoints anyway
            log.warning("a checkpoint of the write-ahead log failed: %s", type(problem).__name__)
        finally:
            self._checkpointing.release()

    def _open(self) -> Connection | None:
        """A connection of our own, kept open (its busy timeout is 0, so it is discarded
        when done, never given back to the pool); None, and no more attempts, if the
        database's settings make an inline commit slow."""
        try:
            connection = self._engine.connect()
        except DBAPIError:
            return None
        try:
            driver = connection.connection.driver_connection
            assert driver is not None
            synchronous = driver.execute("PRAGMA synchronous").fetchone()[0]
            if synchronous not in QUICK_SYNCHRONOUS:
                connection.close()  # untouched: back to the pool
                self._usable = False
                return None
            driver.execute("PRAGMA busy_timeout=0")
            # A checkpoint copies the log into the database (and, with FULL, flushes it):
            # milliseconds the event loop must not spend. This connection never starts one;
            # every CHECKPOINT_EVERY commits a thread does (`_checkpoint`).
            driver.execute("PRAGMA wal_autocheckpoint=0")
        except self._engine.dialect.loaded_dbapi.Error:
            self._discard(connection)
            return None
        self._connection = connection
        return connection

    def _take_turn(self) -> bool:
        if self._turns is None:
            return True
        try:
            self._turn = self._turn or self._turns()
            return self._turn.try_take()
        except OSError:  # e.g. a read-only folder: the committer copes, without hurry
            self._usable = False
            return False

    def _drop_if_invalid(self, connection: Connection) -> None:
        if connection.invalidated or connection.closed:
            with contextlib.suppress(Exception):
                self._discard(connection)
            self._connection = None

    @staticmethod
    def _discard(connection: Connection) -> None:
        if not connection.invalidated:
            connection.invalidate()  # the driver's connection is closed, not pooled
        connection.close()
