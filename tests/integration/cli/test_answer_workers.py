"""`sva serve slack --workers N`: the server acknowledges, worker processes answer. Every
acknowledged event is answered once and in order, a worker killed mid-delivery is started
again and its work is not lost, and workers leave with their server, even a killed one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

from benchmarks.faults.serve import answer_workers
from tests.fakes.slack_api import APP_TOKEN
from tests.integration.channels import slack_requests as slack
from tests.integration.cli.test_crash_recovery import (
    QUESTION,
    deployment,
    kill,
    stop,
    until_stored,
)

pytestmark = pytest.mark.slow


def workers_of(server: subprocess.Popen[bytes]) -> set[int]:
    return set(answer_workers(server.pid))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie (exited, not yet reaped) is not alive
        if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
            return False
    return True


async def until(condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("never true")
        await asyncio.sleep(0.05)


async def turns_counted(http: aiohttp.ClientSession, url: str) -> float:
    async with http.get(f"{url}/metrics") as response:
        text = await response.text()
    lines = [
        line for line in text.splitlines() if line.startswith('sva_turns_total{channel="slack"}')
    ]
    return float(lines[0].split()[-1]) if lines else 0.0


async def test_two_workers_answer_what_the_server_acknowledged_once_and_in_order(
    tmp_path: Path,
) -> None:
    async with deployment(tmp_path) as d, aiohttp.ClientSession() as http:
        server = await d.start("--workers", "2")
        assert len(workers_of(server)) == 2
        for user, case in (("U1", "AB-12"), ("U2", "AB-13")):
            assert (await slack.post(http, d.url, slack.dm_event(f"prep {case}", user=user)))[
                0
            ] == 200
            assert (await slack.post(http, d.url, slack.dm_event("Missed school", user=user)))[
                0
            ] == 200
        for user in ("U1", "U2"):
            await d.fake.wait_for(lambda calls, u=user: "2. " in d.fake.posted_text(u), timeout=60)
        await d.fake.settle(0.5)
        counted = await turns_counted(http, d.url)
        stop(server)
        assert server.returncode == 0
    for user in ("U1", "U2"):
        shown = d.fake.posted_text(user)
        assert shown.count(QUESTION) == 1
        assert shown.index(QUESTION) < shown.index("2. ")
    assert counted == 4  # the server's /metrics counts the answers its workers reported


async def test_a_worker_killed_while_delivering_is_started_again_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    async with deployment(tmp_path) as d, aiohttp.ClientSession() as http:
        server = await d.start("--workers", "1")
        (first,) = workers_of(server)
        d.fake.held.add("chat.postMessage")  # the kill lands while the reply is being posted
        assert (await slack.post(http, d.url, slack.dm_event("prep AB-12")))[0] == 200
        # The worker, not the server, claimed the reply to deliver it.
        await until_stored(
            d.database, "SELECT count(*) FROM replies WHERE claimed_by LIKE '%/w0/%'"
        )
        os.kill(first, signal.SIGKILL)
        d.fake.held.clear()
        await until(lambda: workers_of(server) - {first})  # started again, in a second or so
        await d.fake.wait_for(lambda calls: QUESTION in d.fake.posted_text("U1"), timeout=60)
        assert (await slack.post(http, d.url, slack.dm_event("Missed school")))[0] == 200
        await d.fake.wait_for(lambda calls: "2. " in d.fake.posted_text("U1"), timeout=60)
        await d.fake.settle(0.5)
        stop(server)
    shown = d.fake.posted_text("U1")
    assert shown.count(QUESTION) == 1
    assert shown.index(QUESTION) < shown.index("2. ")


async def test_workers_leave_with_their_server_even_when_it_is_killed(tmp_path: Path) -> None:
    async with deployment(tmp_path) as d:
        server = await d.start("--workers", "2")
        workers = workers_of(server)
        kill(server)
        await until(lambda: not any(alive(pid) for pid in workers))
        # A new server starts its own workers on the same database.
        server = await d.start("--workers", "1")
        assert len(workers_of(server)) == 1
        stop(server)
        assert server.returncode == 0


async def test_a_worker_killed_with_conversations_it_had_not_read_yet_is_replaced_and_they_are_answered(
    tmp_path: Path,
) -> None:
    async with deployment(tmp_path) as d, aiohttp.ClientSession() as http:
        server = await d.start("--workers", "1")
        (first,) = workers_of(server)
        os.kill(first, signal.SIGSTOP)  # it reads nothing more: the wake-up waits in its socket
        assert (await slack.post(http, d.url, slack.dm_event("prep AB-12")))[0] == 200
        await asyncio.sleep(0.3)
        os.kill(first, signal.SIGKILL)  # the server's next read is a reset, not an end of file
        await until(lambda: workers_of(server) - {first})
        await d.fake.wait_for(lambda calls: QUESTION in d.fake.posted_text("U1"), timeout=60)
        await d.fake.settle(0.5)
        stop(server)
        assert server.returncode == 0
    assert d.fake.posted_text("U1").count(QUESTION) == 1


async def test_a_killed_server_restarted_at_once_does_not_deliver_its_old_workers_reply_again(
    tmp_path: Path,
) -> None:
    async with deployment(tmp_path) as d, aiohttp.ClientSession() as http:
        server = await d.start("--workers", "1")
        d.fake.slow["chat.postMessage"] = 4.0  # the old worker is still posting when...
        assert (await slack.post(http, d.url, slack.dm_event("prep AB-12")))[0] == 200
        await until_stored(d.database, "SELECT count(*) FROM replies WHERE claimed_by IS NOT NULL")
        kill(server)  # ...its server is killed and started again straight away
        server = await d.start("--workers", "1")
        d.fake.slow.clear()
        await d.fake.wait_for(lambda calls: QUESTION in d.fake.posted_text("U1"), timeout=60)
        await d.fake.settle(2.0)
        stop(server)
    assert d.fake.posted_text("U1").count(QUESTION) == 1


async def test_socket_mode_with_a_worker_needs_no_signing_secret(tmp_path: Path) -> None:
    async with deployment(tmp_path) as d:
        text = d.config.read_text().replace(
            'signing_secret = "', f'app_token = "{APP_TOKEN}"\n# signing_secret = "'
        )
        d.config.write_text(text)
        server = await d.start("--socket-mode", "--workers", "1")
        await d.fake.wait_for(lambda calls: bool(d.fake.sockets))
        await d.fake.push("env-1", "events_api", json.loads(slack.dm_event("prep AB-12")))
        await d.fake.wait_for(lambda calls: QUESTION in d.fake.posted_text("U1"), timeout=60)
        assert {"envelope_id": "env-1"} in d.fake.acks
        stop(server)
        assert server.returncode == 0
