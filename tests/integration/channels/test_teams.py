"""The Teams channel end to end: the real Agents SDK hosting code over HTTP, activities shaped
like Teams', replies and proactive messages going to a fake connector service."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.channels.teams.channel import TeamsChannel
from bot.operations.reminders import SweepReport
from tests.fakes.teams_connector import APP_ID, OUTBOUND_TOKEN, FakeConnector, FixedTokenConnections
from tests.integration.channels.conftest import Served, Serving, running, send_team_nudge

ALICE = {"id": "29:alice", "name": "Alice", "aadObjectId": "aad-alice"}
_ids = itertools.count(1)


def activity(
    connector: FakeConnector, user: dict[str, str] = ALICE, **fields: Any
) -> dict[str, Any]:
    n = next(_ids)
    return {
        "type": "message", "id": f"17000000000{n:02d}", "timestamp": "2026-11-23T10:00:00.000Z",
        "serviceUrl": connector.url + "/", "channelId": "msteams", "from": user,
        "conversation": {"conversationType": "personal", "tenantId": "tenant-1", "id": f"a:conv-{user['id']}"},
        "recipient": {"id": f"28:{APP_ID}", "name": "Supervision Assistant"},
        "locale": "en-GB", "channelData": {"tenant": {"id": "tenant-1"}}, **fields,
    }  # fmt: skip


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with running(FakeConnector()) as api:
        yield api


@pytest.fixture
async def served(connector: FakeConnector, serving: Serving) -> Served:
    return await serving(
        {
            "teams": {
                "app_id": APP_ID,
                "tenant_id": "tenant-1",
                "signing_keys_url": connector.url + "/keys",
                "service_hosts": ["127.0.0.1"],
            }
        },
        lambda c, gateway: {"teams": TeamsChannel(c.teams, gateway, FixedTokenConnections)},
    )


async def post(
    http: aiohttp.ClientSession, served: Served, body: dict[str, Any], token: str | None
) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.post(f"{served.url}/api/messages", json=body, headers=headers) as response:
        return response.status


async def say(
    http: aiohttp.ClientSession, served: Served, connector: FakeConnector, **fields: Any
) -> list[dict[str, Any]]:
    """Send an activity and wait for the assistant's replies (they follow the HTTP answer)."""
    before = len(connector.sent())
    assert await post(http, served, activity(connector, **fields), connector.token()) in {200, 202}
    await connector.wait_for(lambda calls: len(connector.sent()) > before)
    await connector.settle(0.15)
    return connector.sent()[before:]


