"""The Slack channel end to end: the real Bolt app over HTTP with signed requests, and the real
slack_sdk client talking to a local fake of the Slack Web API."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.assistant.gateway import Gateway
from bot.channels.registry import Channel
from bot.channels.slack.channel import SlackChannel
from bot.config import Config
from bot.operations.reminders import SweepReport
from dialogs.messages import Outbound
from storage.tables import ConversationRow, ReceivedMessageRow
from tests.factories import case, person
from tests.fakes.slack_api import APP_TOKEN, BOT_USER, TOKEN, FakeSlackApi
from tests.integration.channels import slack_requests as slack
from tests.integration.channels.conftest import Served, Serving, running, send_team_nudge, serve

KEYS = ["worrying", "working_well", "decided"]
SKIPPED = {
    "support": None,
    "key_dates": None,
    "child_thinks": None,
    "child_wants": None,
    "not_what_child_wants": None,
}
PREP_ANSWERS = ["Missed school for two weeks", "Grandmother visits daily", "Refer to early help"]


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


async def dm(http: aiohttp.ClientSession, served: Served, fake: FakeSlackApi, text: str) -> str:
    """Send a DM and wait for the assistant's answer; returns the newest text posted."""
    before = len(fake.posted("U1"))
    status, _ = await post(http, served, slack.dm_event(text))
    assert status == 200
    await fake.wait_for(lambda calls: len(fake.posted("U1")) > before)
    await fake.settle(0.15)
    return "\n".join(
        b["text"]["text"]
        for m in fake.posted("U1")[before:]
        for b in m["blocks"]
        if b["type"] == "section"
    )


async def post(
    http: aiohttp.ClientSession, served: Served, body: str, **kw: object
) -> tuple[int, object]:
    return await slack.post(http, served.url, body, **kw)  # type: ignore[arg-type]


async def prep_notes(served: Served) -> list[tuple[str, dict[str, object]]]:
    """Alice's stored preparations: (case reference, answers)."""
    notes = await served.read(lambda tx: tx.latest_prep_notes("alice"))
    return [(n.case_ref, dict(n.answers)) for n in notes]


