"""`sva serve`'s daily sweep computes and queues the day's reminders in a process of its
own; the server then sends them.

Why a process: computing a sweep builds an object for every row it reads (hundreds of
megabytes at national scale), and in the server's process the allocator kept much of that
memory afterwards (a server idle at 144 MiB stayed at 179 MiB after sweeping 10,000 people:
benchmarks/README.md, memory). A process that exits gives it all back. Sending stays in the
server, which has the chat channels connected; it needs only the queued keys back.

A child that fails (the database unreachable, a bug) logs why itself and sends nothing back:
the server's daily schedule tries the day again. A child killed half-way leaves the day
unswept (the swept mark is committed with the last queued rows), so that retry computes it
again and queues only what is missing.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import date
from multiprocessing.connection import Connection

from bot.bootstrap import bootstrap
from bot.channels.processes import SPAWN, join_or_end, start_background
from bot.config import Config, LogLevel
from bot.errors import AssistantError
from bot.logs import configure_logging
from bot.operations.reminders import Queued
from storage.locating import shared_between_processes

log = logging.getLogger(__name__)
JOIN_SECONDS = 30.0  # a child that has sent what it queued has only to exit


class SweepProcessFailed(AssistantError):
    """The sweep's process ended without queueing the day (its own log says why)."""


def can_queue_in_child(config: Config) -> bool:
    """Whether a child process would see the server's database (not one in memory)."""
    return shared_between_processes(config.database.url)


async def queue_in_child(config: Config, on: date) -> Queued:
    """Compute and queue `on`'s reminders in a new process, at a lower priority, and return
    what it queued. Cancelled (the server stopping), the process is ended too.

    Raises:
        SweepProcessFailed: the process ended without queueing them.
    """
    receiving, sending = SPAWN.Pipe(duplex=False)
    process = start_background(_child, (config, on, sending), "sva-sweep")
    sending.close()  # the child's copy is enough: once the child exits, receiving sees EOF
    try:
        queued = await asyncio.to_thread(_receive, receiving)
    except asyncio.CancelledError:
        # Ending the child ends the read too; the thread then drops (and closes) `receiving`.
        await join_or_end(process, 0)
        raise
    receiving.close()
    await join_or_end(process, JOIN_SECONDS)
    if queued is None:
        raise SweepProcessFailed(f"the sweep process ended with exit code {process.exitcode}")
    return queued


def _receive(receiving: Connection) -> Queued | None:
    try:
        queued: Queued = receiving.recv()
    except EOFError:  # the child ended without sending
        return None
    return queued


def _child(config: Config, on: date, sending: Connection) -> None:
    """The sweep's process: queue the day, send back what was queued, exit 0."""
    configure_logging(config.log, default=LogLevel.INFO)
    try:
        queued = asyncio.run(_queue(config, on))
    except Exception:
        log.exception("computing and queueing the reminders for %s failed", on)
        sys.exit(1)
    sending.send(queued)
    sending.close()


async def _queue(config: Config, on: date) -> Queued:
    app = await bootstrap(config)
    try:
        return await app.sweeper.queue_day(on)
    finally:
        await app.close()
