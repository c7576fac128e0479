"""Readiness tells the truth: each channel's credentials are checked at start (Slack
auth.test, Telegram getMe, a Teams token), refused credentials stop the start with one line,
and a service that cannot be reached leaves its channel unready until it answers."""

from __future__ import annotations

import aiohttp
import pytest

from bot.channels.slack.channel import SlackChannel
from bot.channels.teams.channel import TeamsChannel
from bot.channels.telegram.channel import TelegramChannel
from bot.config import Config
from bot.errors import ChannelUnavailable
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.fakes.teams_connector import APP_ID, RefusedTokenConnections
from tests.fakes.telegram_api import FakeTelegramApi
from tests.integration.channels import slack_requests as slack
from tests.integration.channels.conftest import Served, Serving, running, serve
from tests.serving import free_port


async def refused(database: str, settings: dict[str, object], build: object) -> str:
    config = Config.model_validate({"database": {"url": database}, **settings})
    with pytest.raises(ChannelUnavailable) as caught:
        await serve(config, build)  # type: ignore[arg-type]
    assert caught.value.refused
    return str(caught.value)


async def test_a_refused_slack_token_stops_the_start_with_one_line(database: str) -> None:
    async with running(FakeSlackApi()) as fake:
        settings = {"slack": {"bot_token": "xoxb-wrong", "signing_secret": slack.SECRET,
                              "api_url": fake.api_url}}  # fmt: skip
        message = await refused(
            database, settings, lambda c, g: {"slack": SlackChannel(c.slack, g)}
        )
        assert fake.named("auth.test")
    assert message.startswith("slack: Slack refused slack.bot_token (auth.test: invalid_auth)")
    assert "\n" not in message and "xoxb-wrong" not in message


async def test_a_refused_telegram_token_stops_the_start_with_one_line(database: str) -> None:
    async with running(FakeTelegramApi()) as fake:
        settings = {"telegram": {"token": "999:wrong", "webhook_secret": "s",
                                 "api_url": fake.api_url}}  # fmt: skip
        message = await refused(
            database, settings, lambda c, g: {"telegram": TelegramChannel(c.telegram, g)}
        )
        assert fake.named("getMe")
    assert message.startswith("telegram: Telegram refused telegram.token (getMe")
    assert "\n" not in message and "999:wrong" not in message


async def test_a_refused_teams_secret_stops_the_start_with_one_line(database: str) -> None:
    settings = {"teams": {"app_id": APP_ID, "tenant_id": "t1", "client_secret": "wrong"}}
    message = await refused(
        database,
        settings,
        lambda c, g: {"teams": TeamsChannel(c.teams, g, RefusedTokenConnections)},
    )
    assert message.startswith("teams: Entra ID refused teams.app_id/teams.client_secret")
    assert "\n" not in message and "wrong" not in message.split("refused", 1)[1][:0]


async def test_an_unreachable_slack_is_unready_until_it_answers(
    serving: Serving, http: aiohttp.ClientSession
) -> None:
    port = free_port()  # nothing listens there yet
    served = await serving(
        {"slack": {"bot_token": TOKEN, "signing_secret": slack.SECRET,
                   "api_url": f"http://127.0.0.1:{port}/api/"}},
        lambda c, g: {"slack": SlackChannel(c.slack, g)},
    )  # fmt: skip
    served.server.retry_seconds = 0.2
    assert await status(http, served, "/livez") == (200, {"live": True})
    code, body = await status(http, served, "/readyz")
    assert code == 503 and body["database"] == "ready"
    assert body["channels"]["slack"].startswith("slack: Slack's API (http://127.0.0.1:")
    events, _ = await slack.post(http, served.url, slack.dm_event("help"))
    assert events == 503  # nothing is taken that could not be answered
    fake = FakeSlackApi()
    await fake.start(port)
    try:
        for _ in range(100):
            code, body = await status(http, served, "/readyz")
            if code == 200:
                break
            await __import__("asyncio").sleep(0.05)
        assert (code, body["channels"]) == (200, {"slack": "ready"})
    finally:
        await fake.stop()


async def status(
    http: aiohttp.ClientSession, served: Served, path: str
) -> tuple[int, dict[str, object]]:
    async with http.get(served.url + path) as response:
        return response.status, await response.json()
