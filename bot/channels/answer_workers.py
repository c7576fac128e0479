"""`sva serve --workers N`: chat turns answered in worker processes, so that acknowledging a
chat service never waits behind a turn (issue 16).

Without workers one process both acknowledges (check the request, commit the event to the
durable inbox, answer 200) and answers (the turn, the replies). Python runs one thread at a
time, so an acknowledgement waits for whatever turn is running. With workers the server
process only acknowledges. After the commit it sends the conversation's key to a worker
process over a socket, always the same worker for a conversation. The worker answers from the
inbox and delivers the replies as the server would have, then reports each event it answered
(the server's bound on waiting events and its /metrics count them).

Nothing is lost to a worker. The event is in the database before the acknowledgement, and each
worker looks every few seconds for its share of the events and replies left waiting
(`Inbox.start`). A worker that exits is started again, and takes over the reply claims of the
one it replaces. A worker whose server has gone (even killed) sees its socket close, finishes
the turns under way and exits. Each worker claims replies under a name of its own, so the
workers of a restarted server never take a reply a late worker of the old one is delivering.

Messages on the socket are JSON, one per line. Server to worker: a conversation key to wake.
Worker to server: `true` once it answers, a key for each event it answered, and
`["drained", key]` when none of that conversation's events is left waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import signal
import socket
import time
import uuid
import zlib
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

from bot.assistant.gateway import Gateway
from bot.assistant.inbox import Inbox
from bot.bootstrap import bootstrap
from bot.channels.processes import SPAWN, join_or_end
from bot.channels.registry import Channel, build_channels
from bot.config import Config, LogLevel
from bot.errors import ChannelUnavailable
from bot.logs import configure_logging

log = logging.getLogger(__name__)
RESTART_AFTER = (1.0, 30.0)  # seconds before a dead worker is started again: first, at most
STEADY_SECONDS = 60.0  # a worker that lived this long starts the back-off afresh when it dies
READY_SECONDS = 120.0  # a worker's start (imports, database, channels) before the server gives up
DRAIN_SECONDS = 20.0  # a worker's turns under way, when its server stops
READY = True
DRAINED = "drained"


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to build its own assistant and channels."""

    config: Config
    channels: list[str]
    socket_mode: bool = False  # the server's Slack mode (a worker only sends, either way)


@dataclass(frozen=True)
class Seat:
    """Which worker a process is: its number of `count`, the name its reply claims carry,
    and the name of the dead worker it replaces ("" for the first)."""

    number: int
    count: int
    token: str
    predecessor: str = ""


def shard(key: str, count: int) -> int:
    """The worker that answers conversation `key`."""
    return zlib.crc32(key.encode()) % count


def _line(message: Any) -> bytes:
    return json.dumps(message).encode() + b"\n"


async def _messages(reader: asyncio.StreamReader) -> Any:
    """The next message on the socket; None once it is closed, reset or garbled (all three
    mean the other side is gone or cannot be trusted)."""
    try:
        line = await reader.readline()
        return json.loads(line) if line else None
    except (OSError, ValueError):
        return None


@dataclass
class _Worker:
    number: int
    token: str = ""  # the name its reply claims carry
    process: BaseProcess | None = None
    reader: asyncio.StreamReader | None = field(default=None, repr=False)
    writer: asyncio.StreamWriter | None = None
    started: float = 0.0
    restarts: int = 0
    reading: asyncio.Task[None] | None = field(default=None, repr=False)
    ready: asyncio.Event = field(default_factory=asyncio.Event, repr=False)


