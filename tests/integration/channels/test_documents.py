"""Documents where people are: a supervisor asks for an agenda or record draft as a Word
file and gets it in the chat (Slack files_upload_v2; Teams file consent card), with the same
access check as everywhere else."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from docx import Document

from bot.channels.slack.channel import SlackChannel
from bot.channels.teams.channel import TeamsChannel
from bot.channels.telegram.channel import TelegramChannel
from tests.factories import person
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.fakes.teams_connector import APP_ID, FakeConnector, FixedTokenConnections
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegramApi
from tests.integration.channels import slack_requests as slack
from tests.integration.channels import test_telegram as telegram
from tests.integration.channels.conftest import Served, Serving, running
from tests.integration.channels.test_teams import ALICE
from tests.integration.channels.test_teams import activity as teams_activity


def word_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    async with running(FakeSlackApi()) as api:
        yield api


@pytest.fixture
async def served(fake: FakeSlackApi, serving: Serving) -> Served:
    s = await serving(
        {"slack": {"bot_token": TOKEN, "signing_secret": slack.SECRET, "api_url": fake.api_url}},
        lambda c, gateway: {"slack": SlackChannel(c.slack, gateway)},
    )
    manager = dataclasses.replace(
        person("tm1", role="team_manager", supervisor=None), chat=(("slack", "U2"),)
    )
    await s.read(lambda tx: tx.directory.upsert_people([manager]))
    return s


async def say(http: aiohttp.ClientSession, served: Served, user: str, text: str) -> None:
    status, _ = await slack.post(http, served.url, slack.dm_event(text, user=user))
    assert status == 200


async def test_a_supervisor_gets_the_agenda_as_a_word_file_in_slack(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    await say(http, served, "U2", "agenda alice word")
    await fake.wait_for(lambda calls: bool(fake.uploaded("DU2")))
    [file] = fake.uploaded("DU2")
    assert file["filename"] == "agenda-alice.docx" and file["title"] == "Agenda draft: Alice"
    assert file["comment"] == "The agenda draft for Alice as a Word file."  # by name
    assert "Agenda" in word_text(file["content"])
    assert [c.method for c in fake.calls][-4:] == [
        "conversations.open", "files.getUploadURLExternal", "upload",
        "files.completeUploadExternal",
    ]  # fmt: skip


async def test_record_drafts_as_a_word_file_in_slack(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    await say(http, served, "U2", "record alice 2026-11-23 word")
    await fake.wait_for(lambda calls: bool(fake.uploaded("DU2")))
    [file] = fake.uploaded("DU2")
    assert file["filename"] == "records-alice-2026-11-23.docx"
    assert "Personal supervision record" in word_text(file["content"])


async def test_no_file_for_someone_who_may_not_see_it(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    await say(http, served, "U1", "agenda tm1 word")
    await fake.wait_for(lambda calls: bool(fake.posted("U1")))
    await fake.settle(0.2)
    assert "not tm1's" in fake.posted_text("U1")
    assert fake.files == {} and not fake.named("files.getUploadURLExternal")


TM1 = {"id": "29:tm1", "name": "Tom", "aadObjectId": "aad-tm1"}
CONSENT = "application/vnd.microsoft.teams.card.file.consent"


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with running(FakeConnector()) as api:
        yield api


@pytest.fixture
async def in_teams(connector: FakeConnector, serving: Serving) -> Served:
    s = await serving(
        {"teams": {"app_id": APP_ID, "tenant_id": "tenant-1",
                   "signing_keys_url": connector.url + "/keys", "service_hosts": ["127.0.0.1"]}},
        lambda c, gateway: {"teams": TeamsChannel(c.teams, gateway, FixedTokenConnections)},
    )  # fmt: skip
    manager = dataclasses.replace(
        person("tm1", role="team_manager", supervisor=None), chat=(("teams", "aad-tm1"),)
    )
    await s.read(lambda tx: tx.directory.upsert_people([manager]))
    return s


async def teams_post(
    http: aiohttp.ClientSession, served: Served, connector: FakeConnector, body: dict[str, Any]
) -> int:
    headers = {"Authorization": f"Bearer {connector.token()}"}
    async with http.post(f"{served.url}/api/messages", json=body, headers=headers) as response:
        return response.status


async def test_a_supervisor_gets_the_agenda_through_a_teams_file_consent_card(
    in_teams: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    ask = teams_activity(connector, TM1, text="agenda alice word")
    assert await teams_post(http, in_teams, connector, ask) in {200, 202}
    await connector.wait_for(  # the reply follows the HTTP answer, from the outbox
        lambda calls: any(a.get("contentType") == CONSENT for m in connector.sent()
                          for a in m.get("attachments") or [])
    )  # fmt: skip
    [card] = [a for m in connector.sent() for a in m.get("attachments") or []
              if a["contentType"] == CONSENT]  # fmt: skip
    assert card["name"] == "agenda-alice.docx"
    assert card["content"]["description"] == "Agenda draft: Alice"
    assert connector.uploads == {}  # nothing leaves before the person consents
    accept = teams_activity(
        connector, TM1, type="invoke", name="fileConsent/invoke",
        value={"type": "fileUpload", "action": "accept",
               "context": card["content"]["acceptContext"],
               "uploadInfo": connector.upload_info("agenda-alice.docx")},
    )  # fmt: skip
    assert await teams_post(http, in_teams, connector, accept) == 200
    assert "Agenda" in word_text(connector.uploads["agenda-alice.docx"])
    info = connector.sent()[-1]["attachments"][0]
    assert info["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    assert info["content"] == {"uniqueId": "unique-1", "fileType": "docx"}


def test_the_teams_app_package_declares_file_support() -> None:
    import json
    from pathlib import Path

    import bot.channels.teams as teams

    manifest = json.loads((Path(teams.__file__).parent / "package" / "manifest.json").read_text())
    assert manifest["bots"][0]["supportsFiles"] is True  # needed for file consent cards


async def test_teams_checks_access_again_when_the_file_is_accepted(
    in_teams: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    forged = teams_activity(
        connector, ALICE, type="invoke", name="fileConsent/invoke",
        value={"type": "fileUpload", "action": "accept",
               "context": {"sva_file": "/agenda tm1 word"},
               "uploadInfo": connector.upload_info("agenda-tm1.docx")},
    )  # fmt: skip
    assert await teams_post(http, in_teams, connector, forged) == 200
    assert connector.uploads == {}
    assert "not tm1's" in connector.texts()


async def test_a_declined_file_is_not_sent(
    in_teams: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    decline = teams_activity(
        connector, TM1, type="invoke", name="fileConsent/invoke",
        value={"type": "fileUpload", "action": "decline",
               "context": {"sva_file": "/agenda alice word"}},
    )  # fmt: skip
    assert await teams_post(http, in_teams, connector, decline) == 200
    assert connector.uploads == {} and "haven't sent the file" in connector.texts()


async def test_the_console_says_where_word_files_are_sent(
    in_teams: Served,
) -> None:
    from dialogs.messages import Inbound

    replies = await in_teams.app.assistant.handle(Inbound("tm1", "console", "/agenda alice word"))
    assert [r.document for r in replies] == [None]
    assert replies[0].text.startswith("I can send Word files in Slack, Teams and Telegram.")


TOM = {"id": 2002, "is_bot": False, "first_name": "Tom"}


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeTelegramApi]:
    async with running(FakeTelegramApi()) as api:
        yield api


@pytest.fixture
async def in_telegram(telegram_api: FakeTelegramApi, serving: Serving) -> Served:
    s = await serving(
        {"telegram": {"token": TELEGRAM_TOKEN, "webhook_secret": telegram.SECRET,
                      "api_url": telegram_api.api_url}},
        lambda c, gateway: {"telegram": TelegramChannel(c.telegram, gateway)},
    )  # fmt: skip
    manager = dataclasses.replace(
        person("tm1", role="team_manager", supervisor=None), chat=(("telegram", "2002"),)
    )
    await s.read(lambda tx: tx.directory.upsert_people([manager]))
    return s


async def test_a_supervisor_gets_the_record_drafts_as_a_word_file_in_telegram(
    in_telegram: Served, telegram_api: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    update = telegram.text_update("/record alice 2026-11-23 word", user=TOM)
    assert await telegram.deliver(http, in_telegram, update) == 200
    await telegram_api.wait_for(lambda calls: bool(telegram_api.documents("2002")))
    [file] = telegram_api.documents("2002")
    assert file["filename"] == "records-alice-2026-11-23.docx"
    assert file["caption"].startswith("The record drafts for Alice's session on Mon 23 Nov 2026")
    assert "Personal supervision record" in word_text(file["content"])


async def test_no_word_file_in_telegram_for_someone_who_may_not_see_it(
    in_telegram: Served, telegram_api: FakeTelegramApi, http: aiohttp.ClientSession
) -> None:
    answer = await telegram.say(
        http, in_telegram, telegram_api, telegram.text_update("/agenda tm1 word")
    )
    assert "not tm1's" in answer["text"]
    assert telegram_api.named("sendDocument") == []
