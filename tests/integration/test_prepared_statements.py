"""Statements run on the driver's cursor (storage/prepared.py) behave as SQLAlchemy's own:
errors arrive as SQLAlchemy's with the values hidden, a statement outside a transaction
begins one, and a lost PostgreSQL connection is invalidated and replaced."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import Connection, bindparam, event, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from dialogs.conversation import Conversation
from storage import audit, chat, conversations, directory, inbox, outbox
from storage.db import create_engine
from storage.prepared import Prepared
from storage.sealing import SealError, new_key_entry, parse_keys
from storage.sql import SqlStore
from storage.tables import ConversationRow
from tests.conftest import _libpq
from tests.factories import NOW

SECRET = "Worried about the bruise on her arm"
COLUMNS = ["person_id", "dialog", "state", "data", "version", "updated_at"]
PLAIN_INSERT = Prepared(insert(ConversationRow).values({name: bindparam(name) for name in COLUMNS}))


def row(person: str) -> dict[str, object]:
    data = {"answers": {"worries": SECRET}, "context": {}}
    return dict(person_id=person, dialog="prep", state="worries", data=data, version=1,
                updated_at=NOW)  # fmt: skip


def test_a_driver_error_is_sqlalchemys_own_and_shows_no_answer(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as db, db.begin():
        assert PLAIN_INSERT.rowcount(db, row("alice")) == 1
        with pytest.raises(IntegrityError) as refused:
            PLAIN_INSERT.rowcount(db, row("alice"))  # the same person twice
    assert isinstance(refused.value, DBAPIError)
    assert "SQL parameters hidden" in str(refused.value)
    assert SECRET not in str(refused.value)
    engine.dispose()


def test_every_prepared_statement_of_the_store_compiles_on_this_database(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    found = [
        statement
        for module in (audit, chat, conversations, directory, inbox, outbox)
        for value in vars(module).values()
        # a dialect's own INSERT … ON CONFLICT is kept under its name
        for statement in ([value.get(engine.dialect.name)] if isinstance(value, dict) else [value])
        if isinstance(statement, Prepared)
    ]
    # 18 since a person is read with their identities, and a reply claimed, in one statement
    assert len(found) >= 18, "the statements of every turn, chat event and digest"
    for statement in found:
        assert statement.compiled(engine.dialect).sql
    engine.dispose()


def test_a_statement_sqlalchemy_finishes_only_when_it_runs_is_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    some = Prepared(select(ConversationRow.person_id).where(
        ConversationRow.person_id.in_(bindparam("people", expanding=True))))  # fmt: skip
    with engine.connect() as db, pytest.raises(ValueError, match="people"):
        some.all(db, {"people": ["alice", "bob"]})
    engine.dispose()


def test_a_value_its_column_cannot_take_is_sqlalchemys_error(database_url: str) -> None:
    """A date in the answers: the sealed column's JSON cannot hold it. SQLAlchemy's
    StatementError (which the store turns into "please send it again"), not a TypeError."""
    engine = create_engine(database_url)
    odd = Conversation("gus", "prep", "worries", answers={"when": NOW})  # type: ignore[dict-item]
    with engine.connect() as db, pytest.raises(StatementError) as refused:
        conversations.save(db, odd, NOW)
    assert isinstance(refused.value.orig, TypeError)
    engine.dispose()


def test_a_value_sealed_with_another_key_is_the_sealing_error_itself(database_url: str) -> None:
    """As with SQLAlchemy's results, a value the column type cannot read is not wrapped: the
    chat tells "the keys are wrong" (sending again won't help) by this very error."""
    written = create_engine(database_url, keyring=parse_keys(new_key_entry("k1")))
    with written.begin() as db:
        PLAIN_INSERT.rowcount(db, row("nia"))
    written.dispose()
    other = create_engine(database_url, keyring=parse_keys(new_key_entry("k1")))
    with other.connect() as db, pytest.raises(SealError):
        conversations.load(db, "nia")
    other.dispose()


def test_values_pass_through_the_column_types(database_url: str) -> None:
    """The sealed column is stored sealed and read back open; the date reads back as one."""
    engine = create_engine(database_url, keyring=parse_keys(new_key_entry("k1")))
    with engine.begin() as db:
        PLAIN_INSERT.rowcount(db, row("bob"))
    with engine.connect() as db:
        stored = db.execute(select(ConversationRow.__table__.c.data).where(
            ConversationRow.person_id == "bob")).scalar_one()  # fmt: skip
        raw = db.exec_driver_sql("SELECT data FROM conversations").scalar_one()
        read = conversations.load(db, "bob")
    assert SECRET not in raw
    assert stored == {"answers": {"worries": SECRET}, "context": {}}
    assert read is not None and read.answers == {"worries": SECRET}
    engine.dispose()


def test_values_written_into_the_statement_are_sent_with_the_callers(database_url: str) -> None:
    """`.values(state="summary")` is a value of the statement itself, not of the call."""
    to_summary = Prepared(
        update(ConversationRow)
        .where(ConversationRow.person_id == bindparam("person"))
        .values(state="summary", version=bindparam("version"))
    )
    engine = create_engine(database_url)
    with engine.begin() as db:
        PLAIN_INSERT.rowcount(db, row("fay"))
        assert to_summary.rowcount(db, {"person": "fay", "version": 7}) == 1
        assert to_summary.rowcount(db, {"person": "nobody", "version": 7}) == 0
        moved = conversations.load(db, "fay")
    assert moved is not None and (moved.state, moved.version) == ("summary", 7)
    engine.dispose()


def test_statements_are_seen_by_whoever_listens_and_answer_the_same(database_url: str) -> None:
    """A tracer (or a test counting statements) listening to the engine sees every prepared
    statement, and gets the same rows and counts as the driver's cursor gives."""
    engine = create_engine(database_url)
    seen: list[str] = []

    def listen(_c: object, _cur: object, sql: str, *_: object) -> None:
        seen.append(sql.split()[0].upper())

    with engine.begin() as db:
        quiet = (PLAIN_INSERT.rowcount(db, row("hal")), conversations.load(db, "hal"))
    event.listen(engine, "before_cursor_execute", listen)
    with engine.begin() as db:
        heard = (PLAIN_INSERT.rowcount(db, row("ivy")), conversations.load(db, "ivy"))
    event.remove(engine, "before_cursor_execute", listen)
    assert seen == ["INSERT", "SELECT"]
    assert heard[0] == quiet[0] == 1
    assert heard[1] is not None and quiet[1] is not None
    assert heard[1].answers == quiet[1].answers and heard[1].version == quiet[1].version
    engine.dispose()


def test_many_rows_of_values_run_the_statement_once_each(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as db:
        PLAIN_INSERT.many(db, [row("jo"), row("kit"), row("lee")])
        PLAIN_INSERT.many(db, [])
        stored = [conversations.load(db, person) for person in ("jo", "kit", "lee")]
        with pytest.raises(IntegrityError):
            PLAIN_INSERT.many(db, [row("max"), row("jo")])  # jo is there already
    assert all(c is not None and c.answers == {"worries": SECRET} for c in stored)
    engine.dispose()


def test_values_shared_by_many_rows_pass_through_the_column_types_for_every_row(
    database_url: str,
) -> None:
    """The sealed data and the date given once in `same` reach each row as SQLAlchemy would
    have written them, whether or not anyone listens to the statements."""
    engine = create_engine(database_url, keyring=parse_keys(new_key_entry("k1")))
    shared = {k: v for k, v in row("").items() if k != "person_id"}
    with engine.begin() as db:
        PLAIN_INSERT.many(db, [{"person_id": "nia"}, {"person_id": "oli"}], same=shared)
    event.listen(engine, "before_cursor_execute", lambda *_: None)
    with engine.begin() as db:
        PLAIN_INSERT.many(db, [{"person_id": "pat"}], same=shared)
    with engine.connect() as db:
        raw = db.exec_driver_sql("SELECT data FROM conversations").scalars().all()
        stored = [conversations.load(db, person) for person in ("nia", "oli", "pat")]
        when = db.execute(select(ConversationRow.updated_at)).scalars().all()
    assert len(raw) == 3 and not any(SECRET in value for value in raw)
    assert all(c is not None and c.answers == {"worries": SECRET} for c in stored)
    assert [w.replace(tzinfo=None) for w in when] == [NOW.replace(tzinfo=None)] * 3
    engine.dispose()


def test_a_statement_outside_a_transaction_begins_one(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as db:
        assert not db.in_transaction()
        PLAIN_INSERT.rowcount(db, row("carol"))
        assert db.in_transaction()
        db.rollback()
        assert conversations.load(db, "carol") is None
    engine.dispose()


def backend_pid(db: Connection) -> int:
    return int(db.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


async def test_a_lost_postgresql_connection_is_replaced_and_the_turn_goes_on(
    postgres_database: str,
) -> None:
    store = SqlStore(engine=create_engine(postgres_database), threads=1)  # one connection
    person = "dora-lost-connection"
    try:
        first = Conversation(person, "prep", "worries", answers={"worries": "first"})
        await store.run(lambda tx: tx.save_conversation(first, NOW))
        pid = await store.committer.submit(backend_pid)
        with psycopg.connect(_libpq(postgres_database), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        # The store's one connection is gone: the load fails on it, the connection is
        # invalidated, and the committer runs the unit again on a new one.
        loaded = await store.run(lambda tx: tx.load_conversation(person))
        assert loaded is not None and loaded.answers == {"worries": "first"}
        assert await store.committer.submit(backend_pid) != pid
    finally:
        await store.run(lambda tx: tx.delete_conversation(tx.load_conversation(person)))  # type: ignore[arg-type]
        await store.close()


def test_a_lost_postgresql_connection_is_invalidated_with_the_rest_of_its_pool(
    postgres_database: str,
) -> None:
    """A server restart drops every connection: the first statement to notice invalidates the
    idle ones in the pool too, so a report's next connection is a new one, not a dead one."""
    engine = create_engine(postgres_database)
    with engine.connect() as db:
        db.begin()
        pid = db.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with engine.connect() as idle:
            idle_pid = idle.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        # `idle` is back in the pool, alive as far as the pool knows
        with psycopg.connect(_libpq(postgres_database), autocommit=True) as admin:
            for each in (pid, idle_pid):
                admin.execute("SELECT pg_terminate_backend(%s)", (each,))
        with pytest.raises(DBAPIError) as lost:
            conversations.load(db, "erin")
        assert lost.value.connection_invalidated
    with engine.connect() as fresh:
        assert fresh.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()


def test_a_lost_postgresql_connection_is_invalidated(postgres_database: str) -> None:
    engine = create_engine(postgres_database)
    with engine.connect() as db:
        db.begin()
        pid = db.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with psycopg.connect(_libpq(postgres_database), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(DBAPIError) as lost:
            conversations.load(db, "erin")
        assert lost.value.connection_invalidated
        assert db.invalidated
    engine.dispose()
