"""Group commit: units of work queued from the event loop, run by worker threads that each
keep one database connection open, several units to one commit when they arrive together.

Why: a turn's own work takes tens of microseconds, but a durable commit costs a disk flush
(milliseconds with SQLite `synchronous=FULL` or PostgreSQL) and a thread hop costs two
wake-ups. People typing at once on Slack are served by one flush for the batch instead of one
each. Nobody is answered early: a unit's future is resolved only after the COMMIT that made
its writes durable has returned.

Urgent units (a chat event to commit before the service is acknowledged) go first: a worker
takes every urgent unit waiting before any other, and commits them as a batch of their own,
so an acknowledgement waits for at most the batch already running, never behind the queue.

A small unit submitted through `run` while nothing else is queued or running may be run on
the caller's thread instead, without a hop (storage/inline.py, SQLite files only): the
committer's workers and that path take one writer lock, so they never write at once.

A batch runs its units one after another in one transaction, without savepoints. If any unit
raises (a version conflict, a deadlock across processes, a bug) or the commit fails, the batch
is rolled back and every unit of it is run again alone, in its own transaction, so one unit's
failure never becomes another's. Units must therefore be replayable, which they already are:
the assistant replays a turn after a version conflict.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from storage.inline import InlineWriter
from storage.writer_turns import WriterTurn

log = logging.getLogger(__name__)
Work = Callable[[Connection], Any]
MAX_BATCH = 64
# PostgreSQL's SQLSTATEs for a transaction it rolled back so that another could go on:
# "deadlock detected", and "could not serialize access" (a server whose default isolation
# is REPEATABLE READ or SERIALIZABLE, when two writers touch the same row). Run it again.
RUN_AGAIN = frozenset({"40P01", "40001"})
ATTEMPTS = 3  # a unit PostgreSQL rolled back runs at most this often
IDLE_SECONDS = 60.0  # a worker idle this long closes its connection (reopened on demand)


@dataclass(slots=True)
class _Job:
    work: Work
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop
    result: Any = None
    error: BaseException | None = None


_STOP = object()
_WAKE = object()  # an urgent unit is waiting in the deque


class GroupCommitter:
    """Runs units of work on `threads` worker threads, each with its own open connection."""

    def __init__(
        self,
        engine: Engine,
        *,
        threads: int,
        max_batch: int = MAX_BATCH,
        turns: Callable[[], WriterTurn] | None = None,
        inline: bool = False,
    ) -> None:
        self._engine = engine
        self._turns = turns  # SQLite file: each transaction first takes its turn (writer_turns)
        writing = threading.Lock()  # one writer in this process: a worker or inline
        self._inline = InlineWriter(engine, writing, turns) if inline else None
        # Only where units may also run inline (a SQLite file, which has one writer anyway):
        # PostgreSQL's worker threads commit at once, each on its own connection.
        self._writing: contextlib.AbstractContextManager[Any] = (
            writing if inline else contextlib.nullcontext()
        )
        self._waiting = 0  # callers of `run` waiting for a worker, or yielding after inline
        self._threads_wanted = threads
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._urgent: collections.deque[_Job] = collections.deque()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.batches = 0  # how many transactions committed; for the benchmarks
        self.units = 0
        self.inline_units = 0  # of those, run on the caller's thread

    async def run(self, work: Work, *, urgent: bool = False, small: bool = False) -> Any:
        """Run `work` in a transaction and return its result once committed (or raise what
        it raised). A `small` unit (a turn: a few rows, no report) runs on this thread when
        inline running is on, no unit is waiting and the loop has nothing else ready; then
        the caller yields once, so others go first and find the store busy (they queue, and
        share commits).
        """
        inline = self._inline
        if inline is None or not inline.owned():  # only the first loop's thread runs inline
            return await self.submit(work, urgent=urgent)
        idle = small and self._waiting == 0 and _nothing_else_ready()
        if idle and (done := inline.attempt(work)) is not None:
            if done.error is None:
                self._count(1)
                self.inline_units += 1
            await self._yield_once()
            if done.error is not None:
                raise done.error
            return done.result
        self._waiting += 1
        try:
            return await self.submit(work, urgent=urgent)
        finally:
            self._waiting -= 1

    async def _yield_once(self) -> None:
        self._waiting += 1
        try:
            await asyncio.sleep(0)
        finally:
            self._waiting -= 1

    def submit(self, work: Work, *, urgent: bool = False) -> asyncio.Future[Any]:
        """Queue `work`; the future resolves once its transaction has committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self._threads:
            self._start()
        job = _Job(work, future, loop)
        if urgent:
            self._urgent.append(job)
            self._queue.put(_WAKE)
        else:
            self._queue.put(job)
        return future

    def close(self) -> None:
        """Let every worker finish what is queued, then close its connection."""
        with self._lock:
            threads, self._threads = self._threads, []
        for _ in threads:
            self._queue.put(_STOP)
        for thread in threads:
            thread.join()
        if self._inline is not None:
            self._inline.close()

    def _start(self) -> None:
        with self._lock:
            while len(self._threads) < self._threads_wanted:
                thread = threading.Thread(target=self._serve, name="sva-store", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _serve(self) -> None:
        connection: Connection | None = None
        turn: WriterTurn | None = None
        try:
            while (batch := self._next_batch()) is not None:
                if not batch:  # idle for a while: give the connection back
                    if connection is not None:
                        connection.close()
                        connection = None
                    continue
                try:
                    connection = connection or self._engine.connect()
                except Exception as exc:  # unreachable database: every unit is told so
                    for job in batch:
                        job.error = exc
                else:
                    turn = turn or self._writer_turn()  # once the file surely exists
                    self._run_in_turn(connection, batch, turn)
                _deliver(batch)
        finally:
            if connection is not None:
                connection.close()
            if turn is not None:
                turn.close()

    def _writer_turn(self) -> WriterTurn | None:
        if self._turns is None:
            return None
        try:
            return self._turns()
        except OSError as problem:  # e.g. the folder is read-only to us: SQLite's wait alone
            log.warning("transactions go without writer turns: %s", problem.strerror)
            self._turns = None
            return None

    def _run_in_turn(
        self, connection: Connection, batch: list[_Job], turn: WriterTurn | None
    ) -> None:
        """`_run`, after waiting for this process's turn at the write lock (if it has turns:
        a failure to take one only means SQLite's own wait decides)."""
        with self._writing:
            taken = False
            if turn is not None:
                with contextlib.suppress(OSError):
                    taken = turn.take()
            try:
                self._run(connection, batch)
            finally:
                if taken and turn is not None:
                    with contextlib.suppress(OSError):
                        turn.give_back()

    def _next_batch(self) -> list[_Job] | None:
        """The next units to run together; [] after an idle spell; None to stop."""
        batch: list[_Job] = []
        while not batch:  # a wake-up whose urgent unit another worker took: wait again
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                return []
            if first is _STOP:
                return None
            batch = self._take_urgent()
            if batch:  # with the one other unit already taken off the queue, if any
                return [*batch, first] if isinstance(first, _Job) else batch
            if isinstance(first, _Job):
                batch.append(first)
        while len(batch) < self._max_batch and not self._urgent:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is _STOP:
                self._queue.put(_STOP)  # for the next turn round this loop
                break
            if isinstance(job, _Job):
                batch.append(job)
        return batch

    def _take_urgent(self) -> list[_Job]:
        taken: list[_Job] = []
        while len(taken) < self._max_batch:
            try:
                taken.append(self._urgent.popleft())
            except IndexError:
                break
        return taken

    def _run(self, connection: Connection, batch: list[_Job]) -> None:
        if len(batch) > 1:
            try:
                with connection.begin():
                    results = [job.work(connection) for job in batch]
            except Exception:  # replayed alone below, where each gets its own outcome
                log.debug("batch of %d rolled back; running each alone", len(batch))
            else:
                for job, result in zip(batch, results, strict=True):
                    job.result = result
                self._count(len(batch))
                return
        for job in batch:
            self._run_alone(connection, job)

    def _run_alone(self, connection: Connection, job: _Job) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with connection.begin():
                    job.result = job.work(connection)
                self._count(1)
                return
            except DBAPIError as exc:
                # A connection the server dropped (restart, idle timeout) is invalidated by
                # SQLAlchemy and reopened on next use: try once more on the new one (once
                # only: a connection lost during COMMIT may have committed). A unit PostgreSQL
                # rolled back for another's sake (a deadlock's victim: two imports marking the
                # same teams' report versions in opposite orders; a serialization failure)
                # is run again.
                dropped = exc.connection_invalidated and attempt == 1
                retry = dropped or _sqlstate(exc) in RUN_AGAIN
                if not retry or attempt == ATTEMPTS:
                    job.error = exc
                    return
            except Exception as exc:
                job.error = exc
                return

    def _count(self, units: int) -> None:
        self.batches += 1
        self.units += units


def _nothing_else_ready() -> bool:
    """Whether the event loop has no other callback ready to run: only then may a unit
    hold it (a Slack request being read must not wait behind a turn). asyncio keeps them in
    `_ready` (every CPython since 3.4); a loop without it never runs units inline."""
    ready = getattr(asyncio.get_running_loop(), "_ready", None)
    return ready is not None and not ready


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _deliver(batch: list[_Job]) -> None:
    """Resolve the batch's futures on their event loops (one wake-up per loop)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in batch:
        by_loop.setdefault(job.loop, []).append(job)
    for loop, jobs in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop was closed meanwhile
            loop.call_soon_threadsafe(_resolve, jobs)


def _resolve(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.done():  # cancelled by its caller; the work was done anyway
            continue
        if job.error is not None:
            job.future.set_exception(job.error)
        else:
            job.future.set_result(job.result)
