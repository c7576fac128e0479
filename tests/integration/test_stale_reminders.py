"""Issue 19 item 13: a reminder satisfied after it was queued (the record agreed) is not sent
from a digest that waited (the person could not be reached)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from bot.assistant.signoff import respond
from storage.sql import SqlStore
from tests.factories import a_team, session
from tests.integration.test_sweep import NOW, RecordingNotifier, sweeper

WRITTEN = date(2026, 11, 20)


async def test_a_record_agreed_after_its_reminder_was_queued_is_not_sent(
    sql_store: SqlStore,
) -> None:
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        team = [replace(p, policy="central-bedfordshire") for p in a_team()]  # a sign-off window
        directory.upsert_people(team)
        directory.upsert_sessions(
            [session("individual", "2026-11-19", "sw2", recorded=WRITTEN.isoformat())]
        )

    await sql_store.run_sql(load)
    away = RecordingNotifier(unreachable={"sw2"})
    first = await sweeper(sql_store, away).sweep(NOW.date(), NOW)
    signoff = [r for r in first.reminders if r.to == "sw2" and r.kind == "signoff"]
    assert signoff and "sw2" in first.unreachable  # queued, not sent
    await sql_store.run_sql(
        lambda tx: respond(tx, "sw2", date(2026, 11, 19), None, NOW + timedelta(hours=1))
    )
    back = RecordingNotifier()
    await sweeper(sql_store, back).dispatch(NOW.date(), NOW + timedelta(hours=2), first)
    assert all("agree or dispute" not in text for _, text in back.delivered)
