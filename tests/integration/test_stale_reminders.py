"""Issue 19 item 13: a reminder satisfied after it was queued (the record agreed) is not sent
from a digest that waited (the person could not be reached)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from bot.assistant.signoff import respond
from storage.records import Case
from storage.sql import SqlStore
from tests.factories import a_team, person, session
from tests.integration.test_sweep import NOW, RecordingNotifier, seed, sweeper

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


async def test_supervision_held_after_its_reminders_were_queued_is_not_chased(
    sql_store: SqlStore,
) -> None:
    """Individual, case and group supervision held (and a cancelled session rebooked and held)
    after the digest was built: none of those reminders goes out; what is still owed does."""
    await seed(sql_store)
    cara = person("sw3", name="Cara Worker", policy="central-bedfordshire")  # a rebook rule

    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people([cara])
        directory.upsert_cases([Case("CR-2", "sw3", "child_in_need", "standard", date(2026, 1, 1))])
        directory.upsert_sessions(
            [session("case", "2026-11-16", "sw3", case_ref="CR-2", status="cancelled")]
        )

    await sql_store.run_sql(load)
    away = RecordingNotifier(unreachable={"sw1", "sw2", "sw3", "tm1"})
    first = await sweeper(sql_store, away).sweep(NOW.date(), NOW)
    queued = {(r.to, r.kind, r.subject) for r in first.reminders}
    assert {
        ("sw2", "individual", "sw2"),
        ("tm1", "individual", "sw2"),
        ("tm1", "case", "CR-1"),
        ("tm1", "group", "Team A"),
        ("tm1", "rebook", "case|2026-11-16|sw3|CR-2"),
        ("sw1", "individual", "sw1"),
    } <= queued
    held = [
        session("individual", "2026-11-23", "sw2"),
        session("case", "2026-11-23", "sw1", case_ref="CR-1"),
        session("case", "2026-11-23", "sw3", case_ref="CR-2"),
        session("group", "2026-11-23", None),
    ]
    await sql_store.run_sql(lambda tx: tx.directory.upsert_sessions(held))  # type: ignore[attr-defined]
    back = RecordingNotifier()
    await sweeper(sql_store, back).dispatch(NOW.date(), NOW + timedelta(hours=2), first)
    sent = "\n".join(text for _, text in back.delivered)
    assert "with Sam Worker" not in sent  # tm1's individual reminder about sw2
    assert "Case supervision for CR-1" not in sent
    assert "Group supervision" not in sent
    assert "with Cara Worker cancelled" not in sent
    assert [text for to, text in back.delivered if to == "sw2"] == []
    assert "Your individual supervision" in dict(back.delivered)["sw1"]  # still owed: sent


async def test_an_agreement_signed_after_its_reminder_was_queued_is_not_sent(
    sql_store: SqlStore,
) -> None:
    # somerset:162 the agreement after a change of supervisor, signed while the digest waited
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        sam = person("sm1", name="Sam Somerset", policy="somerset", supervisor="tm2")
        directory.upsert_people([*a_team(), sam])
        moved = [replace(sam, supervisor_id="tm1")]
        events = tx.person_events  # type: ignore[attr-defined]
        events.note_supervisors(moved, {"sm1": date(2026, 10, 27)}, date(2026, 10, 27), "test")
        directory.upsert_people(moved)

    await sql_store.run_sql(load)
    away = RecordingNotifier(unreachable={"tm1"})
    first = await sweeper(sql_store, away).sweep(NOW.date(), NOW)
    assert [r.to for r in first.reminders if r.kind == "agreement"] == ["tm1"]
    signed = [session("agreement", "2026-11-20", "sm1")]
    await sql_store.run_sql(lambda tx: tx.directory.upsert_sessions(signed))  # type: ignore[attr-defined]
    back = RecordingNotifier()
    await sweeper(sql_store, back).dispatch(NOW.date(), NOW + timedelta(hours=2), first)
    assert all("Supervision agreement" not in text for _, text in back.delivered)
