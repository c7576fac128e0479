"""Chat identities and conversation references, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from storage.sql import SqlStore
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
    everyone = await sql_store.run_sql(lambda tx: tx.chat.all_identities())
    assert everyone == {"alice": [("slack", "U1"), ("teams", "aad-1")], "bob": [("slack", "U9")]}


async def test_the_latest_conversation_reference_is_kept(sql_store: SqlStore) -> None:
    first = {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.example/uk/"}
    moved = {"conversation": {"id": "a:2"}, "serviceUrl": "https://smba.example/uk/"}
    await sql_store.run_sql(lambda tx: tx.chat.remember("teams", "alice", first, NOW))
    await sql_store.run_sql(
        lambda tx: tx.chat.remember("teams", "alice", moved, NOW + timedelta(days=1))
    )
    assert await sql_store.run_sql(lambda tx: tx.chat.reference("teams", "alice")) == moved
    assert await sql_store.run_sql(lambda tx: tx.chat.reference("teams", "bob")) is None
