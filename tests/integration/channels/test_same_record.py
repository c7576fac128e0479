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

from bot.channels.console import ConsoleChannel
from bot.channels.slack.channel import SlackChannel
from bot.channels.teams.channel import TeamsChannel
from bot.channels.telegram.channel import TelegramChannel
from tests.fakes.slack_api import TOKEN as SLACK_TOKEN
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.teams_connector import APP_ID, FakeConnector, FixedTokenConnections
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegramApi
from tests.integration.channels import slack_requests as slack
from tests.integration.channels import test_slack
from tests.integration.channels import test_teams as teams
from tests.integration.channels import test_telegram as telegram
from tests.integration.channels.conftest import Served, Serving, running

SCRIPT = ["prep AB-12 adhoc", "Missed school for two weeks", "Grandmother visits daily",
          "Refer to early help", "skip", "no", "Review on the 4th", "She wants to stay with gran",
          "skip", "skip"]  # fmt: skip
EXPECTED = (
    "AB-12",
    "adhoc",
    {"worrying": "Missed school for two weeks", "working_well": "Grandmother visits daily",
     "decided": "Refer to early help", "support": None, "hold": "no",
     "key_dates": "Review on the 4th", "child_thinks": "She wants to stay with gran",
     "child_wants": None, "not_what_child_wants": None},
    True,
)  # fmt: skip
Driver = Callable[[Serving, aiohttp.ClientSession], Awaitable[Served]]


async def by_console(serving: Serving, http: aiohttp.ClientSession) -> Served:
    s = await serving({}, lambda c, g: {})
    lines = ["/" + SCRIPT[0], *SCRIPT[1:], "confirm"]
    stdout = io.StringIO()
    console = ConsoleChannel(assistant=s.app.assistant, person_id="alice", as_json=True,
                             stdin=io.BytesIO("\n".join(lines).encode() + b"\n"), stdout=stdout)  # fmt: skip
    await console.run()
    assert "Saved your preparation" in json.loads(stdout.getvalue().splitlines()[-1])["text"]
    return s


async def by_slack(serving: Serving, http: aiohttp.ClientSession) -> Served:
    async with running(FakeSlackApi()) as fake:
        s = await serving({"slack": {"bot_token": SLACK_TOKEN, "signing_secret": slack.SECRET,
                                     "api_url": fake.api_url}},
                          lambda c, g: {"slack": SlackChannel(c.slack, g)})  # fmt: skip
        for line in SCRIPT:
            await test_slack.dm(http, s, fake, line)
        confirm = fake.posted("U1")[-1]["blocks"][-1]["elements"][0]
        await slack.post(http, s.url, slack.button(confirm["value"], confirm["action_id"]))
        await fake.wait_for(lambda calls: "Saved your preparation" in fake.posted_text("U1"))
    return s


async def by_telegram(serving: Serving, http: aiohttp.ClientSession) -> Served:
    async with running(FakeTelegramApi()) as fake:
        s = await serving({"telegram": {"token": TELEGRAM_TOKEN, "api_url": fake.api_url,
                                        "webhook_secret": telegram.SECRET}},
                          lambda c, g: {"telegram": TelegramChannel(c.telegram, g)})  # fmt: skip
        for line in ["/" + SCRIPT[0], *SCRIPT[1:]]:
            last = await telegram.say(http, s, fake, telegram.text_update(line))
        data = last["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await telegram.say(http, s, fake, telegram.button_update(data))
    return s


async def by_teams(serving: Serving, http: aiohttp.ClientSession) -> Served:
    async with running(FakeConnector()) as connector:
        s = await serving({"teams": {"app_id": APP_ID, "signing_keys_url": connector.url + "/keys", "service_hosts": ["127.0.0.1"]}},
                          lambda c, g: {"teams": TeamsChannel(c.teams, g, FixedTokenConnections)})  # fmt: skip
        for line in SCRIPT:
            replies = await teams.say(http, s, connector, text=line)
        confirm = replies[-1]["attachments"][0]["content"]["actions"][0]["data"]
        await teams.say(http, s, connector, value=confirm)
    return s


@pytest.mark.parametrize("drive", [by_console, by_slack, by_teams, by_telegram],
                         ids=["console", "slack", "teams", "telegram"])  # fmt: skip
async def test_the_same_preparation_is_stored_whichever_channel_it_came_through(
    drive: Driver, serving: Serving, http: aiohttp.ClientSession
) -> None:
    served = await drive(serving, http)

    notes: list[Any] = await served.read(lambda tx: tx.latest_prep_notes("alice"))
    assert [(n.case_ref, n.variant, dict(n.answers), n.needs_ad_hoc) for n in notes] == [EXPECTED]
