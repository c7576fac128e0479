"""A recording HTTP fake on a free loopback port, shared by the chat-service fakes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when it arrived (benchmarks' latency)


class RecordingServer:
    """Start with `await start()`; `calls` in arrival order; `wait_for` polls them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    def routes(self) -> list[web.RouteDef]:
        raise NotImplementedError

    async def start(self, port: int = 0) -> str:
        """Listen on `port` (0: any free one); returns the base URL."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.add_routes(self.routes())
        # A held call (a hung service) never ends: stopping does not wait the default 60 s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def named(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, done: Callable[[list[Call]], bool], timeout: float = 10.0
    ) -> list[Call]:
        """Wait until `done(calls)` holds (the channel works in the background)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not done(self.calls):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.01)
        return self.calls

    async def settle(self, quiet: float = 0.3) -> None:
        """Wait until no call has arrived for `quiet` seconds."""
        seen = -1
        while seen != len(self.calls):
            seen = len(self.calls)
            await asyncio.sleep(quiet)
