"""`sva serve`: the real process, on a free port, with Slack's Web API faked locally."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from storage.sealing import new_key_entry
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.integration.channels import slack_requests as slack
from tests.serving import free_port, wait_healthy

SVA = str(Path(sys.executable).with_name("sva"))
pytestmark = pytest.mark.slow


async def test_serve_slack_answers_a_signed_dm_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    fake = FakeSlackApi()
    await fake.start()
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
        "alice,Alice,social_worker,Team A,,,2020-01-01,yes,slack:U1\n"
    )
    port = free_port()
    config = tmp_path / "sva.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n[server]\nport = {port}\n'
        f'[slack]\nbot_token = "{TOKEN}"\nsigning_secret = "{slack.SECRET}"\n'
        f'api_url = "{fake.api_url}"\n[encryption]\nkeys = "{new_key_entry("k1")}"\n'
        '[reminders]\ncatch_up_until = "00:00"\n'  # no digest for alice, whatever the hour
    )
    cases = tmp_path / "cases.csv"  # /prep is for cases allocated to you (issue 13)
    cases.write_text(
        "ref,worker_id,case_type,risk,allocated_on\nAB-12,alice,child_in_need,standard,2026-01-05\n"
    )
    subprocess.run([SVA, "db", "init", "--config", str(config)], check=True)
    for kind, path in (("people", people), ("cases", cases)):
        subprocess.run([SVA, "import", kind, str(path), "--config", str(config)], check=True)
    process = subprocess.Popen(
        [SVA, "serve", "slack", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_healthy(url, process)
        async with aiohttp.ClientSession() as http:
            status, _ = await slack.post(http, url, slack.dm_event("prep AB-12"))
        assert status == 200
        await fake.wait_for(lambda calls: "worrying me" in fake.posted_text("U1"))
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
        await fake.stop()
    assert process.returncode == 0
    assert out.decode().splitlines()[-1] == "stopped"


def test_serve_refuses_to_store_data_unencrypted_unless_told_it_is_acceptable(
    tmp_path: Path,
) -> None:
    config = tmp_path / "sva.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n')
    result = subprocess.run([SVA, "serve", "--config", str(config)], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("refusing to serve: no data key is configured")
    assert "encryption.allow_unencrypted_storage = true" in result.stderr
    assert not (tmp_path / "sva.db").exists()
    key_file = tmp_path / "keys"
    key_file.write_text(new_key_entry("k1") + "\n")
    key_file.chmod(0o644)
    config.write_text(config.read_text() + f'[encryption]\nkey_file = "{key_file}"\n')
    result = subprocess.run([SVA, "serve", "--config", str(config)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "must be owner-only (chmod 600)" in result.stderr


def test_serving_a_channel_that_is_not_configured_exits_2_and_says_so(tmp_path: Path) -> None:
    config = tmp_path / "sva.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n'
        "[encryption]\nallow_unencrypted_storage = true\n"
    )
    subprocess.run([SVA, "db", "init", "--config", str(config)], check=True)
    result = subprocess.run(
        [SVA, "serve", "slack", "--config", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "[slack] is not configured" in result.stderr


async def test_remind_delivers_through_slack_when_slack_is_configured(tmp_path: Path) -> None:
    fake = FakeSlackApi()
    await fake.start()
    (tmp_path / "people.csv").write_text(
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
        "tm1,Tom,team_manager,Team A,,,2018-01-01,false,slack:U2\n"
        "sw1,Sara,social_worker,Team A,,tm1,2020-01-01,true,slack:U1\n"
    )
    (tmp_path / "sessions.csv").write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status\n"
        "individual,2026-10-26,sw1,tm1,,held\n"
    )
    config = tmp_path / "sva.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n[encryption]\nallow_unencrypted_storage = true\n'
        f'[slack]\nbot_token = "{TOKEN}"\nsigning_secret = "{slack.SECRET}"\n'
        f'api_url = "{fake.api_url}"\n[console]\nreminder_log = "{tmp_path / "log"}"\n'
    )
    subprocess.run([SVA, "db", "init", "--config", str(config)], check=True)
    for kind in ("people", "sessions"):
        subprocess.run(
            [SVA, "import", kind, str(tmp_path / f"{kind}.csv"), "--config", str(config)],
            check=True,
        )
    result = await asyncio.to_thread(
        subprocess.run,
        [SVA, "remind", "--on", "2026-11-23", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
    )
    await fake.stop()
    assert result.returncode == 0, result.stderr
    assert all('"sent": true' in line for line in result.stdout.splitlines())
    assert "Individual supervision with Sara is due by Thu 26 Nov 2026" in fake.posted_text("U2")
    assert fake.posted("U1") and not (tmp_path / "log").exists()  # nothing to the console log


def test_serve_with_a_refused_slack_token_exits_78_with_one_line(tmp_path: Path) -> None:
    async def run() -> subprocess.CompletedProcess[str]:
        fake = FakeSlackApi()
        await fake.start()
        config = tmp_path / "sva.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n[encryption]\nallow_unencrypted_storage = true\n[server]\nport = {free_port()}\n'
            f'[slack]\nbot_token = "xoxb-revoked"\nsigning_secret = "{slack.SECRET}"\n'
            f'api_url = "{fake.api_url}"\n'
        )
        subprocess.run([SVA, "db", "init", "--config", str(config)], check=True)
        try:
            return await asyncio.to_thread(
                subprocess.run,
                [SVA, "serve", "--config", str(config)],
                capture_output=True,
                text=True,
                timeout=60,
            )
        finally:
            await fake.stop()

    result = asyncio.run(run())
    assert result.returncode == 78  # EX_CONFIG: systemd does not restart it
    assert [line for line in result.stderr.splitlines() if "alembic" not in line] == [
        "cannot start: slack: Slack refused slack.bot_token (auth.test: invalid_auth); set the "
        "app's bot token (xoxb-…) from its OAuth page and start again"
    ]


async def test_json_logs_one_line_per_request(tmp_path: Path) -> None:
    fake = FakeSlackApi()
    await fake.start()
    port = free_port()
    config = tmp_path / "sva.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n[encryption]\nallow_unencrypted_storage = true\n[server]\nport = {port}\n'
        f'[log]\nformat = "json"\n[slack]\nbot_token = "{TOKEN}"\n'
        f'signing_secret = "{slack.SECRET}"\napi_url = "{fake.api_url}"\n'
    )
    subprocess.run([SVA, "db", "init", "--config", str(config)], check=True)
    process = subprocess.Popen(
        [SVA, "serve", "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        await wait_healthy(f"http://127.0.0.1:{port}", process)
        async with aiohttp.ClientSession() as http:
            await slack.post(http, f"http://127.0.0.1:{port}", slack.dm_event("hello there"))
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        await fake.stop()
    lines = [json.loads(line) for line in err.decode().splitlines()]
    requests = [line["http"] for line in lines if line["logger"] == "sva.requests"]
    assert requests[-1]["route"] == "/slack/events" and requests[-1]["channel"] == "slack"
    assert {r["route"] for r in requests} == {"/healthz", "/slack/events"}
    assert "hello there" not in err.decode()


def test_a_port_in_use_or_a_wrong_address_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """A busy port exits 75 (try again later: the instance being replaced may still hold
    it); an address this machine does not have exits 2 (fix the configuration)."""
    config = tmp_path / "sva.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n'
        "[encryption]\nallow_unencrypted_storage = true\n"
    )
    subprocess.run([SVA, "db", "init", "--config", str(config)], check=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [SVA, "serve", "--host", "127.0.0.1", "--port", str(port), "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert busy.returncode == 75, busy.stderr
    assert "Traceback" not in busy.stderr
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in busy.stderr
    wrong = subprocess.run(
        [SVA, "serve", "--host", "192.0.2.1", "--port", "0", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode == 2, wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert "cannot listen on 192.0.2.1:0: Cannot assign requested address" in wrong.stderr
