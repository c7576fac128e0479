"""`sva serve`: one aiohttp server for every chat channel, plus the reminder scheduler.

Routes: GET /livez (the process answers), GET /readyz (every channel's credentials were
accepted at start and the database answers; /healthz is the same), GET /metrics
(Prometheus), and each channel's own (POST /slack/events, /api/messages, /telegram/webhook).

At start each channel checks its credentials (Slack auth.test, Telegram getMe, a Teams token):
refused credentials stop the start with one line (ChannelUnavailable); a service that cannot
be reached leaves that channel unready (its route answers 503) and is tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, cast

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.assistant.gateway import Gateway
from bot.bootstrap import App, build_sweeper
from bot.channels.answer_workers import AnswerWorkers
from bot.channels.observability import CONTENT_TYPE, Metrics, request_observer
from bot.channels.registry import Channel
from bot.channels.sweep_process import can_queue_in_child, queue_in_child
from bot.errors import CannotListen, ChannelUnavailable
from bot.operations.delivery import ChannelNotifier, TeamPoster
from bot.operations.reminders import Queue, Sweeper, SweepReport
from bot.operations.retention import Retention
from bot.operations.scheduler import daily_sweeps, outbox_deliveries
from storage.errors import StorageError

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY = 1024 * 1024  # no chat service sends anything near this; refuse bigger bodies
OUTBOX_EVERY_SECONDS = 30.0
# Someone with nowhere to be sent (no chat identity on a channel served) is tried again
# after this, not at every delivery round: a manager of 10,000 left so had the server claim,
# check and give back 10,000 rows twice a minute, halving how fast it answered chat
# (benchmarks/README.md, memory). A send that failed is tried at the next round as before;
# `sva remind` by hand tries everyone at once.
UNREACHABLE_RETRY = timedelta(minutes=30)
DRAIN_SECONDS = 20.0
RETRY_SECONDS = 30.0  # how often a channel that could not be reached is tried again
PROBES = ("/livez", "/readyz", "/healthz", "/metrics")


class Server:
    """The HTTP server and its background work; `start` then `stop`."""

    def __init__(
        self,
        app: App,
        channels: dict[str, Channel],
        *,
        gateway: Gateway | None = None,
        report: Callable[[SweepReport], None] = lambda report: None,
        schedule: bool = True,
        routes: Sequence[web.RouteDef] = (),
        jobs: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
        workers: AnswerWorkers | None = None,
    ) -> None:
        self._app = app
        self._workers = workers  # None: this process answers what it acknowledges
        self._routes = routes  # e.g. the dashboard's (bot/web), mounted beside the channels
        self._jobs = jobs  # more work on a clock (e.g. managers' digests), run when scheduling
        self._gateway = gateway
        self.channels = channels
        self._report = report
        self._schedule = schedule
        self._ready = False
        self.unready: dict[str, str] = {}  # channel -> why it is not ready
        self.retry_seconds = RETRY_SECONDS
        self.metrics = Metrics()
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.sweeper = self._sweeper()
        if gateway is not None:
            gateway.on_turn = lambda channel: self.metrics.turns.labels(channel).inc()

    def _sweeper(self) -> Sweeper:
        if not self.channels:
            return self._app.sweeper  # console only: reminders go to the console log
        notifier = ChannelNotifier(
            store=self._app.store, senders=self.channels, team_channels=self._team_channels()
        )
        sweeper = build_sweeper(self._app.config, self._app.store, notifier)
        return dataclasses.replace(sweeper, unreachable_retry=UNREACHABLE_RETRY)

    def _queue(self) -> Queue | None:
        """Where the daily sweep computes and queues: a process of its own, so its memory
        goes when it is done, unless that process could not see the database (in memory)."""
        config, sweeper = self._app.config, self.sweeper
        if not can_queue_in_child(config):
            return None
        return partial(queue_in_child, config, sweeper.assignment, sweeper.settings)

    def _team_channels(self) -> dict[str, tuple[TeamPoster, str]]:
        """Each team's channel for group supervision nudges (Slack's first where both are)."""
        config = self._app.config
        mapped: dict[str, tuple[TeamPoster, str]] = {}
        for name, teams in (
            ("teams", config.teams.team_channels),
            ("slack", config.slack.team_channels),
        ):
            if name in self.channels:
                poster = cast(TeamPoster, self.channels[name])
                mapped |= {team: (poster, channel_id) for team, channel_id in teams.items()}
        return mapped

    def web_app(self) -> web.Application:
        paths = {
            route.path: name
            for name, channel in self.channels.items()
            for route in channel.routes()
            if isinstance(route, web.RouteDef)
        }
        web_app = web.Application(
            client_max_size=MAX_BODY,
            middlewares=[
                request_observer(self.metrics, lambda path: paths.get(path, "-")),
                self._unready_guard(paths),
            ],
        )
        web_app.add_routes(
            [
                web.get("/livez", self._live),
                web.get("/readyz", self._readiness),
                web.get("/healthz", self._readiness),
                web.get("/metrics", self._metrics),
            ]
        )
        for channel in self.channels.values():
            web_app.add_routes(channel.routes())
        web_app.add_routes(self._routes)
        return web_app

    def _unready_guard(self, paths: dict[str, str]) -> Middleware:
        @web.middleware
        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            name = paths.get(request.path)
            if name is not None and name in self.unready:
                return web.json_response({"error": f"{name} is not ready"}, status=503)
            return await handler(request)

        return guard

    async def _live(self, request: web.Request) -> web.Response:
        return web.json_response({"live": True})

    async def _readiness(self, request: web.Request) -> web.Response:
        database = await self._database_problem()
        ready = self._ready and not self.unready and database is None
        channels = {name: self.unready.get(name, "ready") for name in sorted(self.channels)}
        body = {"ready": ready, "channels": channels, "database": database or "ready"}
        return web.json_response(body, status=200 if ready else 503)

    async def _database_problem(self) -> str | None:
        try:
            await self._app.store.ping()
        except StorageError as problem:
            return str(problem)
        return None

    async def _metrics(self, request: web.Request) -> web.Response:
        with contextlib.suppress(StorageError):
            depth = await self._app.store.run_sql(lambda tx: tx.outbox.depth())
            self.metrics.outbox.set(depth)
        for name in self.channels:
            self.metrics.ready.labels(name).set(0 if name in self.unready else 1)
        return web.Response(body=self.metrics.exposition(), content_type=CONTENT_TYPE)

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (port 0: any free one); returns the port."""
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as exc:  # nothing else has started yet
            await self._runner.cleanup()
            self._runner = None
            # A busy port, or a name server not answering yet at boot, may pass: exit 75.
            busy = exc.errno in (errno.EADDRINUSE, socket.EAI_AGAIN)
            problem = os.strerror(exc.errno) if exc.errno and exc.errno > 0 else str(exc)
            raise CannotListen(host, port, problem, busy=busy) from exc
        try:
            await self.start_channels()
        except ChannelUnavailable:
            await self.stop()
            raise
        if self.unready:
            self._tasks.append(asyncio.create_task(self._retry_unready()))
        bound = int(self._runner.addresses[0][1])
        # The host and port name this instance, so a restart takes its reply claims back.
        instance = f"{socket.gethostname()}:{bound}"
        if self._workers is not None:
            try:
                await self._workers.start(instance)  # they answer; this process acknowledges
            except BaseException:  # not started in time, or interrupted: nothing left running
                await self.stop()
                raise
        elif self._gateway is not None:
            # Answers events (and delivers replies) a previous run left behind, then keeps
            # looking.
            self._gateway.inbox.start(instance)
        if self._schedule:
            at = datetime.combine(date.today(), self._app.config.reminders.sweep_at)
            self._tasks += [
                asyncio.create_task(
                    daily_sweeps(
                        self.sweeper,
                        at,
                        self._report,
                        self.metrics.sweep.observe,
                        Retention(store=self._app.store, periods=self._app.config.retention),
                        catch_up_until=self._app.config.reminders.catch_up_until,
                        queue=self._queue(),
                    )
                ),
                asyncio.create_task(outbox_deliveries(self.sweeper, OUTBOX_EVERY_SECONDS)),
            ]
            self._tasks += [asyncio.create_task(job()) for job in self._jobs]
        self._ready = True
        return bound

    async def start_channels(self, *, serving: bool = True) -> None:
        """Connect the channels (`serving` False: enough to send, as `sva remind` wants).

        Raises:
            ChannelUnavailable: a service refused our credentials (the message says which
                setting to fix). A service that did not answer leaves its channel unready.
        """
        for name, channel in self.channels.items():
            await self._start_channel(name, channel, serving=serving)

    async def _start_channel(self, name: str, channel: Channel, *, serving: bool = True) -> None:
        try:
            await channel.start(serving=serving)
        except ChannelUnavailable as problem:
            if problem.refused:
                raise
            self.unready[name] = str(problem)
            log.error("%s", problem)
            return
        if self.unready.pop(name, None) is not None:
            log.info("%s: ready", name)

    async def _retry_unready(self) -> None:
        while self.unready:
            await asyncio.sleep(self.retry_seconds)
            for name in list(self.unready):
                try:
                    await self._start_channel(name, self.channels[name])
                except ChannelUnavailable as problem:  # refused now: say so, keep trying
                    self.unready[name] = str(problem)
                    log.error("%s", problem)

    async def stop(self) -> None:
        """Stop taking requests, let the answers under way finish (up to DRAIN_SECONDS),
        then disconnect the channels and the scheduler."""
        self._ready = False
        if self._runner is not None:
            for site in list(self._runner.sites):
                await site.stop()
        if self._gateway is not None and not await self._gateway.drain(DRAIN_SECONDS):
            log.warning("stopped with messages still being answered")
        if self._workers is not None and not await self._workers.stop(DRAIN_SECONDS):
            log.warning("an answer worker had to be terminated")
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for channel in self.channels.values():
            await channel.stop()
        if self._runner is not None:
            await self._runner.cleanup()
