"""Chat identities, conversation references, the inbox and reply claims, on SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import event, make_url

from storage.db import create_engine
from storage.inbox import PendingReply, RepliesSql
from storage.sql import SqlStore, SqlTransaction
from tests.conftest import _libpq
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_people_are_found_by_their_chat_ids_and_links_are_remembered(
    sql_store: SqlStore,
) -> None:
    alice = dataclasses.replace(person("alice"), chat=(("slack", "U1"), ("teams", "aad-1")))
    await sql_store.run_sql(lambda tx: tx.directory.upsert_people([alice, person("bob")]))
    assert await sql_store.run_sql(lambda tx: tx.chat.person_for("slack", "U1")) == "alice"
    assert await sql_store.run_sql(lambda tx: tx.chat.person_for("slack", "U9")) is None

    await sql_store.run_sql(lambda tx: tx.chat.link("slack", "U9", "bob"))
    await sql_store.run_sql(lambda tx: tx.chat.link("slack", "U9", "bob"))  # idempotent
    both = await sql_store.run_sql(lambda tx: tx.chat.identities_of(["alice", "bob", "zed"]))
    assert both == {
        "alice": [("slack", "U1"), ("teams", "aad-1")],
        "bob": [("slack", "U9")],
        "zed": [],
    }
    assert await sql_store.run_sql(lambda tx: tx.chat.identities_of(["bob"])) == {
        "bob": [("slack", "U9")]
    }


async def test_a_person_is_read_once_with_every_chat_identity_or_none(sql_store: SqlStore) -> None:
    reachable = (("slack", "U1"), ("teams", "aad-1"), ("telegram", "1001"))
    alice = dataclasses.replace(person("alice"), chat=reachable)
    await sql_store.run_sql(lambda tx: tx.directory.upsert_people([alice, person("bob")]))

    read = await sql_store.run_sql(lambda tx: (tx.person("alice"), tx.person("bob")))

    assert read[0] is not None  # one person, not one per identity, in no set order
    assert dataclasses.replace(read[0], chat=()) == dataclasses.replace(alice, chat=())
    assert sorted(read[0].chat) == sorted(reachable)
    assert read[1] is not None and read[1].chat == ()
    assert await sql_store.run_sql(lambda tx: tx.person("zed")) is None


async def test_the_latest_conversation_reference_is_kept(sql_store: SqlStore) -> None:
    first = {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.example/uk/"}
    moved = {"conversation": {"id": "a:2"}, "serviceUrl": "https://smba.example/uk/"}
    await sql_store.run_sql(lambda tx: tx.chat.remember("teams", "alice", first, NOW))
    await sql_store.run_sql(
        lambda tx: tx.chat.remember("teams", "alice", moved, NOW + timedelta(days=1))
    )
    assert await sql_store.run_sql(lambda tx: tx.chat.reference("teams", "alice")) == moved
    assert await sql_store.run_sql(lambda tx: tx.chat.reference("teams", "bob")) is None


async def test_the_inbox_counts_a_persons_waiting_events_whoever_received_them(
    sql_store: SqlStore,
) -> None:
    now = datetime.now(UTC)

    def receive(tx: SqlTransaction) -> None:
        for n in range(3):
            tx.inbox.add("slack", f"Ev{n}", "slack:U1", {"n": n}, now)
        tx.inbox.add("slack", "Ev-other", "slack:U2", {}, now)

    await sql_store.run_sql(receive)
    first = await sql_store.run_sql(lambda tx: tx.inbox.next("slack:U1"))
    assert first is not None
    await sql_store.run_sql(lambda tx: tx.inbox.done(first.id, now))
    assert await sql_store.run_sql(lambda tx: tx.inbox.unprocessed("slack:U1")) == 2
    assert await sql_store.run_sql(lambda tx: tx.inbox.unprocessed("slack:U9")) == 0


async def test_a_restarted_process_sees_the_replies_it_had_claimed_others_wait_for_the_lease(
    sql_store: SqlStore,
) -> None:
    now = datetime.now(UTC)

    def queue_and_claim(tx: SqlTransaction) -> None:
        for user in ("U1", "U2"):
            tx.replies.add("slack", f"slack:{user}", {"channel": user}, [{"text": "hi"}], now)
        tx.replies.claim("slack:U1", "host:8080/w0", now, timedelta(seconds=30))

    await sql_store.run_sql(queue_and_claim)
    later = now + timedelta(seconds=1)  # the claim's lease is still running
    assert await sql_store.run_sql(lambda tx: tx.replies.due(later)) == ["slack:U2"]
    own = await sql_store.run_sql(lambda tx: tx.replies.due(later, "host:8080/w0"))
    assert own == ["slack:U1", "slack:U2"]
    others = await sql_store.run_sql(lambda tx: tx.replies.due(later, "host:8080/w1"))
    assert others == ["slack:U2"]


def listened_to(store: SqlStore) -> list[str]:
    """Statements sent from now on (a tracer listening makes them run through SQLAlchemy)."""
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


@pytest.mark.parametrize("traced", [False, True], ids=["plain", "traced"])
async def test_replies_are_claimed_oldest_first_once_due_and_by_one_holder_at_a_time(
    sql_store: SqlStore, traced: bool
) -> None:
    now = datetime.now(UTC)
    lease = timedelta(seconds=30)
    seen = listened_to(sql_store) if traced else None
    texts = [{"text": "first"}, {"text": "second"}]
    await sql_store.run_sql(lambda tx: tx.replies.add("slack", "slack:U1", {"c": 1}, texts, now))

    def claim(token: str, at: datetime) -> Awaitable[PendingReply | None]:
        return sql_store.run_sql(lambda tx: tx.replies.claim("slack:U1", token, at, lease))

    first = await claim("w0", now)
    assert first is not None and first.message == {"text": "first"}
    assert first.address == {"c": 1} and first.attempts == 0
    assert await claim("w1", now) is None  # held by w0: w1 waits, even for the second
    assert await claim("w0", now) == first  # w0 restarted: its own claim is its again
    later = now + timedelta(seconds=5)
    await sql_store.run_sql(
        lambda tx: tx.replies.retry_later(first.id, later, give_up=False, now=now)
    )
    assert await claim("w1", now) is None  # not due yet, and the second waits behind it
    again = await claim("w1", later)
    assert again is not None and again.id == first.id and again.attempts == 1
    await sql_store.run_sql(lambda tx: tx.replies.sent(first.id, later))
    second = await claim("w0", later)
    assert second is not None and second.message == {"text": "second"}
    assert seen is None or any("replies" in statement for statement in seen)


def test_a_reply_sent_while_another_process_waits_to_claim_it_is_not_claimed_again(
    postgres_database: str,
) -> None:
    """PostgreSQL checks a row again once the lock it waited for is released: a claim that
    waited for the holder's "sent" must then find the reply sent, not claim it a second time."""
    engine = create_engine(postgres_database)
    conversation = f"slack:{uuid.uuid4().hex}"  # the database is shared by this run's tests
    now = datetime.now(UTC)
    lease, long_ago = timedelta(seconds=30), now - timedelta(minutes=2)
    texts = [{"text": "first"}, {"text": "second"}]
    with engine.begin() as db:
        RepliesSql(db).add("slack", conversation, {"c": 1}, texts, long_ago)
    with engine.begin() as db:  # a slow process claimed it; its lease has lapsed since
        first = RepliesSql(db).claim(conversation, "slow", long_ago, lease)
    assert first is not None
    holder = engine.connect()
    RepliesSql(holder).sent(first.id, now)  # delivered at last: marked, not yet committed
    claimed: dict[str, PendingReply | None] = {}

    def claim_meanwhile() -> None:
        with engine.begin() as db:
            claimed["reply"] = RepliesSql(db).claim(conversation, "other", now, lease)

    other = threading.Thread(target=claim_meanwhile)
    other.start()
    waiting_for_a_lock(postgres_database)
    holder.commit()
    holder.close()
    other.join(timeout=10)

    assert claimed == {"reply": None}  # it waited for the first reply: sent, so not claimed
    engine.dispose()


def waiting_for_a_lock(url: str) -> None:
    """Return once a session of the database at `url` is waiting for a lock."""
    name = make_url(url).database
    with psycopg.connect(_libpq(url), autocommit=True) as watcher:
        for _ in range(500):
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock'",
                (name,),
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the second claim never waited for the first reply's lock")
