"""Issue 16: a burst of Slack events right after start does not each ask Slack who we are.

Bolt's single-workspace authorization calls auth.test until it has an answer; the channel
already asked at start, so without that answer every event of the first burst (up to one
per open connection) made its own auth.test call, each on a new connection, before it could
be acknowledged: the slowest acknowledgements of the load benchmark.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.channels.slack.channel import SlackChannel
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.integration.channels import slack_requests as slack
from tests.integration.channels.conftest import Served, Serving, running


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    async with running(FakeSlackApi()) as api:
        yield api


@pytest.fixture
async def served(fake: FakeSlackApi, serving: Serving) -> Served:
    return await serving(
        {"slack": {"bot_token": TOKEN, "signing_secret": slack.SECRET, "api_url": fake.api_url}},
        lambda c, gateway: {"slack": SlackChannel(c.slack, gateway)},
    )


async def test_a_burst_of_events_after_start_reuses_the_start_s_auth_test(
    served: Served, fake: FakeSlackApi
) -> None:
    assert len(fake.named("auth.test")) == 1  # the token checked at start
    # Button clicks go through Bolt's middleware (direct messages no longer do).
    bodies = [slack.button("hello", user=f"U{n}") for n in range(30)]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=30)) as http:
        answers = await asyncio.gather(*(slack.post(http, served.url, b) for b in bodies))
    assert {status for status, _ in answers} == {200}
    assert len(fake.named("auth.test")) == 1