async def test_a_whole_preparation_with_a_card_submit_is_stored(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    first = await say(http, served, connector, text="prep AB-12")
    assert "1. This is what is worrying me" in first[-1]["text"]
    for line in ["Missed school", "Grandmother visits", "Refer to early help", *["skip"] * 5]:
        replies = await say(http, served, connector, text=line)
    card = replies[-1]["attachments"][0]["content"]
    confirm = card["actions"][0]
    assert confirm["title"] == "Confirm and save"

    closing = await say(http, served, connector, value=confirm["data"])
    assert "Saved your preparation for AB-12" in closing[-1]["text"]
    notes = await served.read(lambda tx: tx.latest_prep_notes("alice"))
    assert [(n.case_ref, n.answers["decided"]) for n in notes] == [("AB-12", "Refer to early help")]
    assert {c.headers["Authorization"] for c in connector.named("activity")} == {
        f"Bearer {OUTBOUND_TOKEN}"
    }
    assert all(a.get("textFormat") == "plain" for a in connector.sent() if a.get("text"))


async def test_the_preparation_form_card_stores_the_same_record(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    shown = await say(http, served, connector, text="prep AB-12 form")
    form = shown[-1]["attachments"][0]["content"]
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert ids[:4] == ["worrying", "working_well", "decided", "support"]
    submit = form["actions"][0]["data"]
    answers = {
        "worrying": "Missed school",
        "working_well": "Grandmother visits",
        "decided": "Refer to early help",
    }
    saved = await say(http, served, connector, value={**submit, **answers})
    assert "Saved your preparation for AB-12" in saved[-1]["text"]
    notes = await served.read(lambda tx: tx.latest_prep_notes("alice"))
    assert [(n.case_ref, n.answers["worrying"]) for n in notes] == [("AB-12", "Missed school")]


async def test_requests_without_a_valid_token_are_refused(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    body = activity(connector, text="prep AB-12")
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert await post(http, served, body, token=None) == 401
    assert await post(http, served, body, token="not-a-jwt") == 401
    assert await post(http, served, body, token=connector.token(key=other_key)) == 401
    assert await post(http, served, body, token=connector.token(audience="someone-else")) == 401
    assert connector.sent() == []
    assert await served.read(lambda tx: tx.load_conversation("alice")) is None


async def test_a_reminder_reaches_a_person_through_the_reference_kept_at_install(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    now = datetime.now(UTC)
    await served.read(
        lambda tx: tx.notify("alice", "agenda", "tm1", "Agenda draft for Monday", now)
    )
    report = SweepReport(now.date())
    await served.server.sweeper.dispatch(now.date(), now, report)
    assert report.unreachable == ["alice"]  # never talked to the assistant in Teams: reported

    install = activity(connector, type="conversationUpdate",
                       membersAdded=[ALICE, {"id": f"28:{APP_ID}"}])  # fmt: skip
    install.pop("id")
    assert await post(http, served, install, connector.token()) in {200, 202}
    report = SweepReport(now.date())
    await served.server.sweeper.dispatch(now.date(), now, report)
    assert report.unreachable == [] and report.digests == 1
    proactive = connector.named("activity")[-1]
    assert proactive.path.startswith(f"/v3/conversations/a:conv-{ALICE['id']}/activities")
    assert "Agenda draft for Monday" in proactive.body["text"]


async def test_a_redelivered_activity_is_answered_once(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    body = activity(connector, text="prep AB-12")
    assert await post(http, served, body, connector.token()) in {200, 202}
    assert await post(http, served, body, connector.token()) in {200, 202}
    await connector.wait_for(lambda calls: bool(connector.sent()))
    await connector.settle(0.3)
    assert connector.texts().count("1. This is what is worrying me") == 1


async def test_someone_not_imported_is_told_how_to_be_added_and_nothing_is_stored(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    stranger = {"id": "29:x", "name": "X", "aadObjectId": "aad-stranger"}
    replies = await say(http, served, connector, user=stranger, text="prep AB-12")
    assert "don't know you yet" in replies[-1]["text"] and "aad-stranger" in replies[-1]["text"]
    assert await served.read(lambda tx: tx.chat.reference("teams", "aad-stranger")) is None


async def test_anonymous_mode_for_local_testing_takes_requests_without_a_token(
    connector: FakeConnector, serving: Serving, http: aiohttp.ClientSession
) -> None:
    s = await serving(
        {"teams": {"auth": "anonymous", "service_hosts": ["127.0.0.1"]}},
        lambda c, gateway: {"teams": TeamsChannel(c.teams, gateway)},
    )
    assert await post(http, s, activity(connector, text="prep AB-12"), token=None) in {200, 202}
    await connector.wait_for(lambda calls: "1. This is what is worrying me" in connector.texts())
    assert "1. This is what is worrying me" in connector.texts()
    assert "Authorization" not in connector.named("activity")[-1].headers  # no credentials


GENERAL = "19:general@thread.tacv2"


def in_team_channel(body: dict[str, Any]) -> dict[str, Any]:
    body["conversation"] = {
        "conversationType": "channel",
        "tenantId": "tenant-1",
        "id": GENERAL,
        "isGroup": True,
    }
    body["channelData"] = {"tenant": {"id": "tenant-1"}, "team": {"id": GENERAL, "name": "Team A"},
                           "channel": {"id": GENERAL}}  # fmt: skip
    return body


async def test_the_group_supervision_nudge_goes_once_to_the_teams_channel_in_teams(
    connector: FakeConnector, serving: Serving, http: aiohttp.ClientSession
) -> None:
    settings = {"teams": {"app_id": APP_ID, "signing_keys_url": connector.url + "/keys", "service_hosts": ["127.0.0.1"],
                          "team_channels": {"Team A": GENERAL}}}  # fmt: skip
    s = await serving(
        settings, lambda c, g: {"teams": TeamsChannel(c.teams, g, FixedTokenConnections)}
    )
    added = in_team_channel(activity(connector, type="conversationUpdate",
                                     membersAdded=[{"id": f"28:{APP_ID}"}]))  # fmt: skip
    assert await post(http, s, added, connector.token()) in {200, 202}

    keys, sent = await send_team_nudge(s)

    assert sent == keys
    posted = [c for c in connector.named("activity") if "presenter Alice" in c.body.get("text", "")]
    assert len(posted) == 1 and posted[0].path.startswith(f"/v3/conversations/{GENERAL}/")


async def test_a_mention_in_a_team_channel_is_not_a_place_for_supervision(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    body = in_team_channel(activity(connector, text="<at>Supervision Assistant</at> checkin"))
    assert await post(http, served, body, connector.token()) in {200, 202}
    assert "private chat" in connector.texts()
    assert await served.read(lambda tx: tx.load_conversation("alice")) is None


async def test_a_token_from_an_issuer_we_do_not_trust_is_refused(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    forged = connector.token(issuer="https://issuer.example.org")  # right key and audience
    assert await post(http, served, activity(connector, text="prep AB-12"), forged) == 401
    assert connector.sent() == []
    assert await served.read(lambda tx: tx.load_conversation("alice")) is None


async def test_an_activity_pointing_at_another_service_than_its_token_is_refused(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    async with running(FakeConnector()) as elsewhere:
        body = activity(connector, text="prep AB-12")
        body["serviceUrl"] = elsewhere.url + "/"  # a real token, for `connector`, replayed
        assert await post(http, served, body, connector.token()) == 401
        await asyncio.sleep(0.3)
        assert elsewhere.calls == [] and connector.sent() == []  # our token went nowhere
    assert await served.read(lambda tx: tx.chat.reference("teams", "alice")) is None
    assert await served.read(lambda tx: tx.inbox.waiting(datetime.now(UTC))) == []


async def test_a_service_url_outside_the_allowed_hosts_is_neither_stored_nor_posted_to(
    served: Served, connector: FakeConnector, http: aiohttp.ClientSession
) -> None:
    outside = "https://collector.example.org/"
    body = activity(connector, text="prep AB-12")
    body["serviceUrl"] = outside
    assert await post(http, served, body, connector.token(service_url=outside)) == 403
    assert await served.read(lambda tx: tx.chat.reference("teams", "alice")) is None
    assert await served.read(lambda tx: tx.load_conversation("alice")) is None


async def test_a_body_that_is_not_an_activity_gets_400_and_one_log_line(
    served: Served,
    connector: FakeConnector,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers = {"Authorization": f"Bearer {connector.token()}", "Content-Type": "application/json"}
    for body in (b"{not json", b"[1, 2]"):
        caplog.clear()
        async with http.post(f"{served.url}/api/messages", data=body, headers=headers) as r:
            assert r.status == 400
        assert [rec for rec in caplog.records if rec.exc_info] == []
        assert len([rec for rec in caplog.records if rec.name.startswith("bot.")]) == 1
