"""The dashboard served on loopback over the hand-worked fixture team (SQLite and PostgreSQL),
with a fixed clock: 30 November 2026, noon UTC."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.assistant.dashboard_links import DashboardLinks, Signer
from bot.bootstrap import pack_assignment
from bot.config import Config, RemindersConfig, TeamConfig, WebConfig
from bot.web.audit import TrailAuditor
from bot.web.dashboard import dashboard_routes
from storage.sql import SqlStore
from tests import oversight_fixture as fx
from tests.serving import free_port

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@dataclass
class Dashboard:
    url: str
    links: DashboardLinks
    auditor: TrailAuditor
    store: SqlStore

    def link(self, person_id: str, *, minutes_ago: int = 0) -> str:
        """A chat sign-in link as /dashboard would send it (optionally issued earlier)."""
        return self.links.link(person_id, NOW - timedelta(minutes=minutes_ago))


@pytest.fixture
async def dashboard(sql_store: SqlStore) -> AsyncIterator[Dashboard]:
    async with serving(sql_store) as served:
        yield served


@contextlib.asynccontextmanager
async def serving(
    sql_store: SqlStore, go_live: date | None = None, **web_settings: Any
) -> AsyncIterator[Dashboard]:
    """The dashboard over the seeded fixture team; `web_settings` are extra [web] keys;
    `go_live` is `[reminders] go_live`."""
    await fx.seed(sql_store)
    port = free_port()
    config = Config(
        team={
            fx.TEAM: TeamConfig(policy="manchester"),
            fx.OTHER_TEAM: TeamConfig(policy="manchester"),
        },
        web=WebConfig(secret="test secret", base_url=f"http://localhost:{port}", **web_settings),
        reminders=RemindersConfig(go_live=go_live),
    )
    links = DashboardLinks(
        signer=Signer(b"test secret"),
        base_url=f"http://localhost:{port}",
        link_ttl=timedelta(minutes=10),
        session_ttl=timedelta(hours=8),
    )
    auditor = TrailAuditor()
    app = web.Application()
    app.add_routes(
        dashboard_routes(
            config=config,
            store=sql_store,
            policies=pack_assignment(config),
            links=links,
            auditor=auditor,
            clock=lambda: NOW,
        )
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "localhost", port).start()
    try:
        yield Dashboard(f"http://localhost:{port}", links, auditor, sql_store)
    finally:
        await runner.cleanup()
