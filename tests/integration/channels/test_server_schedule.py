"""`sva serve` runs the reminder schedule its configuration sets (bot/channels/server.py):
a server started inside the day's catch-up window sweeps at once; with the window closed it
waits for the next sweep time. (The window's edges: tests/unit/bot/operations/test_scheduler.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.bootstrap import bootstrap
from bot.channels.server import Server
from bot.config import Config

ALL_DAY = {"sweep_at": "00:00", "catch_up_until": "23:59:59"}
CLOSED = {"sweep_at": "00:00", "catch_up_until": "00:00"}


@asynccontextmanager
async def scheduled_server(database: str, reminders: dict[str, str]) -> AsyncIterator[Server]:
    config = Config.model_validate({"database": {"url": database}, "reminders": reminders})
    app = await bootstrap(config)
    server = Server(app, {}, schedule=True)
    try:
        await server.start("127.0.0.1", 0)
        yield server
    finally:
        await server.stop()
        await app.close()


def sweeps(server: Server) -> float:
    return server.metrics.registry.get_sample_value("sva_sweep_seconds_count") or 0.0


async def test_a_server_started_in_the_catch_up_window_sweeps_at_once(database: str) -> None:
    async with scheduled_server(database, ALL_DAY) as server:
        for _ in range(200):  # a sweep of an empty directory (or a quiet weekend): at once
            if sweeps(server):
                break
            await asyncio.sleep(0.05)
        assert sweeps(server) == 1


async def test_with_the_window_closed_a_started_server_waits_for_the_sweep_time(
    database: str,
) -> None:
    async with scheduled_server(database, CLOSED) as server:
        await asyncio.sleep(1.0)
        assert sweeps(server) == 0
