"""`sva serve`'s daily sweep computes and queues the day's reminders in a process of its
own; the server then sends them.

Why a process: computing a sweep builds an object for every row it reads (hundreds of
megabytes at national scale), and in the server's process the allocator kept much of that
memory afterwards (benchmarks/README.md, memory). A process that exits gives it all back.
Sending stays in the server, which has the chat channels connected; it needs back only the
counts and the keys of the rows waiting from earlier sweeps (`Queued`), not the day's own.

The child works with the server's own policy packs and reminder settings (passed to it, not
read again from disk: an edited pack waits for a restart, as it does for the server), on the
database as it is (never migrating it: an upgrade half done is the server's to finish). A
child that fails logs why itself and sends nothing back; the server's daily schedule then
tries the day again in its own process. A child killed half-way leaves the day unswept (the
swept mark is committed with the last queued rows), so that retry computes it again and
queues only what is missing. Not niced, unlike the keeping of report figures: the child
holds the database's write lock while it queues, and a starved holder would hold up the
server's own writes.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from datetime import date
from multiprocessing.connection import Connection

from bot.bootstrap import open_database
from bot.channels.processes import SPAWN, join_or_end, start_background
from bot.config import Config, LogLevel
from bot.logs import configure_logging
from bot.operations.reminders import Queued, QueueFailed, Sweeper
from policies.assignment import PackAssignment
from policies.reminders import ReminderSettings
from storage.locating import shared_between_processes
from storage.records import OutboxItem
from storage.sql import SqlStore

log = logging.getLogger(__name__)
JOIN_SECONDS = 30.0  # a child that has sent what it queued has only to exit


class SweepProcessFailed(QueueFailed):
    """The sweep's process ended without queueing the day (its own log says why)."""


def can_queue_in_child(config: Config) -> bool:
    """Whether a child process would see the server's database (not one in memory)."""
    return shared_between_processes(config.database.url)


async def queue_in_child(
    config: Config, assignment: PackAssignment, settings: ReminderSettings, on: date
) -> Queued:
    """Compute and queue `on`'s reminders in a new process, by `assignment` and `settings`,
    and return what it queued. Cancelled (the server stopping), the process is ended too.

    Raises:
        SweepProcessFailed: the process ended without queueing them.
    """
    ours, theirs = SPAWN.Pipe()
    try:
        # Only the small configuration goes with the start, which writes it on this thread:
        # the packs (about 60 KB, more than a pipe holds) would wait there for the new
        # interpreter to read them, stalling the event loop for a second or more.
        process = start_background(_child, (config, on, theirs), "sva-sweep", niceness=0)
    finally:
        theirs.close()  # the child's copy is enough: once the child exits, ours sees EOF
    try:
        queued = await asyncio.to_thread(_exchange, ours, (assignment, settings))
    except asyncio.CancelledError:
        # Ending the child ends the exchange too; the thread then drops (and closes) `ours`.
        await join_or_end(process, 0)
        raise
    except BaseException:
        ours.close()
        await join_or_end(process, 0)
        raise
    ours.close()
    await join_or_end(process, JOIN_SECONDS)
    if queued is None:
        raise SweepProcessFailed(f"the sweep process {_how_it_ended(process.exitcode)}")
    return queued


def _how_it_ended(exitcode: int | None) -> str:
    """Stopped by a signal (the service stopping, the kernel out of memory) or failed."""
    if exitcode is not None and exitcode < 0:
        return f"was ended by {signal.Signals(-exitcode).name}"
    return f"ended with exit code {exitcode}"


def _exchange(ours: Connection, rules: tuple[PackAssignment, ReminderSettings]) -> Queued | None:
    """Send the child the rules to sweep by; what it queued (None: it ended without saying)."""
    try:
        ours.send(rules)
        queued: Queued = ours.recv()
    except (EOFError, BrokenPipeError, ConnectionResetError):  # the child ended first
        return None
    return queued


def _child(config: Config, on: date, theirs: Connection) -> None:
    """The sweep's process: take the rules, queue the day, send back what was queued."""
    configure_logging(config.log, default=LogLevel.INFO)
    try:
        assignment, settings = theirs.recv()
        queued = asyncio.run(_queue(config, assignment, settings, on))
    except Exception:
        log.exception("computing and queueing the reminders for %s failed", on)
        sys.exit(1)
    theirs.send(queued)
    theirs.close()


async def _queue(
    config: Config, assignment: PackAssignment, settings: ReminderSettings, on: date
) -> Queued:
    as_it_is = config.database.model_copy(update={"auto_migrate": False})
    engine = await asyncio.to_thread(
        open_database, config.model_copy(update={"database": as_it_is})
    )
    store = SqlStore(engine=engine)
    try:
        sweeper = Sweeper(store, assignment, settings, _QueueOnly(), _no_digest)
        return await sweeper.queue_day(on)
    finally:
        await store.close()


class _QueueOnly:
    """The child's notifier: it queues, the server sends."""

    async def deliver(self, person_id: str, text: str) -> bool:
        raise AssertionError("the sweep's process does not send")


def _no_digest(day: date, items: list[OutboxItem]) -> str:
    raise AssertionError("the sweep's process does not send")
