"""The storage contract, run against the memory store, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pytest

from dialogs.conversation import Conversation
from dialogs.definition import Outcome
from storage.errors import ConcurrentUpdate
from storage.memory import MemoryStore
from storage.records import Session
from storage.sql import SqlStore
from storage.store import Store, Transaction
from tests.factories import NOW, person


def conversation(person: str = "alice", **answers: str | int | list[str] | None) -> Conversation:
    return Conversation(
        person, "prep", "worrying", dict(answers), {"case_ref": "CR-1", "variant": "adhoc"}
    )


def outcome(kind: str, answers: Mapping[str, object], minutes: int = 0, **context: str) -> Outcome:
    return Outcome(kind, "alice", answers, context, NOW + timedelta(minutes=minutes), {})  # type: ignore[arg-type]


def changed(base: Conversation, worrying: str, version_bump: int = 0) -> Conversation:
    copy = base.copy()
    copy.answers["worrying"] = worrying
    copy.version += version_bump
    return copy


async def save(store: Store, conversation: Conversation) -> Conversation:
    return await store.run(lambda tx: tx.save_conversation(conversation, NOW))


async def load(store: Store, person: str = "alice") -> Conversation | None:
    return await store.run(lambda tx: tx.load_conversation(person))


async def test_a_saved_conversation_loads_back_exactly(any_store: Store) -> None:
    original = conversation(
        worrying='Emoji 😟 \u202e and "quotes"', items=["a", "b"], skipped=None, score=7
    )
    saved = await save(any_store, original)
    assert saved.version == 1
    assert await load(any_store) == saved


async def test_a_stale_version_is_refused_and_the_newer_answer_kept(any_store: Store) -> None:
    first = await save(any_store, conversation())
    await save(any_store, changed(first, "newer"))
    with pytest.raises(ConcurrentUpdate):
        await save(any_store, changed(first, "stale"))
    loaded = await load(any_store)
    assert loaded is not None and loaded.answers["worrying"] == "newer"


async def test_two_new_conversations_for_one_person_cannot_both_be_created(
    any_store: Store,
) -> None:
    await save(any_store, conversation(worrying="first"))
    with pytest.raises(ConcurrentUpdate):
        await save(any_store, conversation(worrying="second"))
    loaded = await load(any_store)
    assert loaded is not None and loaded.answers["worrying"] == "first"


async def test_a_failed_unit_of_work_leaves_nothing_behind(any_store: Store) -> None:
    def fails_half_way(tx: Transaction) -> None:
        tx.save_conversation(conversation(), NOW)
        tx.add_outcome(outcome("prep", {"worrying": "w"}, case_ref="CR-1"))
        raise RuntimeError("the process failed mid-turn")

    with pytest.raises(RuntimeError):
        await any_store.run(fails_half_way)
    assert await load(any_store) is None
    assert await any_store.run(lambda tx: tx.latest_prep_notes("alice")) == []


async def test_deleting_checks_the_version(any_store: Store) -> None:
    saved = await save(any_store, conversation())
    with pytest.raises(ConcurrentUpdate):
        await any_store.run(lambda tx: tx.delete_conversation(changed(saved, "x", version_bump=5)))
    assert await load(any_store) == saved
    await any_store.run(lambda tx: tx.delete_conversation(saved))
    assert await load(any_store) is None


async def test_the_newest_preparation_per_case_is_returned(any_store: Store) -> None:
    def three_notes(tx: Transaction) -> None:
        tx.add_outcome(outcome("prep", {"worrying": "old"}, 0, case_ref="CR-1"))
        tx.add_outcome(outcome("prep", {"worrying": "other"}, 1, case_ref="CR-2"))
        tx.add_outcome(outcome("prep", {"worrying": "new"}, 2, case_ref="CR-1", variant="adhoc"))

    await any_store.run(three_notes)
    notes = await any_store.run(lambda tx: tx.latest_prep_notes("alice"))
    assert [(n.case_ref, n.answers["worrying"]) for n in notes] == [
        ("CR-2", "other"),
        ("CR-1", "new"),
    ]
    assert notes[1].variant == "adhoc"
    assert notes[1].completed_at == NOW + timedelta(minutes=2)
    assert await any_store.run(lambda tx: tx.latest_prep_notes("bob")) == []


async def test_only_the_shared_wellbeing_answers_leave_storage(any_store: Store) -> None:
    answers = {"pressures": "My private worry", "score": 2, "coping": "Running", "share": ["score"]}
    await any_store.run(lambda tx: tx.add_outcome(outcome("checkin", answers)))
    shared = await any_store.run(lambda tx: tx.shared_wellbeing("alice"))
    assert shared is not None
    assert dict(shared.answers) == {"score": 2}


async def test_a_later_check_in_that_shared_nothing_means_nothing_is_shared(
    any_store: Store,
) -> None:
    await any_store.run(
        lambda tx: tx.add_outcome(outcome("checkin", {"score": 2, "share": ["score"]}, 0))
    )
    await any_store.run(lambda tx: tx.add_outcome(outcome("checkin", {"score": 8, "share": []}, 1)))
    assert await any_store.run(lambda tx: tx.shared_wellbeing("alice")) is None


async def test_ears_reflections_are_stored(any_store: Store) -> None:
    await any_store.run(
        lambda tx: tx.add_outcome(
            outcome("ears-case", {"worried": "w", "safety_scale": 4}, case_ref="CR-9")
        )
    )


async def test_a_message_id_is_claimed_once_per_channel(any_store: Store) -> None:
    def claims(tx: Transaction) -> list[bool]:
        return [
            tx.claim_message("slack", "Ev1", NOW),
            tx.claim_message("slack", "Ev1", NOW),
            tx.claim_message("telegram", "Ev1", NOW),
        ]

    assert await any_store.run(claims) == [True, False, True]
    assert await any_store.run(lambda tx: tx.claim_message("slack", "Ev1", NOW)) is False


async def test_decisions_are_appended_and_found_by_case_and_person(any_store: Store) -> None:
    first = outcome("decision", {"chosen": "Visit", "acknowledge_by": "sw1"}, 0, case_ref="CR-1")
    correction = outcome(
        "decision", {"chosen": "Meet", "acknowledge_by": "sw2"}, 5, case_ref="CR-1", corrects="1"
    )

    def record(tx: Transaction) -> list[int | None]:
        return [tx.add_outcome(first), tx.add_outcome(correction)]

    assert await any_store.run(record) == [1, 2]
    await any_store.run(lambda tx: tx.respond_to_decision(1, "sw1", "acknowledged", None, NOW))
    await any_store.run(
        lambda tx: tx.respond_to_decision(1, "sw1", "disputed", "On reflection, no", NOW)
    )
    found = await any_store.run(lambda tx: tx.decisions(case_ref="CR-1"))
    assert [(d.id, d.corrects_id, d.answers["chosen"]) for d in found] == [
        (1, None, "Visit"),
        (2, 1, "Meet"),
    ]
    assert [(r.kind, r.text) for r in found[0].responses] == [
        ("acknowledged", None),
        ("disputed", "On reflection, no"),
    ]
    assert [d.id for d in await any_store.run(lambda tx: tx.decisions(person_id="sw2"))] == [2]
    assert [d.id for d in await any_store.run(lambda tx: tx.decisions(person_id="alice"))] == [
        1,
        2,
    ]  # recorder
    later = NOW + timedelta(minutes=1)
    assert [d.id for d in await any_store.run(lambda tx: tx.decisions(since=later))] == [2]


async def test_saved_ears_reflections_read_back_newest_first(any_store: Store) -> None:
    def save(tx: Transaction) -> None:
        tx.add_outcome(outcome("ears-case", {"worries": "First"}, 0, case_ref="CR-1"))
        tx.add_outcome(outcome("ears-professional", {"proud_of": "Second"}, 1))

    await any_store.run(save)
    newest, oldest = await any_store.run(lambda tx: tx.reflections("alice", 5))
    assert (newest.variant, newest.case_ref, dict(newest.answers)) == (
        "professional",
        None,
        {"proud_of": "Second"},
    )
    assert (oldest.variant, oldest.case_ref) == ("case", "CR-1")
    assert await any_store.run(lambda tx: tx.reflections("bob", 5)) == []


async def test_last_held_reads_the_last_agreement_and_observation(any_store: Store) -> None:
    """The agenda's agreement and observation dates read the person's recorded ones."""
    held = [
        Session("agreement", date(2026, 1, 5), "alice", "bob", None, "held"),
        Session("observation", date(2026, 3, 1), "alice", "bob", None, "held"),
        Session("observation", date(2026, 6, 1), "alice", "bob", None, "held"),
        Session("individual", date(2026, 7, 1), "alice", "bob", None, "held"),
    ]
    if isinstance(any_store, MemoryStore):
        any_store.tables.sessions = held
    else:
        assert isinstance(any_store, SqlStore)
        people = [person("alice"), person("bob")]
        await any_store.run_sql(lambda tx: tx.directory.upsert_people(people))
        await any_store.run_sql(lambda tx: tx.directory.upsert_sessions(held))
    found = await any_store.run(
        lambda tx: (
            tx.last_held("alice", "agreement"),
            tx.last_held("alice", "observation"),
            tx.last_held("bob", "observation"),
        )
    )
    assert found == (date(2026, 1, 5), date(2026, 6, 1), None)