async def test_a_whole_preparation_by_direct_message_is_stored_and_confirmed_with_a_button(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    first = await dm(http, served, fake, "prep AB-12")
    assert "1. This is what is worrying me" in first
    for answer in PREP_ANSWERS:
        await dm(http, served, fake, answer)
    for _ in SKIPPED:  # 4, key dates, the child's voice and the rationale
        await dm(http, served, fake, "skip")
    summary = fake.posted("U1")[-1]
    buttons = [e for b in summary["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0]["text"]["text"] == "Confirm and save"

    before = len(fake.posted("U1"))
    status, _ = await post(http, served, slack.button(buttons[0]["value"], buttons[0]["action_id"]))
    assert status == 200
    await fake.wait_for(lambda calls: len(fake.posted("U1")) > before)

    assert "Saved your preparation for AB-12" in fake.posted_text("U1")
    notes = await prep_notes(served)
    assert notes == [("AB-12", dict(zip(KEYS, PREP_ANSWERS, strict=True)) | SKIPPED)]


async def test_the_modal_form_stores_the_same_preparation_or_names_the_field_to_fix(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    status, _ = await post(http, served, slack.slash("prep AB-12 form"))
    assert status == 200
    opened = (await fake.wait_for(lambda calls: bool(fake.named("views.open"))))[-1]
    view = fake.named("views.open")[0].body["view"]
    assert view["private_metadata"] == "/prep AB-12"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"][:4] == [
        "worrying", "working_well", "decided", "support"
    ]  # fmt: skip
    assert opened.method == "views.open"

    empty_worry = {"worrying": "", "working_well": "x", "decided": "y"}
    status, answer = await post(http, served, slack.submission("/prep AB-12", empty_worry))
    assert status == 200 and answer["response_action"] == "errors"  # type: ignore[index]
    assert "worrying" in answer["errors"]  # type: ignore[index]
    assert await prep_notes(served) == []

    answers = dict(zip(KEYS, PREP_ANSWERS, strict=True))
    status, answer = await post(http, served, slack.submission("/prep AB-12", answers))
    assert status == 200 and answer is None
    await fake.wait_for(lambda calls: "Saved your preparation" in fake.posted_text("U1"))
    notes = await prep_notes(served)
    assert notes == [("AB-12", dict(zip(KEYS, PREP_ANSWERS, strict=True)) | SKIPPED)]


async def test_app_home_shows_next_supervision_cases_actions_and_the_agenda_draft(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    status, _ = await post(http, served, slack.home_opened())
    assert status == 200
    await fake.wait_for(lambda calls: bool(fake.named("views.publish")))
    call = fake.named("views.publish")[0].body
    assert call["user_id"] == "U1"
    text = "\n".join(
        b["text"]["text"] for b in call["view"]["blocks"] if b["type"] in {"section", "header"}
    )
    for heading in (
        "Next supervision:",
        "Cases due for supervision",
        "Open actions",
        "agenda draft",
    ):
        assert heading in text
    assert "Standing items" in text or "Southwark" in text


async def test_a_reminder_goes_out_as_a_direct_message_waiting_out_a_429(
    served: Served, fake: FakeSlackApi
) -> None:
    now = datetime.now(UTC)
    await served.read(lambda tx: tx.notify("alice", "agenda", "tm1", "Your agenda <b>", now))
    fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    report = SweepReport(now.date())
    started = time.monotonic()
    await served.server.sweeper.dispatch(now.date(), now, report)

    assert time.monotonic() - started >= 1  # Retry-After was honoured
    assert report.unreachable == [] and report.digests == 1
    attempts = fake.named("chat.postMessage")
    assert len(attempts) == 2 and attempts[1].body["channel"] == "U1"
    assert "Your agenda &lt;b&gt;" in fake.posted_text("U1")


async def test_the_server_holds_back_someone_it_cannot_reach_instead_of_retrying_each_round(
    served: Served, fake: FakeSlackApi
) -> None:
    now = datetime.now(UTC)  # tm1 has no chat identity; alice has Slack
    await served.read(lambda tx: tx.notify("tm1", "agenda", "alice", "Agenda for Tom", now))
    first = SweepReport(now.date())
    await served.server.sweeper.dispatch(now.date(), now, first)
    assert first.unreachable == ["tm1"]

    await served.read(lambda tx: tx.notify("alice", "agenda", "tm1", "Agenda for Alice", now))
    next_round = SweepReport(now.date())
    await served.server.sweeper.dispatch(now.date(), now + timedelta(seconds=30), next_round)
    assert next_round.unreachable == [] and next_round.digests == 1  # Alice's; Tom waits
    assert "Agenda for Alice" in fake.posted_text("U1")
    half_an_hour_on = SweepReport(now.date())
    await served.server.sweeper.dispatch(now.date(), now + timedelta(minutes=31), half_an_hour_on)
    assert half_an_hour_on.unreachable == ["tm1"]  # tried again, still nowhere to send


async def test_a_forged_or_stale_signature_is_refused_and_nothing_is_answered(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    body = slack.dm_event("prep AB-12")
    forged = slack.signed_headers(body, secret="not-the-secret")
    stale = slack.signed_headers(body, at=int(time.time()) - 60 * 10)
    assert (await post(http, served, body, headers=forged))[0] == 401
    assert (await post(http, served, body, headers=stale))[0] == 401
    await fake.settle(0.3)
    assert fake.posted() == []


async def test_a_retried_event_is_answered_once(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    body = slack.dm_event("prep AB-12", event_id="EvSAME")
    await post(http, served, body)
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    await post(http, served, slack.dm_event("prep AB-12", event_id="EvSAME"), headers=retry)
    await fake.wait_for(lambda calls: bool(fake.posted("U1")))
    await fake.settle(0.3)
    assert fake.posted_text("U1").count("1. This is what is worrying me") == 1


async def test_a_message_that_cannot_be_stored_gets_503_and_its_retry_is_answered(
    served: Served,
    fake: FakeSlackApi,
    database: str,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
        db.execute("ALTER TABLE inbox RENAME TO inbox_away")  # the inbox cannot be written
    status, _ = await post(http, served, slack.dm_event("prep AB-12", event_id="EvLATER"))
    assert status == 503  # Slack sends it again
    assert [r.getMessage() for r in caplog.records if "not stored yet" in r.getMessage()]
    assert [r for r in caplog.records if r.exc_info] == []
    with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
        db.execute("ALTER TABLE inbox_away RENAME TO inbox")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    body = slack.dm_event("prep AB-12", event_id="EvLATER")
    assert (await post(http, served, body, headers=retry))[0] == 200
    await fake.wait_for(lambda calls: "worrying me" in fake.posted_text("U1"))


async def test_a_message_from_our_own_bot_user_is_acknowledged_and_ignored(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    status, _ = await post(http, served, slack.dm_event("prep AB-12", user=BOT_USER))
    assert status == 200
    await fake.settle(0.3)
    assert fake.posted() == []
    assert await served.read(lambda tx: tx.inbox.waiting(datetime.now(UTC))) == []


async def test_person_entered_text_cannot_ping_or_link(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    # As Slack delivers it: a typed @channel is <!channel>, a typed "&" or "<" arrives escaped.
    hostile = "<!channel> see <https://evil.example|the file> &amp; &lt;script&gt; <@U2>"
    for line in ["prep AB-12", hostile, "b", "c", *["skip"] * 5]:
        shown = await dm(http, served, fake, line)
    assert (
        "&lt;!channel&gt; see &lt;https://evil.example|the file&gt; &amp; &lt;script&gt;" in shown
    )
    assert "&lt;@U2&gt;" in shown
    assert "<!channel>" not in fake.posted_text("U1") and "<@U2>" not in fake.posted_text("U1")
    stored = await served.read(lambda tx: tx.load_conversation("alice"))
    assert (
        stored.answers["worrying"]
        == "<!channel> see <https://evil.example|the file> & <script> <@U2>"
    )


async def test_a_60_block_agenda_is_split_within_slacks_limits_and_nothing_dropped(
    served: Served, fake: FakeSlackApi
) -> None:
    paragraphs = [f"Item {n}: " + "detail " * 400 for n in range(60)]  # ~2,800 chars each
    agenda = "\n".join(paragraphs)
    channel = served.server.channels["slack"]
    assert await channel.send("alice", "U1", [Outbound(agenda)])
    posted = fake.posted("U1")
    assert len(posted) == 2 == len(fake.named("chat.postMessage"))  # all accepted by "Slack"
    assert all(len(m["blocks"]) <= 50 for m in posted)
    assert fake.posted_text("U1").replace("\n", "") == agenda.replace("\n", "")


async def test_someone_not_imported_is_told_how_to_be_added_and_nothing_is_stored(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    status, _ = await post(http, served, slack.dm_event("prep AB-12", user="U999"))
    assert status == 200
    await fake.wait_for(lambda calls: bool(fake.posted("U999")))
    assert "don't know you yet" in fake.posted_text("U999") and "U999" in fake.posted_text("U999")

    def counts(tx: object) -> tuple[int, int]:
        db = tx._db  # type: ignore[attr-defined]
        return (
            db.scalar(select(func.count()).select_from(ConversationRow)),
            db.scalar(select(func.count()).select_from(ReceivedMessageRow)),
        )

    assert await served.read(counts) == (0, 0)


async def test_healthz_is_ok_once_serving(served: Served, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{served.url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {
            "ready": True,
            "channels": {"slack": "ready"},
            "database": "ready",
        }


async def test_the_group_supervision_nudge_goes_once_to_the_teams_channel(
    fake: FakeSlackApi, database: str, started: list[Served]
) -> None:
    config = Config.model_validate({"database": {"url": database}, "slack": {
        "bot_token": TOKEN, "signing_secret": slack.SECRET, "api_url": fake.api_url,
        "team_channels": {"Team A": "C0TEAM"}}})  # fmt: skip
    s = await serve(config, lambda c, gateway: {"slack": SlackChannel(c.slack, gateway)})
    started.append(s)
    keys, sent = await send_team_nudge(s)

    assert sent == keys
    assert [m["channel"] for m in fake.posted()] == ["C0TEAM"]
    assert "presenter Alice" in fake.posted_text("C0TEAM")


async def test_many_people_at_once_with_retries_are_each_answered_exactly_once(
    served: Served, fake: FakeSlackApi
) -> None:
    people = [
        dataclasses.replace(person(f"p{n}"), chat=(("slack", f"U{100 + n}"),)) for n in range(50)
    ]
    await served.read(lambda tx: tx.directory.upsert_people(people))
    cases = [case(f"AB-{n}", f"p{n}") for n in range(50)]
    await served.read(lambda tx: tx.directory.upsert_cases(cases))
    bodies = [
        slack.dm_event(f"prep AB-{n}", user=f"U{100 + n}", event_id=f"Ev{n}") for n in range(50)
    ]
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    connector = aiohttp.TCPConnector(limit=20)
    async with aiohttp.ClientSession(connector=connector) as http:
        answers = await asyncio.gather(
            *(slack.post(http, served.url, b) for b in bodies),
            *(slack.post(http, served.url, b, headers=retry) for b in bodies[::5]),
        )
    assert {status for status, _ in answers} == {200}
    await fake.wait_for(lambda calls: len(fake.posted()) >= 100)
    await fake.settle(0.3)
    per_person = Counter(m["channel"] for m in fake.posted())
    assert per_person == {f"U{100 + n}": 2 for n in range(50)}  # introduction + first question


async def test_a_form_stored_after_slacks_3_seconds_is_confirmed_or_returned_by_dm(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "bot.channels.slack.channel.FORM_ACK_SECONDS", 0
    )  # as if the database were slow
    refused = {"worrying": "", "working_well": "Gran visits daily", "decided": "Refer"}
    status, answer = await post(http, served, slack.submission("/prep AB-12", refused))
    assert status == 200 and answer is None  # the modal closes; nothing is lost:
    await fake.wait_for(lambda calls: "couldn't save your preparation" in fake.posted_text("U1"))
    assert "Gran visits daily" in fake.posted_text("U1")

    answers = dict(zip(KEYS, PREP_ANSWERS, strict=True))
    status, answer = await post(http, served, slack.submission("/prep AB-12", answers))
    assert status == 200 and answer is None
    await fake.wait_for(lambda calls: "Saved your preparation" in fake.posted_text("U1"))
    assert await prep_notes(served) == [
        ("AB-12", dict(zip(KEYS, PREP_ANSWERS, strict=True)) | SKIPPED)
    ]


async def test_socket_mode_answers_without_any_public_endpoint(
    fake: FakeSlackApi, serving: Serving
) -> None:
    settings = {"slack": {"bot_token": TOKEN, "app_token": APP_TOKEN, "api_url": fake.api_url}}
    s = await serving(
        settings, lambda c, gateway: {"slack": SlackChannel(c.slack, gateway, socket_mode=True)}
    )
    assert s.server.web_app().router.resources()  # only /healthz: no /slack/events route
    assert all("slack" not in r.canonical for r in s.server.web_app().router.resources())
    await fake.wait_for(lambda calls: bool(fake.sockets))

    await fake.push("env-1", "events_api", json.loads(slack.dm_event("prep AB-12")))
    await fake.wait_for(lambda calls: "worrying me" in fake.posted_text("U1"))
    assert {"envelope_id": "env-1"} in fake.acks


async def test_people_listed_by_email_are_found_in_slack_when_the_council_allows_it(
    fake: FakeSlackApi, serving: Serving, http: aiohttp.ClientSession
) -> None:
    settings = {"slack": {"bot_token": TOKEN, "signing_secret": slack.SECRET,
                          "api_url": fake.api_url, "match_by_email": True}}  # fmt: skip
    s = await serving(settings, lambda c, gateway: {"slack": SlackChannel(c.slack, gateway)})
    carol = dataclasses.replace(person("carol"), chat=(("slack", "carol@council.gov.uk"),))
    await s.read(lambda tx: tx.directory.upsert_people([carol]))
    await s.read(lambda tx: tx.directory.upsert_cases([case("CB-1", "carol")]))
    fake.users["U7"] = {"id": "U7", "profile": {"email": "carol@council.gov.uk"}}

    await slack.post(http, s.url, slack.dm_event("prep CB-1", user="U7"))
    await fake.wait_for(lambda calls: "worrying me" in fake.posted_text("U7"))
    assert await s.read(lambda tx: tx.chat.person_for("slack", "U7")) == "carol"  # remembered

    dave = dataclasses.replace(person("dave"), chat=(("slack", "dave@council.gov.uk"),))
    await s.read(lambda tx: tx.directory.upsert_people([dave]))
    fake.users["U8"] = {"id": "U8", "profile": {"email": "dave@council.gov.uk"}}
    channel = s.server.channels["slack"]
    assert await channel.send("dave", "dave@council.gov.uk", [Outbound("Reminder")])
    assert fake.named("users.lookupByEmail")[-1].body["email"] == "dave@council.gov.uk"
    assert "Reminder" in fake.posted_text("U8")
    assert await s.read(lambda tx: tx.chat.person_for("slack", "U8")) == "dave"  # remembered


async def test_slack_is_acknowledged_only_once_the_event_is_stored_then_answered(
    served: Served, fake: FakeSlackApi, database: str, http: aiohttp.ClientSession
) -> None:
    blocker = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        sending = asyncio.create_task(post(http, served, slack.dm_event("prep AB-12")))
        await asyncio.sleep(0.5)
        assert not sending.done()  # no 200 while the event cannot be committed
        assert fake.posted("U1") == []
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    status, _ = await sending
    assert status == 200
    assert await served.read(lambda tx: tx.inbox.waiting(datetime.now(UTC))) in ([], ["slack:U1"])
    await fake.wait_for(lambda calls: "worrying me" in fake.posted_text("U1"))


async def test_stopping_lets_an_acknowledged_message_finish_before_disconnecting(
    served: Served, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=1)  # the answer takes a second
    status, _ = await post(http, served, slack.dm_event("prep AB-12"))
    assert status == 200
    stopping = asyncio.create_task(served.server.stop())
    await asyncio.sleep(0.3)
    assert not stopping.done()  # waiting for the answer under way
    await stopping
    assert "worrying me" in fake.posted_text("U1")


async def test_unsigned_or_malformed_requests_get_401_or_400_and_one_log_line(
    served: Served, fake: FakeSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    async with aiohttp.ClientSession() as http:
        for body, signed, status in [
            (b"\x00not json at all{", False, 401),
            (b'{"type": "event_callback"', False, 401),
            (b'{"type": "event_callback"', True, 400),
            (b"payload=%7Bnot-json", True, 400),
        ]:
            caplog.clear()
            headers = slack.signed_headers(body.decode("latin-1")) if signed else {}
            kind = (
                "application/x-www-form-urlencoded"
                if body.startswith(b"payload")
                else "application/json"
            )
            async with http.post(f"{served.url}/slack/events", data=body,
                                 headers={"Content-Type": kind, **headers}) as r:  # fmt: skip
                assert r.status == status, body
            assert [rec for rec in caplog.records if rec.exc_info] == []
            assert len([rec for rec in caplog.records if rec.name.startswith("bot.")]) == 1
    assert fake.posted() == []


async def test_one_person_flooding_gets_slow_down_and_nothing_is_silently_dropped(
    fake: FakeSlackApi, serving: Serving, http: aiohttp.ClientSession
) -> None:
    def build(c: Config, gateway: Gateway) -> dict[str, Channel]:
        gateway.inbox.limits = (3, 1000)  # at most 3 of one person's messages waiting
        return {"slack": SlackChannel(c.slack, gateway)}

    served = await serving(
        {"slack": {"bot_token": TOKEN, "signing_secret": slack.SECRET, "api_url": fake.api_url}},
        build,
    )
    fake.rate_limit("chat.postMessage", times=1, retry_after=2)  # Slack slows the answers down
    statuses = [(await post(http, served, slack.dm_event("/help")))[0] for _ in range(10)]
    assert statuses == [200] * 10  # every event acknowledged
    await fake.wait_for(lambda calls: len(fake.posted("U1")) >= 11, timeout=20)
    await fake.settle(0.3)
    shown = [m["text"] for m in fake.posted("U1")][1:]  # the first call was answered 429
    slowed = [t for t in shown if "faster than I can answer" in t]
    helped = [t for t in shown if "faster than I can answer" not in t]
    assert len(shown) == 10 and len(slowed) >= 6 and len(helped) >= 1  # each one answered
    assert await served.read(lambda tx: tx.inbox.waiting(datetime.now(UTC))) == []


async def test_over_the_bound_for_everyone_the_slow_down_does_not_blame_the_person(
    fake: FakeSlackApi, serving: Serving, http: aiohttp.ClientSession
) -> None:
    def build(c: Config, gateway: Gateway) -> dict[str, Channel]:
        gateway.inbox.limits = (1000, 0)  # the process is full: no one's message is kept
        return {"slack": SlackChannel(c.slack, gateway)}

    served = await serving(
        {"slack": {"bot_token": TOKEN, "signing_secret": slack.SECRET, "api_url": fake.api_url}},
        build,
    )
    assert (await post(http, served, slack.dm_event("/help")))[0] == 200
    await fake.wait_for(lambda calls: len(fake.posted("U1")) >= 1, timeout=20)
    [shown] = [m["text"] for m in fake.posted("U1")]
    assert "So many people are writing to me just now" in shown and "“/help”" in shown
    assert "You are sending" not in shown  # they sent one message


async def test_each_slow_down_names_the_message_it_did_not_keep(
    fake: FakeSlackApi, serving: Serving, http: aiohttp.ClientSession
) -> None:
    def build(c: Config, gateway: Gateway) -> dict[str, Channel]:
        gateway.inbox.limits = (3, 1000)
        return {"slack": SlackChannel(c.slack, gateway)}

    served = await serving(
        {"slack": {"bot_token": TOKEN, "signing_secret": slack.SECRET, "api_url": fake.api_url}},
        build,
    )
    fake.rate_limit("chat.postMessage", times=1, retry_after=2)
    sent = [f"/nothing{n}" for n in range(10)]
    assert [(await post(http, served, slack.dm_event(text)))[0] for text in sent] == [200] * 10
    await fake.wait_for(lambda calls: len(fake.posted("U1")) >= 11, timeout=20)
    await fake.settle(0.3)
    shown = [m["text"] for m in fake.posted("U1")][1:]
    slowed = [t for t in shown if "faster than I can answer" in t]
    assert len(slowed) >= 6
    # Every message is named by exactly one reply: its answer, or the slow-down refusing it.
    assert [sum(f"{text}." in t or f"“{text}”" in t for t in shown) for text in sent] == [1] * 10
    assert all(any(f"“{text}”" in t for text in sent) for t in slowed)
