"""The three chat services as the fault suite drives them: their local fakes (tests/fakes), how
an event for person p is sent to `sva serve`, and which tokens came back to whom.

Every message person p sends is `/kPxS` (S counting from 0): an unknown command, which the
assistant answers by naming it ("I don't know the command /kPxS"), so each reply says which
event it answers, in which order, and how often. A message over the inbox's bounds is answered
with a slow-down that quotes it: answered, not lost, and counted apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.fakes.http_fake import Call, RecordingServer
from tests.fakes.slack_api import TOKEN as SLACK_TOKEN
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.teams_connector import APP_ID, FakeConnector
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegramApi
from tests.integration.channels import slack_requests

TOKEN_IN_REPLY = re.compile(r"/k(\d+)x(\d+)\b")
SLOWED = "faster than I can answer"  # bot.assistant.inbox.slow_down
TELEGRAM_SECRET = "fault-suite-secret"
Send = Callable[[aiohttp.ClientSession, str, int, int], Awaitable[int]]
# A recorded call of the fake → (person, text shown), or None for calls that are not replies.
Parse = Callable[[Call], tuple[int, str] | None]


class Shown:
    """Per person, the events named by the replies the fake received, in delivery order, each
    with whether it was a slow-down; read incrementally (the fake's calls only grow)."""

    def __init__(self, fake: RecordingServer, parse: Parse) -> None:
        self._fake = fake
        self._parse = parse
        self._read = 0
        self.shown: dict[int, list[tuple[int, bool]]] = {}
        self.answered: dict[int, set[int]] = {}

    def __call__(self) -> Shown:
        calls = self._fake.calls
        for call in calls[self._read :]:
            found = self._parse(call)
            if found is None:
                continue
            person, text = found
            for p, s in TOKEN_IN_REPLY.findall(text):
                if int(p) == person:
                    self.shown.setdefault(person, []).append((int(s), SLOWED in text))
                    self.answered.setdefault(person, set()).add(int(s))
        self._read = len(calls)
        return self


@dataclass
class Service:
    """One chat service: its fake, its configuration section, and how to talk to `sva serve`."""

    name: str
    fake: RecordingServer
    config: Callable[[], str]
    chat_id: Callable[[int], str]
    send: Send
    replies: Shown


def slack() -> Service:
    fake = FakeSlackApi()

    def config() -> str:
        return (
            f'[slack]\nbot_token = "{SLACK_TOKEN}"\nsigning_secret = "{slack_requests.SECRET}"\n'
            f'api_url = "{fake.api_url}"\n'
        )

    async def send(http: aiohttp.ClientSession, url: str, person: int, seq: int) -> int:
        body = slack_requests.dm_event(f"/k{person}x{seq}", user=f"U{person}",
                                       event_id=f"Ev{person}x{seq}")  # fmt: skip
        status, _ = await slack_requests.post(http, url, body)
        return status

    def parse(call: Call) -> tuple[int, str] | None:
        if call.method != "chat.postMessage":
            return None
        return int(str(call.body.get("channel", "U-1"))[1:]), str(call.body.get("text", ""))

    return Service("slack", fake, config, lambda p: f"slack:U{p}", send, Shown(fake, parse))


def telegram() -> Service:
    fake = FakeTelegramApi()

    def config() -> str:
        return (
            f'[telegram]\ntoken = "{TELEGRAM_TOKEN}"\nwebhook_secret = "{TELEGRAM_SECRET}"\n'
            f'api_url = "{fake.api_url}"\n'
        )

    async def send(http: aiohttp.ClientSession, url: str, person: int, seq: int) -> int:
        user = {"id": 1000 + person, "is_bot": False, "first_name": f"P{person}"}
        text = f"/k{person}x{seq}"
        update = {"update_id": person * 1_000_000 + seq, "message": {
            "message_id": seq + 1, "date": 1_700_000_000, "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
            "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
            "from": user}}  # fmt: skip
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        async with http.post(f"{url}/telegram/webhook", json=update, headers=headers) as r:
            return r.status

    def parse(call: Call) -> tuple[int, str] | None:
        if call.method != "sendMessage":
            return None
        return int(call.body.get("chat_id", 999)) - 1000, str(call.body.get("text", ""))

    return Service(
        "telegram", fake, config, lambda p: f"telegram:{1000 + p}", send, Shown(fake, parse)
    )


def teams() -> Service:
    fake = FakeConnector()

    def config() -> str:
        # Anonymous: the suite is about durability, not tokens (those have their own tests).
        return '[teams]\nauth = "anonymous"\nservice_hosts = ["127.0.0.1"]\n'

    async def send(http: aiohttp.ClientSession, url: str, person: int, seq: int) -> int:
        user = {"id": f"29:p{person}", "name": f"P{person}", "aadObjectId": f"aad-{person}"}
        activity: dict[str, Any] = {
            "type": "message", "id": f"act-{person}-{seq}", "text": f"/k{person}x{seq}",
            "serviceUrl": fake.url + "/", "channelId": "msteams", "from": user,
            "conversation": {"conversationType": "personal", "id": f"a:conv-{person}"},
            "recipient": {"id": f"28:{APP_ID}", "name": "Supervision Assistant"},
            "channelData": {"tenant": {"id": "tenant-1"}},
        }  # fmt: skip
        async with http.post(f"{url}/api/messages", data=json.dumps(activity),
                             headers={"Content-Type": "application/json"}) as r:  # fmt: skip
            return r.status

    def parse(call: Call) -> tuple[int, str] | None:
        match = re.search(r"/conversations/a:conv-(\d+)/", call.path)
        if call.method != "activity" or match is None:
            return None
        return int(match.group(1)), str(call.body.get("text", ""))

    return Service("teams", fake, config, lambda p: f"teams:aad-{p}", send, Shown(fake, parse))


SERVICES = {"slack": slack, "telegram": telegram, "teams": teams}
