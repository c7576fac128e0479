"""The acknowledgement floor does the least a durable ack must: checks the signature, keeps the
event once, answers."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from benchmarks.ack_floor import floor_app, sqlite_insert
from tests.integration.channels import slack_requests as slack
from tests.serving import free_port


@pytest.fixture
async def floor(tmp_path: Path) -> AsyncIterator[str]:
    runner = web.AppRunner(floor_app(slack.SECRET, sqlite_insert(str(tmp_path / "f.db"), "full")))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def kept(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "f.db") as db:
        return [row[0] for row in db.execute("SELECT event_id FROM floor_inbox")]


async def test_a_signed_event_is_kept_once_and_a_forged_one_refused(
    floor: str, tmp_path: Path
) -> None:
    body = slack.dm_event("prep AB-1", user="U1", event_id="Ev1")
    async with aiohttp.ClientSession() as http:
        assert (await slack.post(http, floor, body))[0] == 200
        assert (await slack.post(http, floor, body, headers={"X-Slack-Retry-Num": "1"}))[0] == 200
        forged = {"X-Slack-Signature": "v0=" + "0" * 64}
        other = slack.dm_event("prep AB-2", user="U2", event_id="Ev2")
        assert (await slack.post(http, floor, other, headers=forged))[0] == 401
    assert kept(tmp_path) == ["Ev1"]
