"""`sva serve`: one aiohttp server for every chat channel, plus the reminder scheduler.

Routes: GET /healthz, and each channel's own (POST /slack/events, /api/messages,
/telegram/webhook). /healthz answers 503 until every channel has started, then 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import cast

from aiohttp import web

from bot.assistant.gateway import Gateway
from bot.bootstrap import App, build_sweeper
from bot.channels.registry import Channel
from bot.operations.delivery import ChannelNotifier, TeamPoster
from bot.operations.reminders import Sweeper, SweepReport
from bot.operations.scheduler import daily_sweeps, outbox_deliveries

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # no chat service sends anything near this; refuse bigger bodies
OUTBOX_EVERY_SECONDS = 30.0
DRAIN_SECONDS = 20.0


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
    ) -> None:
        self._app = app
        self._gateway = gateway
        self.channels = channels
        self._report = report
        self._schedule = schedule
        self._ready = False
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.sweeper = self._sweeper()

    def _sweeper(self) -> Sweeper:
        if not self.channels:
            return self._app.sweeper  # console only: reminders go to the console log
        notifier = ChannelNotifier(
            store=self._app.store, senders=self.channels, team_channels=self._team_channels()
        )
        return build_sweeper(self._app.config, self._app.store, notifier)

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
        web_app = web.Application(client_max_size=MAX_BODY)
        web_app.add_routes([web.get("/healthz", self._health)])
        for channel in self.channels.values():
            web_app.add_routes(channel.routes())
        return web_app

    async def _health(self, request: web.Request) -> web.Response:
        body = {"ready": self._ready, "channels": sorted(self.channels)}
        return web.json_response(body, status=200 if self._ready else 503)

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (port 0: any free one); returns the port."""
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        await self.start_channels()
        if self._schedule:
            at = datetime.combine(date.today(), self._app.config.reminders.sweep_at)
            self._tasks = [
                asyncio.create_task(daily_sweeps(self.sweeper, at, self._report)),
                asyncio.create_task(outbox_deliveries(self.sweeper, OUTBOX_EVERY_SECONDS)),
            ]
        self._ready = True
        return int(self._runner.addresses[0][1])

    async def start_channels(self) -> None:
        """Connect the channels (enough to send, as `sva remind` does, without serving)."""
        for channel in self.channels.values():
            await channel.start()

    async def stop(self) -> None:
        """Stop taking requests, let the answers under way finish (up to DRAIN_SECONDS),
        then disconnect the channels and the scheduler."""
        self._ready = False
        if self._runner is not None:
            for site in list(self._runner.sites):
                await site.stop()
        if self._gateway is not None and not await self._gateway.drain(DRAIN_SECONDS):
            log.warning("stopped with messages still being answered")
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for channel in self.channels.values():
            await channel.stop()
        if self._runner is not None:
            await self._runner.cleanup()
