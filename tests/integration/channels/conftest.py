"""A served assistant (real aiohttp server, real SDK code) on a fresh SQLite database."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from bot.assistant.gateway import Gateway
from bot.bootstrap import App, bootstrap
from bot.channels.registry import Channel
from bot.channels.server import Server
from bot.config import Config
from bot.operations.reminders import SweepReport
from storage.records import OutboxItem
from storage.sql import SqlTransaction
from tests.factories import case, person
from tests.fakes.http_fake import RecordingServer

BuildChannels = Callable[[Config, Gateway], dict[str, Channel]]


@dataclass
class Served:
    app: App
    server: Server
    url: str

    async def read(self, work: Callable[[SqlTransaction], Any]) -> Any:
        return await self.app.store.run_sql(work)


async def serve(config: Config, build: BuildChannels) -> Served:
    """Bootstrap from `config`, import two people, start the server on a free port."""
    app = await bootstrap(config)
    alice = dataclasses.replace(
        person("alice"),
        chat=(("slack", "U1"), ("telegram", "1001"), ("teams", "aad-alice")),
    )
    manager = dataclasses.replace(person("tm1", role="team_manager", supervisor=None))
    await app.store.run_sql(lambda tx: tx.directory.upsert_people([alice, manager]))
    # /prep needs the case allocated to the person (bot/assistant/access.py)
    await app.store.run_sql(lambda tx: tx.directory.upsert_cases([case("AB-12", "alice")]))
    gateway = Gateway(assistant=app.assistant, store=app.store)
    server = Server(app, build(config, gateway), gateway=gateway, schedule=False)
    port = await server.start("127.0.0.1", 0)
    return Served(app, server, f"http://127.0.0.1:{port}")


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "sva.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


F = TypeVar("F", bound=RecordingServer)


@asynccontextmanager
async def running(fake: F) -> AsyncIterator[F]:
    """A started fake service, stopped afterwards."""
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


Serving = Callable[[dict[str, Any], BuildChannels], Awaitable[Served]]


@pytest.fixture
def serving(database: str, started: list[Served]) -> Serving:
    """Serve with `settings` (the test database added) and the channels `build` makes."""

    async def start(settings: dict[str, Any], build: BuildChannels) -> Served:
        config = Config.model_validate({"database": {"url": database}, **settings})
        served = await serve(config, build)
        started.append(served)
        return served

    return start


@pytest.fixture
async def started() -> AsyncIterator[list[Served]]:
    """Servers a test started, stopped (with their databases closed) after it."""
    served: list[Served] = []
    yield served
    for s in served:
        await s.server.stop()
        await s.app.close()


NUDGE = "Group supervision for Team A is on Tuesday: presenter Alice."


async def send_team_nudge(served: Served) -> tuple[set[str], set[str]]:
    """Queue the day-before group supervision nudge for Team A's two members and dispatch it;
    returns (the rows' keys, the keys the dispatch counted sent)."""
    day = datetime.now(UTC).date()
    nudges = [
        OutboxItem(
            f"{who}|rota-team|Team A:2026-12-01|2026-12-01", who, "rota-team", None, day, NUDGE
        )
        for who in ("alice", "tm1")
    ]
    await served.read(lambda tx: tx.outbox.enqueue(nudges, day, token=None, now=None))
    report = SweepReport(day)
    await served.server.sweeper.dispatch(day, datetime.now(UTC), report)
    return {n.key for n in nudges}, report.sent_now
