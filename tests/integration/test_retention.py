"""Retention as data: each kind goes after its configured period, in batches; abandoned
dialogs are warned about once first; leavers are erased after theirs."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from bot.config import RetentionConfig
from bot.operations.retention import Retention
from storage.sql import SqlStore
from tests.factories import NOW, assistant_over, chat
from tests.integration.test_data_at_rest import people
from tests.integration.test_subject_access import checkin, tables_as_text

PERIODS = RetentionConfig(batch=2)


async def activity(store: SqlStore) -> None:
    await people(store)
    assistant = assistant_over(store)
    await chat(assistant, checkin("KEEPSAKE my week"))
    await chat(assistant, ["/prep CR-1", "worry", "Gran", "Visit", *["skip"] * 5, "confirm"])
    await chat(assistant, ["/agenda add my item", "/agenda send"])
    for n in range(5):
        await store.run(lambda tx, n=n: tx.claim_message("slack", f"m{n}", NOW))
    await chat(assistant, ["/ears professional", "LINGERING a conference"])  # never finished


async def outbox_kinds(store: SqlStore) -> list[str]:
    def read(tx: object) -> list[str]:
        db = tx._db  # type: ignore[attr-defined]
        return [row[0] for row in db.execute(text("SELECT kind FROM outbox ORDER BY kind"))]

    return await store.run_sql(read)


async def test_nothing_goes_before_its_period(sql_store: SqlStore) -> None:
    await activity(sql_store)
    done = await Retention(store=sql_store, periods=PERIODS).run(NOW + timedelta(days=6))
    assert set(done.values()) == {0}


async def test_an_abandoned_dialog_is_warned_about_once_then_removed(sql_store: SqlStore) -> None:
    await activity(sql_store)
    retention = Retention(store=sql_store, periods=PERIODS)
    dry = await retention.run(NOW + timedelta(days=24), dry_run=True)
    assert dry["received message ids"] == 5 and await outbox_kinds(sql_store) == ["agenda"]
    first = await retention.run(NOW + timedelta(days=24))
    assert first["received message ids"] == 5  # in batches of 2, 2 and 1
    second = await retention.run(NOW + timedelta(days=24))
    for done in (first, second):
        assert done["abandoned dialogs warned"] == 1 and done["abandoned dialogs"] == 0
    assert (await outbox_kinds(sql_store)).count("dialog-expiry") == 1
    dry = await retention.run(NOW + timedelta(days=31), dry_run=True)
    assert dry["abandoned dialogs"] == 1 and dry["received message ids"] == 0
    assert await sql_store.run(lambda tx: tx.load_conversation("alice")) is not None
    done = await retention.run(NOW + timedelta(days=31))
    assert done["abandoned dialogs"] == 1
    assert await sql_store.run(lambda tx: tx.load_conversation("alice")) is None


async def test_after_a_year_the_personal_working_notes_are_gone(
    sql_store: SqlStore, database_url: str
) -> None:
    await activity(sql_store)
    done = await Retention(store=sql_store, periods=PERIODS).run(NOW + timedelta(days=366))
    assert done["wellbeing check-ins"] == 1 and done["preparation notes"] == 1
    assert done["agenda arrangements and sent agendas"] == 1 and done["sent messages"] == 0
    await sql_store.close()
    rows = tables_as_text(database_url)
    assert "KEEPSAKE" not in rows["wellbeing_checkins"] + rows["conversations"]
    assert rows["prep_notes"] == rows["agenda_edits"] == "[]"


async def test_a_leaver_is_erased_once_their_period_has_run(sql_store: SqlStore) -> None:
    await activity(sql_store)

    def left(tx: object) -> None:
        db = tx._db  # type: ignore[attr-defined]
        db.execute(text("UPDATE people SET left_on = :d WHERE id = 'sw1'"), {"d": date(2020, 1, 1)})

    await sql_store.run_sql(left)
    done = await Retention(store=sql_store, periods=PERIODS).run(NOW)
    assert done["leavers erased"] == 1
    held = await sql_store.run_sql(lambda tx: tx.subjects.held_about("sw1"))
    assert [t for t, rows in held.items() if rows] == []
