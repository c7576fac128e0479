"""Every dialog runs unchanged on each channel: one scripted preparation, typed and confirmed
with each channel's own button, leaves the same stored record on console, Slack, Teams and
Telegram."""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from bot.config import Config
from bot.console import ConsoleChannel
from bot.slack.channel import SlackChannel
from bot.teams.channel import TeamsChannel
from bot.telegram.channel import TelegramChannel
from tests.fakes.slack_api import TOKEN as SLACK_TOKEN
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.teams_connector import APP_ID, FakeConnector, FixedTokenConnections
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegramApi
from tests.integration.channels import slack_requests as slack
from tests.integration.channels import test_teams as teams
from tests.integration.channels import test_telegram as telegram
from tests.integration.channels.conftest import Served, serve

SCRIPT = ["prep AB-12 adhoc", "Missed school for two weeks", "Grandmother visits daily",
          "Refer to early help", "no", "She wants to stay with gran", "skip"]  # fmt: skip
EXPECTED = (
    "AB-12",
    "adhoc",
    {"worrying": "Missed school for two weeks", "working_well": "Grandmother visits daily",
     "decided": "Refer to early help", "hold": "no",
     "child_thinks": "She wants to stay with gran", "child_wants": None},
    True,
)  # fmt: skip
Driver = Callable[[str, list[Served]], Awaitable[Served]]


async def by_console(database: str, started: list[Served]) -> Served:
    s = await serve(Config.model_validate({"database": {"url": database}}), lambda c, g: {})
    started.append(s)
    lines = ["/" + SCRIPT[0], *SCRIPT[1:], "confirm"]
    stdout = io.StringIO()
    console = ConsoleChannel(assistant=s.app.assistant, person_id="alice", as_json=True,
                             stdin=io.BytesIO("\n".join(lines).encode() + b"\n"), stdout=stdout)  # fmt: skip
    await console.run()
    assert "Saved your preparation" in json.loads(stdout.getvalue().splitlines()[-1])["text"]
    return s


async def by_slack(database: str, started: list[Served]) -> Served:
    fake = FakeSlackApi()
    await fake.start()
    config = Config.model_validate({"database": {"url": database}, "slack": {
        "bot_token": SLACK_TOKEN, "signing_secret": slack.SECRET, "api_url": fake.api_url}})  # fmt: skip
    s = await serve(config, lambda c, g: {"slack": SlackChannel(c.slack, g)})
    started.append(s)
    async with aiohttp.ClientSession() as http:
        for line in SCRIPT:
            before = len(fake.posted("U1"))
            await slack.post(http, s.url, slack.dm_event(line))
            await fake.wait_for(lambda calls, n=before: len(fake.posted("U1")) > n)
            await fake.settle(0.1)
        confirm = fake.posted("U1")[-1]["blocks"][-1]["elements"][0]
        await slack.post(http, s.url, slack.button(confirm["value"], confirm["action_id"]))
        await fake.wait_for(lambda calls: "Saved your preparation" in fake.posted_text("U1"))
    await fake.stop()
    return s


async def by_telegram(database: str, started: list[Served]) -> Served:
    fake = FakeTelegramApi()
    await fake.start()
    config = Config.model_validate({"database": {"url": database}, "telegram": {
        "token": TELEGRAM_TOKEN, "webhook_secret": telegram.SECRET, "api_url": fake.api_url}})  # fmt: skip
    s = await serve(config, lambda c, g: {"telegram": TelegramChannel(c.telegram, g)})
    started.append(s)
    async with aiohttp.ClientSession() as http:
        for line in ["/" + SCRIPT[0], *SCRIPT[1:]]:
            last = await telegram.say(http, s, fake, telegram.text_update(line))
        data = last["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await telegram.say(http, s, fake, telegram.button_update(data))
    await fake.stop()
    return s


async def by_teams(database: str, started: list[Served]) -> Served:
    connector = FakeConnector()
    await connector.start()
    config = Config.model_validate({"database": {"url": database}, "teams": {
        "app_id": APP_ID, "signing_keys_url": connector.url + "/keys"}})  # fmt: skip
    s = await serve(config, lambda c, g: {"teams": TeamsChannel(c.teams, g, FixedTokenConnections)})
    started.append(s)
    async with aiohttp.ClientSession() as http:
        for line in SCRIPT:
            replies = await teams.say(http, s, connector, text=line)
        confirm = replies[-1]["attachments"][0]["content"]["actions"][0]["data"]
        await teams.say(http, s, connector, value=confirm)
    await connector.stop()
    return s


@pytest.mark.parametrize("drive", [by_console, by_slack, by_teams, by_telegram],
                         ids=["console", "slack", "teams", "telegram"])  # fmt: skip
async def test_the_same_preparation_is_stored_whichever_channel_it_came_through(
    drive: Driver, database: str, started: list[Served]
) -> None:
    served = await drive(database, started)

    notes: list[Any] = await served.read(lambda tx: tx.latest_prep_notes("alice"))
    assert [(n.case_ref, n.variant, dict(n.answers), n.needs_ad_hoc) for n in notes] == [EXPECTED]
