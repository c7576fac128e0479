"""The Telegram channel end to end: the real python-telegram-bot Application fed through the
webhook with real update JSON, its Bot talking to a local fake of the Bot API."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.channels.telegram.channel import SECRET_HEADER, TelegramChannel
from dialogs.messages import Outbound
from tests.fakes.telegram_api import BOT, TOKEN, FakeTelegramApi
from tests.integration.channels.conftest import Served, Serving, running

SECRET = "webhook-secret-0123"
ALICE = {"id": 1001, "is_bot": False, "first_name": "Alice"}
_ids = itertools.count(1)


def text_update(
    text: str, user: dict[str, Any] = ALICE, update_id: int | None = None
) -> dict[str, Any]:
    n = next(_ids)
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if text.startswith("/")
        else []
    )
    return {"update_id": update_id or 10_000 + n, "message": {
        "message_id": n, "date": int(time.time()), "text": text, "entities": entities,
        "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]}, "from": user,
    }}  # fmt: skip


def button_update(data: str, user: dict[str, Any] = ALICE) -> dict[str, Any]:
    n = next(_ids)
    return {"update_id": 20_000 + n, "callback_query": {
        "id": f"cbq{n}", "from": user, "chat_instance": "ci", "data": data,
        "message": {"message_id": n, "date": int(time.time()), "text": "Your case preparation",
                    "chat": {"id": user["id"], "type": "private"}, "from": BOT},
    }}  # fmt: skip


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramApi]:
    async with running(FakeTelegramApi()) as api:
        yield api


@pytest.fixture
async def served(fake: FakeTelegramApi, serving: Serving) -> Served:
    return await serving(
        {"telegram": {"token": TOKEN, "webhook_secret": SECRET, "api_url": fake.api_url}},
        lambda c, gateway: {"telegram": TelegramChannel(c.telegram, gateway)},
    )


async def deliver(
    http: aiohttp.ClientSession, served: Served, update: dict[str, Any], secret: str | None = SECRET
) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with http.post(f"{served.url}/telegram/webhook", json=update, headers=headers) as r:
        return r.status


async def say(
    http: aiohttp.ClientSession, served: Served, fake: FakeTelegramApi, update: dict[str, Any]
) -> dict[str, Any]:
    """Deliver an update and wait for the answer; returns the last message sent."""
    before = len(fake.named("sendMessage"))
    assert await deliver(http, served, update) == 200
    await fake.wait_for(lambda calls: len(fake.named("sendMessage")) > before)
    await fake.settle(0.15)
    return fake.named("sendMessage")[-1].body


async def test_the_commands_are_registered_at_start(served: Served, fake: FakeTelegramApi) -> None:
    registered = fake.named("setMyCommands")[0].body["commands"]
    assert [c["command"] for c in registered] == [
        "prep",
        "ears",
        "checkin",
        "agenda",
        "decision",
        "help",
    ]


async def test_a_whole_preparation_with_inline_keyboards_is_stored(
    served: Served, fake: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    first = await say(http, served, fake, text_update("/prep@sva_test_bot AB-12"))
    assert "1. This is what is worrying me" in first["text"]
    for line in ["Missed school", "Grandmother visits", "Refer to early help", *["skip"] * 5]:
        last = await say(http, served, fake, text_update(line))
    rows = last["reply_markup"]["inline_keyboard"]
    assert rows[0][0]["text"] == "Confirm and save"
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)

    closing = await say(http, served, fake, button_update(rows[0][0]["callback_data"]))
    assert "Saved your preparation for AB-12" in closing["text"]
    assert fake.named("answerCallbackQuery")
    notes = await served.read(lambda tx: tx.latest_prep_notes("alice"))
    assert [(n.case_ref, n.answers["worrying"]) for n in notes] == [("AB-12", "Missed school")]


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_answered(
    served: Served, fake: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    assert await deliver(http, served, text_update("/prep AB-12"), secret="guess") == 403
    assert await deliver(http, served, text_update("/prep AB-12"), secret=None) == 403
    await fake.settle(0.3)
    assert fake.named("sendMessage") == []


async def test_a_repeated_update_is_answered_once(
    served: Served, fake: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    update = text_update("/prep AB-12", update_id=777)
    assert await deliver(http, served, update) == 200
    assert await deliver(http, served, update) == 200
    await fake.wait_for(lambda calls: bool(fake.named("sendMessage")))
    await fake.settle(0.3)
    assert fake.shown("1001").count("1. This is what is worrying me") == 1


async def test_person_entered_html_is_shown_literally(
    served: Served, fake: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    hostile = '<b>urgent</b> <a href="https://evil.example">open</a> & <script>'
    for line in ["/prep AB-12", hostile, "b", "c", *["skip"] * 5]:
        await say(http, served, fake, text_update(line))
    assert all(c.body.get("parse_mode") == "HTML" for c in fake.named("sendMessage"))
    assert len(fake.sent("1001")) == len(fake.named("sendMessage"))  # Telegram refused none
    assert hostile in fake.shown("1001")


async def test_a_5000_character_agenda_is_split_at_line_breaks_and_nothing_dropped(
    served: Served, fake: FakeTelegramApi
) -> None:
    agenda = "\n".join(f"{n}. " + "agenda item text " * 5 for n in range(60))
    assert len(agenda) > 5000
    assert await served.server.channels["telegram"].send("alice", "1001", [Outbound(agenda)])
    sent = fake.sent("1001")
    assert len(sent) == 2 == len(fake.named("sendMessage"))
    assert all(len(m["text"]) <= 4096 for m in sent)
    assert sent[0]["text"].endswith("\n")  # cut at a line break
    assert "".join(m["text"] for m in sent) == agenda


async def test_someone_not_imported_is_told_how_to_be_added_and_nothing_is_stored(
    served: Served, fake: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    stranger = {"id": 4242, "is_bot": False, "first_name": "Stranger"}
    reply = await say(http, served, fake, text_update("/prep AB-12", user=stranger))
    assert "don't know you yet" in reply["text"] and "4242" in reply["text"]
    assert await served.read(lambda tx: tx.load_conversation("4242")) is None


async def test_a_photo_is_not_kept_and_the_person_is_told_to_type(
    served: Served, fake: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    update = text_update("x")
    message = update["message"]
    del message["text"], message["entities"]
    message["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 90, "height": 90}]
    reply = await say(http, served, fake, update)
    assert "only read typed text" in reply["text"]
    assert await served.read(lambda tx: tx.load_conversation("alice")) is None


async def test_a_body_that_is_not_an_update_gets_400(
    served: Served, http: aiohttp.ClientSession
) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    async with http.post(f"{served.url}/telegram/webhook", data=b"{not json", headers=headers) as r:
        assert r.status == 400


async def test_any_json_that_is_not_an_update_gets_400_and_one_log_line(
    served: Served, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    for body in (b"[1,2]", b"42", b'"x"', b"null", b'{"update_id": "x"}', b'{"message": {}}'):
        caplog.clear()
        async with http.post(f"{served.url}/telegram/webhook", data=body, headers=headers) as r:
            assert r.status == 400, body
        assert [rec for rec in caplog.records if rec.exc_info] == []
        assert len([rec for rec in caplog.records if rec.name.startswith("bot.")]) == 1


async def test_polling_mode_for_local_use_answers_without_a_webhook(
    fake: FakeTelegramApi, serving: Serving
) -> None:
    settings = {"telegram": {"token": TOKEN, "api_url": fake.api_url, "polling": True}}
    s = await serving(
        settings, lambda c, gateway: {"telegram": TelegramChannel(c.telegram, gateway)}
    )
    assert all("telegram" not in r.canonical for r in s.server.web_app().router.resources())
    fake.pending_updates.append(text_update("/prep AB-12"))
    await fake.wait_for(lambda calls: "worrying me" in fake.shown("1001"))
    assert fake.named("deleteWebhook")  # polling and a webhook cannot both be set
