"""The storage contract, run against the memory store, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest

from dialogs.conversation import Conversation
from dialogs.definition import Outcome
from storage.errors import ConcurrentUpdate
from storage.store import Store
from tests.factories import NOW


def conversation(person: str = "alice", **answers: str | int | list[str] | None) -> Conversation:
    return Conversation(person, "prep", "worrying", dict(answers), {"case_ref": "CR-1", "variant": "adhoc"})


def outcome(kind: str, answers: Mapping[str, object], minutes: int = 0, **context: str) -> Outcome:
    return Outcome(kind, "alice", answers, context, NOW + timedelta(minutes=minutes), {})  # type: ignore[arg-type]


async def test_a_saved_conversation_loads_back_exactly(any_store: Store) -> None:
    original = conversation(worrying="Emoji 😟 \u202e and \"quotes\"", list_answer=["a", "b"], skipped=None, score=7)
    async with any_store.transaction() as tx:
        saved = await tx.save_conversation(original, NOW)
    async with any_store.transaction() as tx:
        loaded = await tx.load_conversation("alice")
    assert loaded == saved
    assert saved.version == 1


async def test_a_stale_version_is_refused_and_the_newer_answer_kept(any_store: Store) -> None:
    async with any_store.transaction() as tx:
        first = await tx.save_conversation(conversation(), NOW)
    async with any_store.transaction() as tx:
        await tx.save_conversation(_with(first, "newer"), NOW)
    with pytest.raises(ConcurrentUpdate):
        async with any_store.transaction() as tx:
            await tx.save_conversation(_with(first, "stale"), NOW)
    async with any_store.transaction() as tx:
        loaded = await tx.load_conversation("alice")
    assert loaded is not None and loaded.answers["worrying"] == "newer"


def _with(base: Conversation, worrying: str) -> Conversation:
    changed = base.copy()
    changed.answers["worrying"] = worrying
    return changed


async def test_two_new_conversations_for_one_person_cannot_both_be_created(any_store: Store) -> None:
    async with any_store.transaction() as tx:
        await tx.save_conversation(conversation(worrying="first"), NOW)
    with pytest.raises(ConcurrentUpdate):
        async with any_store.transaction() as tx:
            await tx.save_conversation(conversation(worrying="second"), NOW)


async def test_a_failed_transaction_leaves_nothing_behind(any_store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with any_store.transaction() as tx:
            await tx.save_conversation(conversation(), NOW)
            await tx.add_outcome(outcome("prep", {"worrying": "w"}, case_ref="CR-1"))
            raise RuntimeError("the process failed mid-turn")
    async with any_store.transaction() as tx:
        assert await tx.load_conversation("alice") is None
        assert await tx.latest_prep_notes("alice") == []


async def test_deleting_checks_the_version(any_store: Store) -> None:
    async with any_store.transaction() as tx:
        saved = await tx.save_conversation(conversation(), NOW)
    with pytest.raises(ConcurrentUpdate):
        async with any_store.transaction() as tx:
            await tx.delete_conversation(conversation())  # version 0 never matches
            await tx.delete_conversation(_stale(saved))
    async with any_store.transaction() as tx:
        await tx.delete_conversation(saved)
    async with any_store.transaction() as tx:
        assert await tx.load_conversation("alice") is None


def _stale(saved: Conversation) -> Conversation:
    stale = saved.copy()
    stale.version += 5
    return stale


async def test_the_newest_preparation_per_case_is_returned(any_store: Store) -> None:
    async with any_store.transaction() as tx:
        await tx.add_outcome(outcome("prep", {"worrying": "old"}, 0, case_ref="CR-1"))
        await tx.add_outcome(outcome("prep", {"worrying": "other"}, 1, case_ref="CR-2"))
        await tx.add_outcome(outcome("prep", {"worrying": "new"}, 2, case_ref="CR-1", variant="adhoc"))
    async with any_store.transaction() as tx:
        notes = await tx.latest_prep_notes("alice")
        assert await tx.latest_prep_notes("bob") == []
    assert [(n.case_ref, n.answers["worrying"]) for n in notes] == [("CR-2", "other"), ("CR-1", "new")]
    assert notes[1].variant == "adhoc"
    assert notes[1].completed_at == NOW + timedelta(minutes=2)


async def test_only_the_shared_wellbeing_answers_leave_storage(any_store: Store) -> None:
    answers = {"pressures": "My private worry", "score": 2, "coping": "Running", "share": ["score"]}
    async with any_store.transaction() as tx:
        await tx.add_outcome(outcome("checkin", answers))
    async with any_store.transaction() as tx:
        shared = await tx.shared_wellbeing("alice")
    assert shared is not None
    assert dict(shared.answers) == {"score": 2}


async def test_a_later_check_in_shared_nothing_means_nothing_is_shared(any_store: Store) -> None:
    async with any_store.transaction() as tx:
        await tx.add_outcome(outcome("checkin", {"score": 2, "share": ["score"]}, 0))
        await tx.add_outcome(outcome("checkin", {"score": 8, "share": []}, 1))
    async with any_store.transaction() as tx:
        assert await tx.shared_wellbeing("alice") is None


async def test_ears_reflections_are_stored(any_store: Store) -> None:
    async with any_store.transaction() as tx:
        await tx.add_outcome(outcome("ears-case", {"worried": "w", "safety_scale": 4}, case_ref="CR-9"))


async def test_a_message_id_is_claimed_once_per_channel(any_store: Store) -> None:
    async with any_store.transaction() as tx:
        assert await tx.claim_message("slack", "Ev1", NOW)
        assert not await tx.claim_message("slack", "Ev1", NOW)
        assert await tx.claim_message("telegram", "Ev1", NOW)
    async with any_store.transaction() as tx:
        assert not await tx.claim_message("slack", "Ev1", NOW)
