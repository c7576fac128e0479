"""Special-category text at rest: sealed on disk, long text kept whole on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from bot.config import AssistantConfig, Config
from storage.db import create_engine
from storage.rekey import rekey, sealed_columns
from storage.sealing import Keyring, new_key_entry, parse_keys
from storage.sql import SqlStore
from storage.tables import Base
from tests.factories import assistant_over, chat, person
from tests.integration.test_agenda import seeded
from tests.unit.bot.assistant.test_decisions import recorded

KEYS = parse_keys(new_key_entry("k1"))
MARKERS = [f"MARKER{n}zq" for n in range(8)]


def to_alice() -> list[str]:
    """A decision on CR-1 (alice's case) that alice is asked to acknowledge."""
    return ["alice" if line == "sw1" else line for line in recorded()]


def chat_lines() -> list[tuple[str, list[str]]]:
    """What people type: each marker in a different kind of special-category text."""
    m = MARKERS
    checkin = ["/checkin", f"{m[0]} my divorce", "skip", "skip", f"{m[1]} depression", "skip"]
    checkin += ["2", "skip", "skip", "confirm", "1", "That's all"]
    prep = ["/prep CR-1", f"{m[2]} worry", "Gran helps", "Visit", *["skip"] * 5, "confirm"]
    ears = ["/ears professional", f"{m[3]} conference"]  # left in progress: conversations.data
    decision = [line.replace("Risk has increased", f"{m[4]} risk") for line in to_alice()]
    return [
        ("alice", checkin),
        ("alice", prep),
        ("alice", [f"/agenda add {m[5]} my own item", "/agenda send"]),
        ("tm1", decision),
        ("alice", [f"/dispute 1 {m[6]} I disagree"]),
        ("alice", ears),
    ]


async def people(store: SqlStore) -> None:
    await seeded(store)

    def more(tx: object) -> None:
        tx.directory.upsert_people([person("sw1")])  # type: ignore[attr-defined]

    await store.run_sql(more)


@pytest.fixture
async def sealed_store(database_url: str) -> AsyncIterator[SqlStore]:
    store = SqlStore(engine=create_engine(database_url, keyring=KEYS))
    yield store
    await store.close()


def everything_on_disk(database_url: str) -> str:
    """The database as someone without the key reads it: raw file bytes, or every row."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        files = [path, *path.parent.glob(path.name + "-*")]
        return b"".join(f.read_bytes() for f in files if f.exists()).decode("latin-1")
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as db:
        return "\n".join(
            str(row)
            for t in Base.metadata.sorted_tables
            for row in db.execute(f"SELECT * FROM {t.name}")
        )


async def test_markers_typed_in_chat_are_not_readable_without_the_key(
    sealed_store: SqlStore, database_url: str
) -> None:
    await people(sealed_store)
    assistant = assistant_over(sealed_store)
    for who, lines in chat_lines():
        await chat(assistant, lines, person=who)
    agenda = (await chat(assistant, ["/agenda"]))[0]  # then the pending EARS question again
    assert MARKERS[2] in agenda.text and MARKERS[5] in agenda.text  # it reads back with the key
    await sealed_store.close()
    on_disk = everything_on_disk(database_url)
    assert "sva1:k1:" in on_disk
    assert [m for m in MARKERS if m in on_disk] == []


async def test_without_a_key_the_same_chat_is_stored_plain_and_rotation_seals_it(
    sql_store: SqlStore, database_url: str
) -> None:
    await people(sql_store)
    assistant = assistant_over(sql_store)
    for who, lines in chat_lines():
        await chat(assistant, lines, person=who)
    await sql_store.close()
    assert [m for m in MARKERS if m not in everything_on_disk(database_url)] == [MARKERS[7]]
    engine = create_engine(database_url, keyring=KEYS)
    done = rekey(engine, KEYS, batch=2)
    assert done["wellbeing_checkins.answers"] == 1 and done["outbox.text"] >= 2
    assert rekey(engine, KEYS) == dict.fromkeys(done, 0)  # resumable: nothing left to do
    rotated = Keyring(keys={**parse_keys(new_key_entry("k2")).keys, **KEYS.keys}, current="k2")
    assert sum(rekey(engine, rotated, batch=3).values()) == sum(done.values())
    engine.dispose()
    on_disk = everything_on_disk(database_url)
    assert [m for m in MARKERS if m in on_disk] == [] and "sva1:k1:" not in on_disk
    reopened = SqlStore(engine=create_engine(database_url, keyring=rotated))
    agenda = (await chat(assistant_over(reopened), ["/agenda"]))[0]
    assert MARKERS[2] in agenda.text
    await reopened.close()


def test_every_sealed_and_free_text_column_is_unbounded_text_in_the_database(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    found = inspect(engine)
    types = {
        (t, c["name"]): str(c["type"]).upper()
        for t in Base.metadata.tables
        for c in found.get_columns(t)
    }
    engine.dispose()
    sealed = [(t.name, c.name) for t, c in sealed_columns()]
    assert len(sealed) >= 14 and ("inbox", "payload") in sealed
    assert {types[s] for s in sealed} == {"TEXT"}
    assert [k for k, v in types.items() if "VARCHAR(2000)" in v or "VARCHAR(4000)" in v] == []


async def test_longest_answer_agenda_and_dispute_are_kept_whole(sealed_store: SqlStore) -> None:
    await people(sealed_store)
    config = Config(assistant=AssistantConfig(max_answer_chars=4000))
    assistant = assistant_over(sealed_store, config)
    answer = "é" + "w" * 3998 + "."
    await chat(assistant, ["/prep CR-1", answer, "Gran", "Visit", *["skip"] * 5, "confirm"])
    own = "o" * 500
    [sent] = await chat(assistant, [f"/agenda add {own}", "/agenda send"])
    assert "sent" in sent.text.lower(), sent.text
    await chat(assistant, to_alice(), person="tm1")
    dispute = "d" * 3999 + "!"
    [reply] = await chat(assistant, [f"/dispute 1 {dispute}"])
    assert "never overwritten" in reply.text

    def read(tx: object) -> tuple[str | None, str]:
        t = tx  # type: ignore[assignment]
        decision = t.decisions(ids=[1])[0]  # type: ignore[attr-defined]
        return t.agenda_edits("alice").sent_text, decision.responses[-1].text  # type: ignore[attr-defined]

    sent_text, disputed = await sealed_store.run(read)
    assert sent_text is not None and answer in sent_text and own in sent_text
    assert len(sent_text) > 4500
    assert disputed == dispute
