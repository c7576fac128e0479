"""`sva serve slack` killed with SIGKILL at the worst moments, then restarted: every event Slack
got a 200 for is answered, once, and a reply stored but not yet delivered goes out on restart."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from storage.sealing import new_key_entry
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.integration.channels import slack_requests as slack
from tests.serving import free_port, wait_healthy

SVA = str(Path(sys.executable).with_name("sva"))
pytestmark = pytest.mark.slow
QUESTION = "1. This is what is worrying me"


@dataclass
class Deployment:
    config: Path
    database: Path
    url: str
    fake: FakeSlackApi
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    async def start(self, *options: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [SVA, "serve", "slack", *options, "--config", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        await wait_healthy(self.url, process)
        return process


@contextlib.asynccontextmanager
async def deployment(tmp_path: Path) -> AsyncIterator[Deployment]:
    fake = FakeSlackApi()
    await fake.start()
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
        "alice,Alice,social_worker,Team A,,,2020-01-01,yes,slack:U1\n"
        "bob,Bob,social_worker,Team A,,,2020-01-01,yes,slack:U2\n"
    )
    port = free_port()
    config = tmp_path / "sva.toml"
    database = tmp_path / "sva.db"
    config.write_text(
        f'[database]\nurl = "sqlite:///{database}"\n[server]\nport = {port}\n'
        f'[slack]\nbot_token = "{TOKEN}"\nsigning_secret = "{slack.SECRET}"\n'
        f'api_url = "{fake.api_url}"\n[encryption]\nkeys = "{new_key_entry("k1")}"\n'
        # No reminder digests among the replies counted here, whatever the time of day.
        '[reminders]\ncatch_up_until = "00:00"\n'
    )
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "ref,worker_id,case_type,risk,allocated_on\nAB-12,alice,child_protection,standard,2026-01-01\n"
        "AB-13,bob,child_protection,standard,2026-01-01\n"
    )
    subprocess.run([SVA, "db", "init", "--config", str(config)], check=True)
    for kind, path in (("people", people), ("cases", cases)):
        subprocess.run([SVA, "import", kind, str(path), "--config", str(config)], check=True)
    deployed = Deployment(config, database, f"http://127.0.0.1:{port}", fake)
    try:
        yield deployed
    finally:
        for process in deployed.processes:  # a failed assertion must not leave one running
            if process.poll() is None:
                kill(process)
        await fake.stop()


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


async def until_stored(database: Path, query: str, timeout: float = 10) -> None:
    """Wait until `query` (a count) is positive in the SQLite database."""
    for _ in range(int(timeout / 0.05)):
        with contextlib.closing(sqlite3.connect(database)) as db:
            if db.execute(query).fetchone()[0]:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never true: {query}")


async def test_an_event_acknowledged_while_the_database_was_locked_survives_a_kill(
    tmp_path: Path,
) -> None:
    async with deployment(tmp_path) as d, aiohttp.ClientSession() as http:
        process = await d.start()
        blocker = sqlite3.connect(d.database, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
        body = slack.dm_event("prep AB-12")
        sending = asyncio.create_task(slack.post(http, d.url, body))
        done, _ = await asyncio.wait([sending], timeout=1.5)
        acknowledged = bool(done) and sending.result()[0] == 200
        kill(process)
        blocker.execute("ROLLBACK")
        blocker.close()
        with contextlib.suppress(aiohttp.ClientError):
            await sending
        process = await d.start()
        if not acknowledged:  # Slack retries an event it got no 200 for
            assert (await slack.post(http, d.url, body))[0] == 200
        await d.fake.wait_for(lambda calls: QUESTION in d.fake.posted_text("U1"), timeout=60)
        await d.fake.settle(0.5)
        stop(process)
    assert d.fake.posted_text("U1").count(QUESTION) == 1


async def test_a_reply_stored_but_not_yet_delivered_goes_out_after_a_restart(
    tmp_path: Path,
) -> None:
    async with deployment(tmp_path) as d, aiohttp.ClientSession() as http:
        process = await d.start()
        d.fake.held.add("chat.postMessage")  # the kill lands while the reply is being posted
        body = slack.dm_event("prep AB-12")
        assert (await slack.post(http, d.url, body))[0] == 200
        await until_stored(d.database, "SELECT count(*) FROM replies")
        kill(process)
        d.fake.held.clear()
        process = await d.start()
        await d.fake.wait_for(lambda calls: QUESTION in d.fake.posted_text("U1"), timeout=60)
        assert (await slack.post(http, d.url, body))[0] == 200  # a retry of the same event
        assert (await slack.post(http, d.url, slack.dm_event("Missed school")))[0] == 200
        await d.fake.wait_for(lambda calls: "2. " in d.fake.posted_text("U1"), timeout=60)
        await d.fake.settle(0.5)
        stop(process)
    shown = d.fake.posted_text("U1")
    assert shown.count(QUESTION) == 1
    assert shown.index(QUESTION) < shown.index("2. ")  # the answer followed the question


async def test_a_backlog_acknowledged_behind_a_hung_delivery_is_answered_once_in_order(
    tmp_path: Path,
) -> None:
    async with deployment(tmp_path) as d, aiohttp.ClientSession() as http:
        process = await d.start()
        d.fake.held.add("chat.postMessage")  # the first answer hangs in delivery...
        sent = [f"/nothing{n}" for n in range(5)]
        for text in sent:  # ...while the rest are acknowledged behind it
            assert (await slack.post(http, d.url, slack.dm_event(text)))[0] == 200
        await until_stored(d.database, "SELECT count(*) FROM replies")
        await asyncio.sleep(0.3)
        with contextlib.closing(sqlite3.connect(d.database)) as db:
            waiting = "SELECT count(*) FROM inbox WHERE processed_at IS NULL"
            assert db.execute(waiting).fetchone()[0] == 4  # answered the first; its reply hangs
        kill(process)
        d.fake.held.clear()
        process = await d.start()
        await d.fake.wait_for(lambda calls: sent[-1] in d.fake.posted_text("U1"), timeout=60)
        await d.fake.settle(0.5)
        stop(process)
    shown = [m["text"] for m in d.fake.posted("U1")]
    assert [[text in t for text in sent].index(True) for t in shown] == [0, 1, 2, 3, 4]
