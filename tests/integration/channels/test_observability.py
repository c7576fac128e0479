"""Operators see one log line per handled request (nothing anyone typed) and Prometheus
metrics: turns, acknowledgements, errors and refusals per channel, and the outbox depth."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.channels.slack.channel import SlackChannel
from storage.records import OutboxItem
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.integration.channels import slack_requests as slack
from tests.integration.channels.conftest import Served, Serving, running

PRIVATE = "Missed school for two weeks"


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


async def metrics(http: aiohttp.ClientSession, served: Served) -> dict[str, float]:
    async with http.get(served.url + "/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        text = await response.text()
    return {
        f"{s.name}{dict(sorted(s.labels.items())) or ''}": s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_turns_acks_refusals_and_outbox_depth_are_counted_per_channel(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    for text in ("prep AB-12", PRIVATE):
        assert (await slack.post(http, served.url, slack.dm_event(text)))[0] == 200
        await fake.wait_for(lambda calls: len(fake.posted("U1")) >= 1)
    await fake.settle(0.2)
    body = slack.dm_event("x")
    wrong = slack.signed_headers(body, secret="wrong")
    bad, _ = await slack.post(http, served.url, body, headers=wrong)
    assert bad == 401
    day = date(2026, 11, 23)
    item = OutboxItem("alice|individual|2026-11-30", "alice", "individual", None, day, "due")
    await served.read(lambda tx: tx.outbox.enqueue([item], day, token=None, now=None))
    seen = await metrics(http, served)
    assert seen["sva_turns_total{'channel': 'slack'}"] == 2
    assert seen["sva_acks_total{'channel': 'slack'}"] == 2
    assert seen["sva_refused_total{'channel': 'slack'}"] == 1
    assert seen.get("sva_errors_total{'channel': 'slack'}", 0) == 0
    assert seen["sva_outbox_depth"] == 1
    assert seen["sva_channel_ready{'channel': 'slack'}"] == 1
    assert "sva_sweep_seconds_count" in seen


async def test_one_log_line_per_request_and_nothing_anyone_typed(
    served: Served,
    fake: FakeSlackApi,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    assert (await slack.post(http, served.url, slack.dm_event(f"prep {PRIVATE}")))[0] == 200
    await fake.wait_for(lambda calls: len(fake.posted("U1")) >= 1)
    await fake.settle(0.2)
    async with http.get(served.url + "/readyz"):
        pass
    lines = [r for r in caplog.records if r.name == "sva.requests"]
    assert [r.getMessage().split(" ")[:3] for r in lines] == [
        ["POST", "/slack/events", "200"],
        ["GET", "/readyz", "200"],
    ]
    assert lines[0].getMessage().endswith("channel=slack")
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert PRIVATE not in everything and "U1" not in everything
