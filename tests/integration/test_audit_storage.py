"""The audit trail on SQLite and PostgreSQL: chained, filtered, and tamper-evident."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from dialogs.definition import Outcome
from storage.audit import GENESIS, AuditEntry
from storage.sql import SqlStore, SqlTransaction
from storage.store import Store
from tests.factories import NOW


def entry(actor: str = "tm1", subject: str | None = "sw1", minutes: int = 0) -> AuditEntry:
    return AuditEntry(
        NOW + timedelta(minutes=minutes), actor, "read", "agenda", subject or "", subject,
        "console", True,
    )  # fmt: skip


async def append(store: Store, *entries: AuditEntry) -> None:
    await store.run(lambda tx: [tx.audit(e) for e in entries])


async def test_entries_are_chained_in_order_and_filtered(any_store: Store) -> None:
    await append(any_store, entry(), entry("os:root", None, 1), entry("qa1", "sw2", 2))
    everything = await any_store.run(lambda tx: tx.audit_entries())
    assert [e.actor for e in everything] == ["tm1", "os:root", "qa1"]
    assert everything[0].prev_hash == GENESIS
    assert [e.prev_hash for e in everything[1:]] == [e.hash for e in everything[:-1]]
    about_sw1 = await any_store.run(lambda tx: tx.audit_entries(subject="sw1"))
    assert [e.actor for e in about_sw1] == ["tm1"]
    newest = await any_store.run(lambda tx: tx.audit_entries(limit=2))
    assert [e.actor for e in newest] == ["os:root", "qa1"]
    assert [e.at for e in everything] == [NOW + timedelta(minutes=m) for m in range(3)]


async def verify(store: SqlStore) -> list[str]:
    return [str(p) for p in await store.run_sql(lambda tx: tx.audit_log.verify())]


async def sql(store: SqlStore, statement: str) -> None:
    await store.run_sql(lambda tx: tx._db.execute(text(statement)))


async def test_an_intact_trail_verifies(sql_store: SqlStore) -> None:
    await append(sql_store, entry(), entry(minutes=1))
    assert await verify(sql_store) == []


async def test_an_edited_row_is_found(sql_store: SqlStore) -> None:
    await append(sql_store, entry(), entry(minutes=1), entry(minutes=2))
    await sql(sql_store, "UPDATE audit_log SET actor = 'someone' WHERE id = 2")
    assert await verify(sql_store) == ["audit row 2: edited after it was written"]


async def test_a_deleted_row_is_found(sql_store: SqlStore) -> None:
    await append(sql_store, entry(), entry(minutes=1), entry(minutes=2))
    await sql(sql_store, "DELETE FROM audit_log WHERE id = 2")
    assert await verify(sql_store) == ["audit row 3: a row before it was deleted"]


def decision(person: str = "sw1") -> Outcome:
    answers = {"chosen": "Stay at home", "acknowledge_by": "tm1"}
    return Outcome("decision", person, answers, {"case_ref": "CR-1"}, NOW, {})  # type: ignore[arg-type]


async def record_decision(store: SqlStore) -> int:
    def work(tx: SqlTransaction) -> int:
        new_id = tx.add_outcome(decision())
        assert new_id is not None
        tx.audit(AuditEntry(NOW, "sw1", "change", "decision", str(new_id), "sw1", "console", True))
        response = tx.respond_to_decision(new_id, "tm1", "acknowledged", None, NOW)
        tx.audit(
            AuditEntry(
                NOW, "tm1", "change", "decision-response", str(response), "sw1", "console", True
            )
        )
        return new_id

    return await store.run_sql(work)


async def test_a_changed_decision_is_found(sql_store: SqlStore) -> None:
    number = await record_decision(sql_store)
    assert await verify(sql_store) == []
    await sql(sql_store, f"UPDATE decisions SET recorded_by = 'tm1' WHERE id = {number}")
    assert await verify(sql_store) == [f"decision {number}: changed after it was recorded"]


async def test_a_deleted_or_unrecorded_decision_is_found(sql_store: SqlStore) -> None:
    number = await record_decision(sql_store)
    await sql(sql_store, "DELETE FROM decision_responses")
    assert await verify(sql_store) == ["decision-response 1: deleted after it was recorded"]
    await sql_store.run(lambda tx: tx.add_outcome(decision("sw2")))  # bypassing the trail
    assert f"decision {number + 1}: not in the audit trail" in await verify(sql_store)


async def test_concurrent_appends_keep_one_chain(sql_store: SqlStore) -> None:
    await asyncio.gather(*(append(sql_store, entry(minutes=n)) for n in range(12)))
    assert await verify(sql_store) == []
    assert len(await sql_store.run(lambda tx: tx.audit_entries())) == 12


@pytest.mark.parametrize("column", ["answers", "created_at", "acknowledge_by"])
async def test_any_column_of_a_decision_is_covered(sql_store: SqlStore, column: str) -> None:
    number = await record_decision(sql_store)
    value = {
        "answers": """'{"chosen": "Removed"}'""",
        "created_at": "created_at + interval '1 day'"
        if sql_store.engine.dialect.name == "postgresql"
        else "datetime(created_at, '+1 day')",
        "acknowledge_by": "'sw9'",
    }[column]
    await sql(sql_store, f"UPDATE decisions SET {column} = {value} WHERE id = {number}")
    assert await verify(sql_store) == [f"decision {number}: changed after it was recorded"]


async def test_an_erasure_records_the_new_digests_so_verify_stays_clean(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    from bot.assistant.access import Viewer
    from bot.operations.subject_access import erase_person
    from tests.factories import person

    await sql_store.run_sql(lambda tx: tx.directory.upsert_people([person("sw1")]))
    await record_decision(sql_store)
    admin = Viewer.admin("root", via="cli:person erase")
    await erase_person(sql_store, "sw1", admin, NOW, reminder_log=tmp_path / "none.log")
    [kept] = await sql_store.run(lambda tx: tx.decisions(ids=[1]))
    assert kept.recorded_by.startswith("erased ")
    assert await verify(sql_store) == []


async def test_several_entries_appended_at_once_continue_the_chain(sql_store: SqlStore) -> None:
    await append(sql_store, entry())
    batch = [entry("tm1", f"sw{n}", n) for n in range(2, 5)]
    await sql_store.run_sql(lambda tx: tx.audit_many(batch))
    await append(sql_store, entry("qa1", "sw9", 9))
    everything = await sql_store.run_sql(lambda tx: tx.audit_entries())
    assert [e.subject for e in everything] == ["sw1", "sw2", "sw3", "sw4", "sw9"]
    assert [e.prev_hash for e in everything[1:]] == [e.hash for e in everything[:-1]]
    assert await verify(sql_store) == []
    change = AuditEntry(NOW, "tm1", "change", "decision", "1", "sw1", "console", True)
    with pytest.raises(ValueError, match="one by one"):
        await sql_store.run_sql(lambda tx: tx.audit_many([change]))
