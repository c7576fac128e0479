"""The access table through chat: every role against sw1's records, with the audit rows.

hos1 (head of service)
├── tm1 (team A manager) ── sw1 (holds CR-1), sw2
└── tm2 (team B manager) ── sw3 (holds CR-3)
qa1: quality-assurance reader (access = qa)
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.assistant.service import Assistant
from storage.memory import MemoryStore
from tests.factories import assistant_over, case, chat, person

PREP = [
    "Missed school",
    "Gran helps",
    "Visit on Monday",
    "skip",
    "skip",
    "Wants to go home",
    "skip",
    "skip",
    "confirm",
]
DECISION = [
    "New concern from school", "skip", "Strategy discussion", "Monitor", "done", "1",
    "Risk has increased", "skip", "Visit today", "done", "yes", "skip", "skip",
]  # fmt: skip
REFUSED_VIEW = "You can see your own agenda and records"
REFUSED_CASE = "I can't open CR-1 for you"


def directory() -> MemoryStore:
    store = MemoryStore()
    people = [
        person("hos1", role="team_manager", team="Leadership", supervisor=None),
        person("tm1", role="team_manager", supervisor="hos1"),
        person("tm2", role="team_manager", team="Team B", supervisor="hos1"),
        person("sw1"),
        person("sw2"),
        person("sw3", team="Team B", supervisor="tm2"),
        replace(person("qa1", team="QA", supervisor=None), access="qa"),
    ]
    store.tables.people.update({p.id: p for p in people})
    store.tables.cases.update({"CR-1": case("CR-1", "sw1"), "CR-3": case("CR-3", "sw3")})
    return store


async def prepared() -> tuple[MemoryStore, Assistant]:
    store = directory()
    assistant = assistant_over(store)
    await chat(assistant, ["/prep CR-1", *PREP], person="sw1")
    return store, assistant


def reads_of_sw1(store: MemoryStore, actor: str) -> list[tuple[str, str, bool]]:
    return [
        (e.action, e.record_kind, e.allowed)
        for e in store.tables.audit
        if e.actor == actor and e.subject == "sw1" and e.action == "read"
    ]


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [("sw1", True), ("tm1", True), ("hos1", True), ("sw2", False), ("tm2", False), ("qa1", False)],
)
async def test_agenda_read(viewer: str, allowed: bool) -> None:
    store, assistant = await prepared()
    replies = await chat(assistant, ["/agenda sw1"], person=viewer)
    assert ("Case CR-1" in replies[0].text) is allowed
    assert replies[0].text.startswith(REFUSED_VIEW) is not allowed
    expected = [] if viewer == "sw1" else [("read", "agenda", allowed)]
    assert reads_of_sw1(store, viewer) == expected


@pytest.mark.parametrize(
    ("viewer", "allowed", "personal"),
    [
        ("sw1", True, True),
        ("tm1", True, True),
        ("hos1", True, False),
        ("qa1", True, False),
        ("sw2", False, False),
        ("tm2", False, False),
    ],
)
async def test_case_record_read_and_the_personal_record(
    viewer: str, allowed: bool, personal: bool
) -> None:
    store, assistant = await prepared()
    [reply] = await chat(assistant, ["/record sw1 2026-11-23"], person=viewer)
    assert ("Case supervision record: CR-1" in reply.text) is allowed
    assert ("Personal supervision record" in reply.text) is personal
    expected = [] if viewer == "sw1" else [("read", "case-record", allowed)]
    assert reads_of_sw1(store, viewer) == expected


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [("sw1", True), ("tm1", True), ("hos1", True), ("sw2", False), ("tm2", False), ("qa1", False)],
)
@pytest.mark.parametrize("command", ["/prep CR-1", "/decision CR-1", "/ears case CR-1"])
async def test_case_work_needs_the_case_in_scope(viewer: str, allowed: bool, command: str) -> None:
    store = directory()
    assistant = assistant_over(store)
    replies = await chat(assistant, [command], person=viewer)
    assert (REFUSED_CASE in replies[0].text) is not allowed
    assert (viewer in store.tables.conversations) is allowed
    refusals = [e for e in store.tables.audit if not e.allowed]
    assert len(refusals) == (0 if allowed else 1)


async def test_a_refusal_does_not_tell_an_unknown_case_from_someone_elses() -> None:
    assistant = assistant_over(directory())
    [other] = await chat(assistant, ["/prep CR-3"], person="sw1")
    [missing] = await chat(assistant, ["/prep CR-404"], person="sw1")
    assert other.text.replace("CR-3", "X") == missing.text.replace("CR-404", "X")


async def test_team_scope_lets_a_team_member_prepare_but_not_read_records() -> None:
    from bot.config import Config

    store = directory()
    config = Config.model_validate({"access": {"case_scope_by_policy": {"southwark": "team"}}})
    assistant = assistant_over(store, config)
    await chat(assistant, ["/prep CR-1"], person="sw2")
    assert "sw2" in store.tables.conversations
    [refused] = await chat(assistant, ["/prep CR-3"], person="tm1")
    assert REFUSED_CASE.replace("CR-1", "CR-3") in refused.text  # another team's case
    record = await chat(assistant, ["/record sw1"], person="sw2")  # (+ the pending question)
    assert record[0].text.startswith(REFUSED_VIEW)


async def decide(assistant: Assistant, by: str, acknowledger: str, ref: str = "CR-1") -> str:
    replies = await chat(assistant, [f"/decision {ref}", *DECISION, acknowledger, "confirm"], by)
    return replies[0].text


@pytest.mark.parametrize(
    ("acknowledger", "problem"),
    [
        ("nobody", "there is nobody with that id in the directory"),
        ("sw2", "they must be allocated to the case or supervise it"),
        ("tm2", "they must be allocated to the case or supervise it"),
        ("tm1", "You can't acknowledge your own decision"),
    ],
)
async def test_a_forged_acknowledger_is_refused_and_nothing_is_stored(
    acknowledger: str, problem: str
) -> None:
    store = directory()
    assistant = assistant_over(store)
    said = await decide(assistant, "tm1", acknowledger)
    assert problem in said and "Nothing was stored." in said
    assert store.tables.decisions == [] and store.tables.notices == []
    assert store.tables.conversations["tm1"].state == "summary"  # still there to correct


@pytest.mark.parametrize("acknowledger", ["sw1", "hos1"])
async def test_the_allocated_worker_or_management_may_acknowledge(acknowledger: str) -> None:
    store = directory()
    assistant = assistant_over(store)
    await decide(assistant, "tm1", acknowledger)
    [decision] = store.tables.decisions
    assert decision.acknowledge_by == acknowledger
    [row] = [e for e in store.tables.audit if e.record_kind == "decision"]
    assert (row.actor, row.action, row.record_id) == ("tm1", "change", "1")


async def test_a_cross_case_correction_reveals_nothing() -> None:
    store = directory()
    assistant = assistant_over(store)
    await decide(assistant, "tm2", "sw3", ref="CR-3")
    [reply] = await chat(assistant, ["/decision CR-1 corrects 1"], person="sw3")
    assert REFUSED_CASE in reply.text and "CR-3" not in reply.text
    own = await chat(assistant, ["/decision CR-3 corrects 1"], person="sw3")
    assert REFUSED_CASE.replace("CR-1", "CR-3") not in own[0].text
    assert "sw3" in store.tables.conversations


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [("sw1", True), ("tm1", True), ("hos1", True), ("sw2", False), ("qa1", False)],
)
async def test_decisions_on_a_case(viewer: str, sees: bool) -> None:
    store = directory()
    assistant = assistant_over(store)
    await decide(assistant, "sw1", "tm1")
    [listing] = await chat(assistant, ["/decisions CR-1"], person=viewer)
    assert listing.text.startswith("1. CR-1") is sees


async def test_who_has_seen_my_records() -> None:
    _, assistant = await prepared()
    await chat(assistant, ["/agenda sw1"], person="tm1")
    await chat(assistant, ["/record sw1"], person="qa1")
    await chat(assistant, ["/agenda sw1"], person="sw2")  # refused: not a read
    [reply] = await chat(assistant, ["/seen"], person="sw1")
    lines = reply.text.splitlines()
    assert lines[0] == "Who has read your records (newest last):"
    assert [line.split(": ")[0].split()[-1] for line in lines[1:]] == ["tm1", "qa1"]
    [nothing] = await chat(assistant, ["/seen"], person="sw2")
    assert nothing.text == "Nobody else has read your records through the assistant."


async def test_every_change_is_one_audit_row() -> None:
    store, assistant = await prepared()
    await chat(assistant, ["/agenda add Training plan"], person="sw1")
    changes = [(e.actor, e.record_kind) for e in store.tables.audit if e.action == "change"]
    assert changes == [("sw1", "case-prep"), ("sw1", "agenda")]
