"""Recording what happened to a session from chat (issue 19 item 2): held, cancelled,
rebooked; by the supervisor or line management only; the supervisee is told."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.assistant.access import Viewer
from bot.assistant.sessions import SessionChange, SessionError, record_session
from storage.memory import MemoryStore
from tests.factories import a_team, assistant_over, chat

TM1 = Viewer.person("tm1", via="console")


def audited(store: MemoryStore) -> list[tuple[str, str, str, str | None, str | None, bool]]:
    return [
        (e.actor, e.action, e.record_kind, e.subject, e.record_id, e.allowed)
        for e in store.tables.audit
    ]


def team_store() -> MemoryStore:
    store = MemoryStore()
    store.tables.people.update({p.id: p for p in a_team()})
    return store


async def test_a_supervisor_records_a_session_held_and_the_supervisee_is_told() -> None:
    store = team_store()
    [reply] = await chat(assistant_over(store), ["/session held sw1 2026-11-20"], person="tm1")
    assert reply.text == (
        "Recorded: Sara Worker's supervision held on Fri 20 Nov 2026. Sara Worker has been told."
    )
    [held] = store.tables.sessions
    assert (held.kind, held.date, held.supervisee_id, held.status) == (
        "individual",
        date(2026, 11, 20),
        "sw1",
        "held",
    )
    [(to, kind, _, text)] = store.tables.notices
    assert (to, kind) == ("sw1", "session-held")
    assert text == "Your supervision with Tom Manager is recorded as held on Fri 20 Nov 2026."
    assert audited(store) == [
        ("tm1", "change", "session", "sw1", "individual:2026-11-20::held", True)
    ]


async def test_cancel_and_rebook_a_case_session_with_dates_as_people_write_them() -> None:
    store = team_store()
    assistant = assistant_over(store)
    await chat(assistant, ["/session cancel sw2 20 Nov CR-7"], person="tm1")
    [reply] = await chat(assistant, ["/session rebook sw2 20 Nov 2026 1 Dec CR-7"], person="tm1")
    assert "moved to Tue 1 Dec 2026" in reply.text
    statuses = sorted((s.date.isoformat(), s.status, s.case_ref) for s in store.tables.sessions)
    assert statuses == [("2026-11-20", "cancelled", "CR-7"), ("2026-12-01", "booked", "CR-7")]


async def test_a_line_manager_may_record_but_a_colleague_may_not() -> None:
    store = team_store()
    assistant = assistant_over(store)
    [refused] = await chat(assistant, ["/session held sw1 2026-11-20"], person="sw2")
    assert refused.text == (
        "Only Sara Worker's supervisor or their line management can record their sessions."
    )
    assert store.tables.sessions == [] and store.tables.notices == []
    [allowed] = await chat(assistant, ["/session held sw1 2026-11-20"], person="hos")
    assert allowed.text.startswith("Recorded:")
    assert [(actor, allowed) for actor, *_, allowed in audited(store)] == [
        ("sw2", False),  # the refusal is in the trail too
        ("hos", True),
    ]


async def test_impossible_sessions_are_refused_with_the_way_to_write_them() -> None:
    store = team_store()
    assistant = assistant_over(store)
    [future] = await chat(assistant, ["/session held sw1 2026-12-20"], person="tm1")
    assert "is in the future" in future.text
    [usage] = await chat(assistant, ["/session maybe sw1 2026-11-20"], person="tm1")
    assert usage.text.startswith("Write /session held PERSON DATE")
    [nobody] = await chat(assistant, ["/session held zz9 2026-11-20"], person="tm1")
    assert "nobody with the id 'zz9'" in nobody.text
    assert store.tables.sessions == []


async def test_an_agreement_or_observation_is_recorded_as_its_own_kind() -> None:
    """Issue 17 item 1, issue 18: a supervision agreement signed and a direct observation
    held are recorded (`sva session held --kind`), not counted as supervision."""
    store = team_store()
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    signed = SessionChange("held", "sw1", date(2026, 11, 2), kind="agreement")
    observed = SessionChange("held", "sw1", date(2026, 11, 20), kind="observation")
    replies = [
        await store.run(lambda tx, c=change: record_session(tx, TM1, c, now))
        for change in (signed, observed)
    ]
    assert replies == [
        "Recorded: Sara Worker's supervision agreement signed on Mon 2 Nov 2026. Sara Worker has been told.",
        "Recorded: Sara Worker's direct observation of practice held on Fri 20 Nov 2026. Sara Worker has been told.",
    ]
    assert [(s.kind, s.date, s.status) for s in store.tables.sessions] == [
        ("agreement", date(2026, 11, 2), "held"),
        ("observation", date(2026, 11, 20), "held"),
    ]
    cancelled = SessionChange("cancelled", "sw1", date(2026, 11, 20), kind="observation")
    try:
        await store.run(lambda tx: record_session(tx, TM1, cancelled, now))
    except SessionError as problem:
        assert (
            str(problem) == "An observation is recorded once held: session held --kind observation."
        )
    else:
        raise AssertionError("a cancelled observation was recorded")


async def test_a_manager_records_an_agreement_and_an_observation_in_chat() -> None:
    store = team_store()
    assistant = assistant_over(store)
    [signed] = await chat(assistant, ["/session agreement sw1 2 Nov"], person="tm1")
    [observed] = await chat(assistant, ["/session Observation sw1 2026-11-20"], person="tm1")
    assert signed.text.startswith("Recorded: Sara Worker's supervision agreement signed on Mon 2")
    assert observed.text.startswith("Recorded: Sara Worker's direct observation of practice held")
    [extra] = await chat(assistant, ["/session agreement sw1 2 Nov CR-7"], person="tm1")
    assert extra.text.startswith("Write /session held PERSON DATE")  # no case for an agreement
    [refused] = await chat(assistant, ["/session observation sw1 2026-11-20"], person="sw2")
    assert refused.text.startswith("Only Sara Worker's supervisor or their line management")
    assert [(s.kind, s.date, s.status) for s in store.tables.sessions] == [
        ("agreement", date(2026, 11, 2), "held"),
        ("observation", date(2026, 11, 20), "held"),
    ]


async def test_a_rebooking_onto_a_bank_holiday_or_into_leave_is_warned_about() -> None:
    store = team_store()
    store.tables.leave.append(("sw2", date(2026, 12, 7), date(2026, 12, 11)))
    assistant = assistant_over(store)
    [holiday] = await chat(assistant, ["/session rebook sw1 20 Nov 2026 25 Dec"], person="tm1")
    assert holiday.text.startswith("Recorded: Sara Worker's supervision on Fri 20 Nov 2026 moved")
    assert holiday.text.endswith(
        "Warning: Fri 25 Dec 2026 is a bank holiday (Christmas Day); rebook if it cannot go ahead."
    )
    [leave] = await chat(assistant, ["/session rebook sw2 20 Nov 2026 8 Dec"], person="tm1")
    assert leave.text.endswith(
        "Warning: Sam Worker is on leave on Tue 8 Dec 2026; rebook if it cannot go ahead."
    )
    [clear] = await chat(assistant, ["/session rebook sw1 25 Dec 2026 29 Dec"], person="tm1")
    assert "Warning" not in clear.text
