"""Record sign-off: written, agreed or disputed (kept), and closed as agreed after the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.assistant.signoff import close_lapsed, mark_written
from policies.packs import load_packs
from storage.memory import MemoryStore
from tests.factories import NOW, assistant_over, chat, person, session

PACKS = load_packs()
HELD = "2026-11-16"


def with_sessions() -> MemoryStore:
    store = MemoryStore()
    store.tables.people["alice"] = person("alice", policy="central-bedfordshire")
    store.tables.sessions = [
        session("individual", HELD, "alice"),
        session("case", HELD, "alice", case_ref="CR-1"),
    ]
    return store


async def test_written_records_ask_the_supervisee_to_agree_within_the_window() -> None:
    store = with_sessions()
    reply = await store.run(
        lambda tx: mark_written(
            tx, PACKS["central-bedfordshire"], "alice", NOW.date() - timedelta(days=7), NOW
        )
    )
    assert reply == "Marked 2 records of 16 Nov 2026 written; Alice has been asked to agree them."
    [(to, kind, _, text)] = store.tables.notices
    assert (to, kind) == ("alice", "record-written")
    assert text.endswith(
        "Reply /agree 2026-11-16, or /disagree 2026-11-16 REASON by Mon 30 Nov 2026."
    )
    assert "line" not in text  # issue 19 item 13: no citation in a practitioner's nudge
    assert all(s.recorded_on == NOW.date() for s in store.tables.sessions)


async def test_agreeing_signs_off_and_a_dispute_is_kept_not_overwritten() -> None:
    store = with_sessions()
    assistant = assistant_over(store)
    await store.run(
        lambda tx: mark_written(
            tx, PACKS["central-bedfordshire"], "alice", NOW.date() - timedelta(days=7), NOW
        )
    )
    [early] = await chat(assistant, ["/agree 2026-11-17"])
    assert (
        early.text
        == "There is no written record of your supervision on 17 Nov 2026 waiting for you."
    )
    [disputed] = await chat(assistant, ["/disagree 2026-11-16 The risk is overstated"])
    assert "never overwritten" in disputed.text
    assert all(s.signed_off_on is None for s in store.tables.sessions)
    [agreed] = await chat(assistant, ["/agree 2026-11-16"])
    assert agreed.text == "Thank you: you agreed the record(s) of 16 Nov 2026."
    kinds = [kind for _, kind, _, _ in store.tables.session_events]
    assert kinds == ["written", "written", "disputed", "disputed", "agreed", "agreed"]
    [bad] = await chat(assistant, ["/agree yesterday"])
    assert bad.text.startswith("Write /agree YYYY-MM-DD")


async def test_central_bedfordshire_closes_unsigned_records_as_agreed_only_after_the_window() -> (
    None
):
    store = with_sessions()
    pack = PACKS["central-bedfordshire"]
    await store.run(lambda tx: mark_written(tx, pack, "alice", NOW.date() - timedelta(days=7), NOW))
    too_soon = await store.run(
        lambda tx: close_lapsed(tx, pack, "alice", NOW.date() - timedelta(days=7), NOW)
    )
    assert too_soon == "No record of 16 Nov 2026 is past its sign-off window."
    later = NOW + timedelta(days=10)
    closed = await store.run(
        lambda tx: close_lapsed(tx, pack, "alice", NOW.date() - timedelta(days=7), later)
    )
    assert closed.startswith(
        "Closed 2 record(s) of 16 Nov 2026 as agreed, with the note: Not signed off within the window"
    )
    assert all(s.signed_off_on == later.date() for s in store.tables.sessions)


async def test_a_disputed_record_is_not_closed_as_agreed() -> None:
    store = with_sessions()
    pack = PACKS["central-bedfordshire"]
    assistant = assistant_over(store)
    await store.run(lambda tx: mark_written(tx, pack, "alice", NOW.date() - timedelta(days=7), NOW))
    await chat(assistant, ["/disagree 2026-11-16 Not agreed"])
    later = datetime(2026, 12, 10, tzinfo=UTC)
    closed = await store.run(
        lambda tx: close_lapsed(tx, pack, "alice", NOW.date() - timedelta(days=7), later)
    )
    assert closed.endswith("2 disputed record(s) stay open for the disagreement to be resolved.")


async def test_a_pack_without_a_window_says_so() -> None:
    store = with_sessions()
    reply = await store.run(
        lambda tx: close_lapsed(tx, PACKS["bexley"], "alice", NOW.date() - timedelta(days=7), NOW)
    )
    assert reply.startswith("bexley has no signoff deadline")
