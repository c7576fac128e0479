"""Who sees what: own agenda and records; the supervisor sees them with EARS questions; nobody
else, and never another person's personal record."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.assistant.service import Assistant
from dialogs.definition import Outcome
from storage.memory import MemoryStore
from storage.records import Action
from tests.factories import NOW, assistant_over, case, chat, person

CHECKIN = [
    "/checkin",
    "My divorce",
    "skip",
    "skip",
    "skip",
    "skip",
    "3",
    "skip",
    "skip",
    "confirm",
    "done",
]


async def team() -> tuple[MemoryStore, Assistant]:
    store = MemoryStore()
    store.tables.people.update(
        {
            "alice": person("alice", supervisor="tm1"),
            "tm1": person("tm1", role="team_manager", supervisor=None),
        }
    )
    store.tables.cases["CR-1"] = case("CR-1", "alice")  # /prep needs the case allocated
    assistant = assistant_over(store)
    await chat(
        assistant,
        ["/prep CR-1", "Bruises seen", "Gran", "Strategy meeting", *["skip"] * 5, "confirm"],
    )
    await chat(assistant, CHECKIN)
    return store, assistant


async def test_the_supervisor_sees_the_agenda_with_ears_questions() -> None:
    _, assistant = await team()
    agenda, questions = await chat(assistant, ["/agenda alice"], person="tm1")
    assert agenda.text.startswith("Agenda draft for Alice's next supervision")  # not "your"
    assert "Case CR-1" in agenda.text
    assert questions.text.startswith("For the supervisor: questions to ask (EARS)")
    assert "Amplify. When did that harm happen?" in questions.text
    assert (
        "Elicit. What needs to happen for the child to be safe enough?" in questions.text
    )  # no child's voice


async def test_the_supervisee_sees_no_supervisor_questions() -> None:
    _, assistant = await team()
    replies = await chat(assistant, ["/agenda"])
    assert len(replies) == 1 and "EARS" not in replies[0].text


async def test_nobody_else_sees_an_agenda_or_records() -> None:
    _, assistant = await team()
    for command in ("/agenda alice", "/record alice", "/record alice 2026-11-23"):
        [reply] = await chat(assistant, [command], person="bob")
        assert (
            reply.text
            == "You can see your own agenda and records, and those of people you supervise or "
            "manage (case records too if you are a quality-assurance reader); not alice's."
        )


async def test_records_hold_no_private_wellbeing_and_are_for_the_pair_only() -> None:
    _, assistant = await team()
    [own] = await chat(assistant, ["/record"])
    [supervisor] = await chat(assistant, ["/record alice 2026-11-23"], person="tm1")
    for reply in (own, supervisor):
        assert (
            "Case supervision record: CR-1" in reply.text
            and "Personal supervision record" in reply.text
        )
        assert "divorce" not in reply.text  # not shared, so not in the personal record


async def test_record_drafts_name_people_not_their_ids() -> None:
    store, assistant = await team()
    store.tables.people["alice"] = person("alice", supervisor="tm1", name="Alice Walker")
    store.tables.people["tm1"] = person(
        "tm1", role="team_manager", supervisor=None, name="Tom Manager"
    )
    action = Action(0, "alice", "CR-1", "tm1", "book the strategy meeting", "risk", None)
    await store.run(lambda tx: tx.add_action(action, datetime(2026, 11, 23, tzinfo=UTC)))
    [record] = await chat(assistant, ["/record alice 2026-11-23"], person="tm1")
    assert "Supervisee: Alice Walker." in record.text
    assert "Tom Manager to book the strategy meeting, because risk" in record.text
    assert "alice" not in record.text and "tm1" not in record.text


async def test_the_supervisors_read_of_shared_wellbeing_is_its_own_audit_row() -> None:
    """Alice shared her score with her supervisor: his /agenda shows it, and the trail says
    he read her shared wellbeing, not only her agenda (a DPO looks for exactly that)."""
    store, assistant = await team()
    shared = Outcome("checkin", "alice", {"score": 2, "share": ["score"]}, {}, NOW, {})
    await store.run(lambda tx: tx.add_outcome(shared))
    await chat(assistant, ["/agenda alice"], person="tm1")
    reads = [(e.actor, e.record_kind, e.subject) for e in store.tables.audit if e.action == "read"]
    assert ("tm1", "shared-wellbeing", "alice") in reads
    assert ("tm1", "agenda", "alice") in reads
