"""Decisions through the service: acknowledgement, disputes, corrections, agenda, listing."""

from __future__ import annotations

from bot.assistant.service import Assistant
from storage.memory import MemoryStore
from tests.factories import assistant_over, chat

ANSWERS = [
    "New concern from school",
    "skip",
    "Strategy discussion",
    "Monitor",
    "done",
    "1",
    "Risk has increased",
    "skip",
    "Social worker to visit today, to see the child alone",
    "done",
    "yes",
    "skip",
    "skip",
    "sw1",
    "confirm",
]


def recorded(case_ref: str = "CR-1", corrects: str = "") -> list[str]:
    start = f"/decision {case_ref}" + (f" corrects {corrects}" if corrects else "")
    return [start, *ANSWERS]


def new() -> tuple[Assistant, MemoryStore]:
    store = MemoryStore()
    return assistant_over(store), store


async def test_recording_a_decision_asks_the_other_party_to_acknowledge() -> None:
    assistant, store = new()
    replies = await chat(assistant, recorded(), person="tm1")
    assert replies[-1].text == "It is decision 1. sw1 has been asked to acknowledge it."
    [(to, kind, subject, text)] = store.tables.notices
    assert (to, kind, subject) == ("sw1", "decision", "1")
    assert "/acknowledge 1" in text


async def test_acknowledgement_and_dispute_are_appended_never_overwritten() -> None:
    assistant, store = new()
    await chat(assistant, recorded(), person="tm1")
    [ack] = await chat(assistant, ["/acknowledge 1"], person="sw1")
    assert ack.text == "Recorded: you acknowledged decision 1 on CR-1."
    [dispute] = await chat(
        assistant, ["/dispute 1 I think the risk is lower than stated"], person="sw1"
    )
    assert "never overwritten" in dispute.text
    decision = store.tables.decisions[0]
    assert [(r.kind, r.text) for r in decision.responses] == [
        ("acknowledged", None),
        ("disputed", "I think the risk is lower than stated"),
    ]
    assert [n[1] for n in store.tables.notices] == [
        "decision",
        "decision-acknowledged",
        "decision-disputed",
    ]


async def test_only_the_person_asked_can_respond() -> None:
    """Someone else's decision and a missing one get the same answer (issue 13: errors never
    reveal that a decision exists, or which case it is on)."""
    assistant, store = new()
    await chat(assistant, recorded(), person="tm1")
    [reply] = await chat(assistant, ["/acknowledge 1"], person="sw2")
    assert reply.text == "There is no decision 1 waiting for you to acknowledge."
    [reply] = await chat(assistant, ["/acknowledge 7"], person="sw1")
    assert reply.text == "There is no decision 7 waiting for you to acknowledge."
    [reply] = await chat(assistant, ["/dispute 1"], person="sw1")
    assert reply.text.startswith("Say why you disagree")
    assert store.tables.decisions[0].responses == ()


async def test_a_correction_is_a_new_decision_pointing_at_the_old_one() -> None:
    assistant, store = new()
    await chat(assistant, recorded(), person="tm1")
    await chat(assistant, recorded(corrects="1"), person="tm1")
    first, second = store.tables.decisions
    assert first.corrects_id is None and second.corrects_id == 1
    assert first.answers["chosen"] == second.answers["chosen"]  # the original is untouched


async def test_a_correction_must_name_a_decision_on_the_same_case() -> None:
    assistant, store = new()
    await chat(assistant, recorded(), person="tm1")
    [reply] = await chat(assistant, ["/decision CR-2 corrects 1"], person="tm1")
    assert reply.text == "There is no decision 1 on CR-2 to correct."
    assert store.tables.conversations == {}


async def test_the_decision_is_on_the_agenda_of_both_people_and_in_their_list() -> None:
    assistant, _ = new()
    await chat(assistant, recorded(), person="tm1")
    await chat(assistant, ["/dispute 1 Not agreed"], person="sw1")
    for person in ("tm1", "sw1"):
        [agenda] = await chat(assistant, ["/agenda"], person=person)
        assert "Decision 1 on CR-1 (23 Nov 2026): Strategy discussion [disputed]" in agenda.text
    [listing] = await chat(assistant, ["/decisions CR-1"], person="sw1")
    assert listing.text == "1. CR-1, 23 Nov 2026: Strategy discussion [disputed]"
    [none] = await chat(assistant, ["/decisions"], person="someone-else")
    assert none.text == "No decisions found."


async def test_a_bexley_closure_decision_is_on_the_workers_agenda_until_discussed() -> None:
    # bexley:102-103 closure, transfer, CP or legal planning decisions discussed in supervision
    from bot.config import AssistantConfig, Config
    from tests.factories import case, person

    store = MemoryStore()
    store.tables.people["tm1"] = person("tm1", role="team_manager", supervisor=None)
    store.tables.people["sw1"] = person("sw1", name="Sara Worker")
    store.tables.cases["CR-1"] = case("CR-1", "sw1")
    assistant = assistant_over(store, Config(assistant=AssistantConfig(default_policy="bexley")))
    replies = await chat(assistant, ["/decision CR-1", ANSWERS[0]], person="tm1")
    assert replies[-1].state == "event"
    await chat(assistant, ["Closure", *ANSWERS[1:]], person="tm1")
    assert store.tables.decisions[0].answers["event"] == "closure"
    [agenda] = await chat(assistant, ["/agenda"], person="sw1")
    assert "for CR-1, closure on" in agenda.text


def advice_team() -> MemoryStore:
    from tests.factories import case, person

    store = MemoryStore()
    store.tables.people["tm1"] = person("tm1", role="team_manager", supervisor=None)
    store.tables.people["pe1"] = person(
        "pe1", role="practice_educator", supervisor="tm1", name="Pat Educator"
    )
    store.tables.people["st1"] = person("st1", role="student", supervisor="pe1", name="Sid")
    store.tables.cases["CR-1"] = case("CR-1", "st1")
    return store


async def test_a_practice_educator_cannot_log_a_management_decision() -> None:
    # southwark:1926-1936, 1948-1962 management decisions remain with the manager; the
    # assessor's or practice educator's advice is a case note copied to the manager
    store = advice_team()
    assistant = assistant_over(store)
    [refused] = await chat(assistant, ["/decision CR-1"], person="pe1")
    assert refused.text.startswith("Management decisions stay with the manager")
    assert "/decision CR-1 advice" in refused.text
    assert store.tables.conversations == {}


async def test_a_practice_educators_advice_is_a_case_note_copied_to_the_manager() -> None:
    store = advice_team()
    assistant = assistant_over(store)
    answers = [a if a != "sw1" else "tm1" for a in ANSWERS]
    replies = await chat(assistant, ["/decision CR-1 advice", *answers], person="pe1")
    assert replies[0].text.startswith("Saved your advice on CR-1 as a case note")
    [advice] = store.tables.decisions
    assert advice.answers["recorded_as"] == "advice" and advice.acknowledge_by == "tm1"
    [(to, kind, _, _)] = store.tables.notices
    assert (to, kind) == ("tm1", "decision")
    [agenda] = await chat(assistant, ["/agenda"], person="tm1")  # copied to the manager
    assert "Advice 1 on CR-1" in agenda.text


async def test_a_manager_still_logs_decisions_on_a_students_case() -> None:
    store = advice_team()
    replies = await chat(assistant_over(store), ["/decision CR-1"], person="tm1")
    assert replies[-1].state == "presenting"
