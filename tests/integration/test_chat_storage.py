"""Chat identities and conversation references, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from storage.sql import SqlStore, SqlTransaction
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
