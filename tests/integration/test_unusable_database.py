"""A database that cannot take writes until someone acts (read-only, full, its file deleted or
replaced under a running sva) says so in its own words, never the transient "please send it
again", and nothing is acknowledged that the real database did not store. Issue 14, item 7."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.assistant.gateway import ChannelMessage, Gateway
from bot.channels.console import ConsoleChannel
from bot.errors import StorageRefused
from dialogs.conversation import Conversation
from storage.db import create_engine
from storage.errors import DatabaseGone, DatabaseUnusable, StorageError
from storage.sql import SqlStore
from storage.unusable import FULL, READ_ONLY, unusable
from tests.factories import NOW, assistant_over, inbound

READ_ONLY_LINE = "the database is read-only — tell your administrator"


def read_only(url: str) -> str:
    """The same database through a read-only connection (a replica, a read-only mount)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    return parsed.update_query_dict(
        {"options": "-c default_transaction_read_only=on"}
    ).render_as_string(hide_password=False)


def conversation(person: str, answer: str = "") -> Conversation:
    return Conversation(person_id=person, dialog="prep", state="worrying", answers={"w": answer})


async def test_a_read_only_database_answers_every_write_with_its_own_message(
    database_url: str,
) -> None:
    store = SqlStore(engine=create_engine(read_only(database_url)))
    try:
        assert await store.run(lambda tx: tx.person("alice")) is None  # reads work
        with pytest.raises(DatabaseUnusable) as problem:
            await store.run(lambda tx: tx.save_conversation(conversation("alice"), NOW))
        assert str(problem.value) == READ_ONLY == READ_ONLY_LINE
        with pytest.raises(StorageRefused, match=READ_ONLY_LINE):
            await assistant_over(store).handle(inbound("/checkin"))
    finally:
        await store.close()


async def test_an_answer_outside_the_inbox_says_the_database_is_read_only(
    database_url: str,
) -> None:
    """A Teams file consent or a Slack form (Gateway.handle_as): the person is told what is
    wrong, not to send it again."""
    store = SqlStore(engine=create_engine(read_only(database_url)))
    gateway = Gateway(assistant=assistant_over(store), store=store)
    try:
        [reply] = await gateway.handle_as("alice", ChannelMessage("teams", "u1", "/checkin"))
    finally:
        await store.close()
    assert reply.text == f"Sorry, I couldn't save that: {READ_ONLY_LINE}. Nothing was changed."


async def test_the_console_tells_the_person_and_stops_on_a_read_only_database(
    database_url: str,
) -> None:
    store = SqlStore(engine=create_engine(read_only(database_url)))
    out = io.StringIO()
    console = ConsoleChannel(
        assistant=assistant_over(store),
        person_id="alice",
        stdin=io.BytesIO(b"/checkin\n/help\n"),
        stdout=out,
        as_json=True,
    )
    try:
        with pytest.raises(StorageRefused):
            await console.run()
    finally:
        await store.close()
    [message] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert message["text"] == (
        f"Sorry, I couldn't save that: {READ_ONLY_LINE}. Nothing was changed."
    )


async def test_a_full_sqlite_database_answers_with_its_own_message(
    sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "sva.db")
    engine = create_engine(f"sqlite:///{tmp_path / 'sva.db'}")

    @event.listens_for(engine, "connect")
    def no_room_left(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")  # as a full disk would
        cursor.close()

    store = SqlStore(engine=engine)
    try:
        with pytest.raises(DatabaseUnusable) as problem:
            await store.run(lambda tx: tx.save_conversation(conversation("a", "x" * 200_000), NOW))
        assert str(problem.value) == FULL == "the database is full — tell your administrator"
    finally:
        await store.close()


def test_postgresql_disk_full_and_read_only_transactions_are_named() -> None:
    def driver_error(error: Exception) -> OperationalError:
        return OperationalError("INSERT …", {}, error)

    disk_full = unusable(driver_error(psycopg.errors.DiskFull("could not extend file")))
    read_only_tx = unusable(driver_error(psycopg.errors.ReadOnlySqlTransaction("read-only")))
    busy = unusable(driver_error(psycopg.errors.SerializationFailure("could not serialize")))
    assert disk_full is not None and str(disk_full) == FULL
    assert read_only_tx is not None and str(read_only_tx) == READ_ONLY
    assert busy is None  # transient: the person is asked to send it again


async def test_a_deleted_sqlite_file_refuses_every_later_write(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "sva.db"
    shutil.copy(sqlite_template, path)
    store = SqlStore(engine=create_engine(f"sqlite:///{path}"))
    try:
        await store.run(lambda tx: tx.save_conversation(conversation("a"), NOW))
        path.unlink()
        for person in ("b", "c"):
            with pytest.raises(DatabaseGone, match="was deleted or replaced while sva was running"):
                await store.run(lambda tx, p=person: tx.save_conversation(conversation(p), NOW))
        shutil.copy(sqlite_template, path)  # a file back at the path is still not ours
        with pytest.raises(DatabaseGone):
            await store.run(lambda tx: tx.save_conversation(conversation("d"), NOW))
        with pytest.raises(StorageError):
            await store.ping()  # readiness fails too
    finally:
        await store.close()


async def test_a_replaced_sqlite_file_refuses_the_next_write(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "sva.db"
    shutil.copy(sqlite_template, path)
    shutil.copy(sqlite_template, tmp_path / "other.db")
    store = SqlStore(engine=create_engine(f"sqlite:///{path}"))
    try:
        await store.run(lambda tx: tx.save_conversation(conversation("a"), NOW))
        os.replace(tmp_path / "other.db", path)
        with pytest.raises(DatabaseGone):
            await store.run(lambda tx: tx.save_conversation(conversation("b"), NOW))
    finally:
        await store.close()