class AnswerWorkers:
    """The server's side: start the workers, send each woken conversation to its worker,
    count what they answered, start a dead one again, stop them with the server.

    From construction on, the inbox sends woken conversations here: one woken before its
    worker is up is found by the worker's first look at the database."""

    def __init__(self, spec: WorkerSpec, count: int, inbox: Inbox) -> None:
        if count < 1:
            raise ValueError("at least one worker")
        self._spec, self._inbox = spec, inbox
        self._workers = [_Worker(n) for n in range(count)]
        self._instance = ""
        self._stopping = False
        inbox.dispatch = self.wake  # this process never answers (see `stop`)

    async def start(self, instance: str) -> None:
        """Start every worker; return once every one answers (a server is ready when its
        messages are answered, not only acknowledged).

        Raises:
            ChannelUnavailable: a worker did not start within READY_SECONDS.
        """
        self._instance = instance
        try:
            for worker in self._workers:
                await self._spawn(worker)
                worker.reading = asyncio.create_task(self._serve(worker))
            waits = [asyncio.create_task(w.ready.wait()) for w in self._workers]
            _, late = await asyncio.wait(waits, timeout=READY_SECONDS)
            for wait in late:
                wait.cancel()
        except BaseException:  # interrupted (Ctrl-C): no worker is left behind
            await self.stop(0)
            raise
        if late:
            await self.stop(0)
            problem = f"did not start within {READY_SECONDS:.0f} s (see the errors above)"
            raise ChannelUnavailable("answer workers", problem, refused=True)

    def wake(self, key: str) -> None:
        """Send `key` to its worker (one being started finds it in its first look)."""
        worker = self._workers[shard(key, len(self._workers))]
        if worker.writer is not None and not worker.writer.is_closing():
            worker.writer.write(_line(key))

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (for tests and operators)."""
        return [w.process.pid for w in self._workers if w.process and w.process.pid]

    async def stop(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Close every worker's socket (each finishes its turns and exits) and wait for them,
        `timeout` s in all; then they are terminated. False if one had to be."""
        self._stopping = True
        self._inbox.dispatch = lambda key: None  # late requests: kept for the next start
        for worker in self._workers:
            if worker.reading is not None:
                worker.reading.cancel()
                with contextlib.suppress(BaseException):
                    await worker.reading
            if worker.writer is not None:
                worker.writer.close()
        deadline = time.monotonic() + timeout
        clean = True
        for worker in self._workers:
            if worker.process is not None:
                clean &= await join_or_end(worker.process, max(0.0, deadline - time.monotonic()))
        return clean

    async def _spawn(self, worker: _Worker) -> None:
        """Start the worker's process (taking over its predecessor's claims, if any)."""
        predecessor = worker.token
        token = f"{self._instance}/w{worker.number}/{uuid.uuid4().hex[:8]}"
        ours, theirs = socket.socketpair()
        process = SPAWN.Process(
            target=work,
            args=(self._spec, Seat(worker.number, len(self._workers), token, predecessor), theirs),
            name=f"sva-worker-{worker.number}",
            daemon=True,  # if this process ever exits without `stop`, multiprocessing ends them
        )
        try:
            process.start()
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()  # the worker holds its end: its exit closes it, and we read EOF
        worker.process, worker.token, worker.started = process, token, time.monotonic()
        worker.reader, worker.writer = await asyncio.open_unix_connection(sock=ours)

    async def _serve(self, worker: _Worker) -> None:
        """Read the worker's reports until it exits; then start it again, for as long as the
        server runs."""
        while True:
            await self._read(worker)
            if self._stopping:
                return
            await self._restart(worker)

    async def _read(self, worker: _Worker) -> None:
        assert worker.reader is not None
        while (message := await _messages(worker.reader)) is not None:
            if message is READY:
                worker.ready.set()
            elif isinstance(message, list) and message[:1] == [DRAINED]:
                self._inbox.forget(str(message[1]))
            elif isinstance(message, str):
                self._inbox.count_answered(message)
        worker.ready.clear()
        if worker.writer is not None:
            worker.writer.close()
            worker.writer = None

    async def _restart(self, worker: _Worker) -> None:
        assert worker.process is not None
        await join_or_end(worker.process, 0)  # it is gone: reap it
        if time.monotonic() - worker.started > STEADY_SECONDS:
            worker.restarts = 0
        first, most = RESTART_AFTER
        while not self._stopping:
            delay = min(first * 2**worker.restarts, most)
            log.error(
                "answer worker %d exited (code %s); starting it again in %.0f s",
                worker.number,
                worker.process.exitcode,
                delay,
            )
            worker.restarts += 1
            await asyncio.sleep(delay)
            try:
                await self._spawn(worker)
                return
            except OSError as problem:  # no memory or processes left just now: try again
                log.error("could not start answer worker %d: %s", worker.number, problem)


# -- the worker process ----------------------------------------------------------------


def work(spec: WorkerSpec, seat: Seat, connection: socket.socket) -> None:
    """A worker process's life: answer its share of conversations until the server goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the server decides
    configure_logging(spec.config.log, default=LogLevel.INFO)
    asyncio.run(_answer(spec, seat, connection))


async def _answer(spec: WorkerSpec, seat: Seat, connection: socket.socket) -> None:
    app = await bootstrap(spec.config)
    gateway = Gateway(assistant=app.assistant, store=app.store)
    channels: dict[str, Channel] = {}
    try:
        channels = build_channels(spec.config, gateway, spec.channels, socket_mode=spec.socket_mode)
        await _connect(channels, seat.number)
        reader, writer = await asyncio.open_unix_connection(sock=connection)
        inbox = gateway.inbox
        inbox.on_answered = lambda key: writer.write(_line(key))
        inbox.on_drained = lambda key: writer.write(_line([DRAINED, key]))
        inbox.recovers = lambda key: shard(key, seat.count) == seat.number
        if seat.predecessor:  # known dead: the server reaped it before starting this one
            await app.store.run_sql(lambda tx: tx.replies.release(seat.predecessor))
        inbox.start(seat.token)
        gc.collect()
        gc.freeze()  # as `sva serve` does: start-up's objects are not walked again
        writer.write(_line(READY))
        await _until_server_gone(reader, inbox)
        if not await gateway.drain(DRAIN_SECONDS):
            log.warning("answer worker %d stopped with messages still being answered", seat.number)
    finally:
        for channel in channels.values():
            await channel.stop()
        await app.close()


async def _connect(channels: dict[str, Channel], number: int) -> None:
    for channel in channels.values():
        try:
            await channel.start(serving=False)  # enough to send replies, nothing served
        except ChannelUnavailable as problem:  # its replies are retried with back-off
            log.error("answer worker %d: %s", number, problem)


async def _until_server_gone(reader: asyncio.StreamReader, inbox: Inbox) -> None:
    """Wake each conversation the server sends, until its socket closes or SIGTERM (a second
    SIGTERM, while the turns under way finish, ends the process at once)."""
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)

    async def wake_each() -> None:
        while (key := await _messages(reader)) is not None:
            if isinstance(key, str):
                inbox.wake(key)

    waking = asyncio.create_task(wake_each())
    stopping = asyncio.create_task(stopped.wait())
    try:
        await asyncio.wait((waking, stopping), return_when=asyncio.FIRST_COMPLETED)
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        for task in (waking, stopping):
            task.cancel()
        await asyncio.gather(waking, stopping, return_exceptions=True)
