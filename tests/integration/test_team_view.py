"""/team (issue 19 item 3): a supervisor's and a line manager's view in chat, from storage."""

from __future__ import annotations

from datetime import date

from bot.bootstrap import build_sweeper
from bot.config import Config
from bot.operations.reports.overview import below
from dialogs.definition import Outcome
from storage.records import Case
from storage.sql import SqlStore
from tests.factories import NOW, a_team, assistant_over, chat, session


async def seeded(store: SqlStore) -> None:
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people(a_team())  # hos > tm1 > sw1, sw2 (Southwark)
        directory.upsert_cases(
            [Case("CR-1", "sw1", "child_protection", "standard", date(2026, 1, 1))]
        )
        directory.upsert_sessions(
            [
                session("individual", "2026-10-01", "sw1"),  # monthly: due 30 Oct, overdue
                session("individual", "2026-11-16", "sw2", recorded="2026-11-16"),
                session("case", "2026-11-02", "sw1", case_ref="CR-1"),
            ]
        )
        directory.add_leave("sw2", date(2026, 11, 20), date(2026, 12, 4))
        tx.add_outcome(  # type: ignore[attr-defined]
            Outcome(
                "decision",
                "tm1",
                {"chosen": "Strategy meeting", "acknowledge_by": "sw1"},
                {"case_ref": "CR-1"},
                NOW,
                {},
            )
        )

    await store.run_sql(load)


async def test_a_supervisor_sees_due_overdue_leave_late_records_and_waiting_decisions(
    sql_store: SqlStore,
) -> None:
    await seeded(sql_store)
    [reply] = await chat(assistant_over(sql_store), ["/team"], person="tm1")
    lines = reply.text.splitlines()
    assert lines[0] == "Tom Manager's team on Mon 23 Nov 2026 (2 people):"
    # Sara's 1 Oct session record is not written (Southwark: by the next working day).
    assert (
        "- Sara Worker: individual supervision overdue since Fri 30 Oct 2026 (24 days); "
        "1 record late" in lines
    )
    assert (
        "- Sam Worker: on leave until Fri 4 Dec 2026; individual supervision due by Wed 16 Dec 2026"
        in lines
    )
    assert any(
        line.startswith("- Decision 1 on CR-1 awaits acknowledgement by Sara Worker")
        for line in lines
    )
    assert "sw1" not in reply.text and "sw2" not in reply.text  # names, not ids
    shown = await sql_store.run_sql(lambda tx: tx.audit_entries(actor="tm1", record_kind="team"))
    assert sorted((e.subject, e.action, e.via) for e in shown) == [
        ("sw1", "read", "test"),  # the channel the question came through
        ("sw2", "read", "test"),
    ]  # each person shown is a read of their record, as on the dashboard


async def test_line_management_sees_the_span_and_others_see_nothing(sql_store: SqlStore) -> None:
    await seeded(sql_store)
    assistant = assistant_over(sql_store)
    [head] = await chat(assistant, ["/team"], person="hos")
    assert head.text.startswith("Hana Head's team on Mon 23 Nov 2026 (3 people):")
    assert "- Sara Worker: individual supervision overdue" in head.text
    [one] = await chat(assistant, ["/team tm1"], person="hos")
    assert one.text.startswith("Tom Manager's team")
    [worker] = await chat(assistant, ["/team"], person="sw1")
    assert worker.text == "You supervise nobody in the directory, so there is no team to show."
    [nosy] = await chat(assistant, ["/team tm1"], person="sw1")
    assert nosy.text == "tm1 is not someone you supervise or manage."


async def test_after_a_go_live_the_team_view_agrees_with_the_first_sweep(
    sql_store: SqlStore,
) -> None:
    """A new deployment (issue 19 point 1): nobody is shown years overdue for the time before
    the assistant, as the sweep chases nothing due before go-live; the policy's date is kept."""
    await seeded(sql_store)
    config = Config.model_validate({"reminders": {"go_live": "2026-11-30"}})
    [reply] = await chat(assistant_over(sql_store, config), ["/team"], person="tm1")
    assert (
        "- Sara Worker: individual supervision due by Mon 30 Nov 2026 (go-live; due by the "
        "policy since Fri 30 Oct 2026); 1 record late" in reply.text.splitlines()
    )
    dry = await build_sweeper(config, sql_store).sweep(date(2026, 11, 30), NOW, dry_run=True)
    assert any(r.to == "sw1" and r.kind == "individual" and r.due == date(2026, 11, 30)
               for r in dry.reminders)  # fmt: skip

    [agenda] = await chat(assistant_over(sql_store, config), ["/agenda"], person="sw1")
    assert agenda.text.splitlines()[0].startswith(
        "Agenda draft for your next supervision (due by Mon 30 Nov 2026)"
    )


async def test_someone_who_left_is_no_longer_shown(sql_store: SqlStore) -> None:
    """An import that no longer lists Sara marks her as left: reminders stop, and /team no
    longer shows her as overdue (her records stay, for the archive)."""
    await seeded(sql_store)
    await sql_store.run_sql(
        lambda tx: tx.directory.mark_leavers({"tm1", "sw2", "hos"}, {"Team A"}, NOW.date())
    )
    [reply] = await chat(assistant_over(sql_store), ["/team"], person="tm1")
    assert reply.text.startswith("Tom Manager's team on Mon 23 Nov 2026 (1 person):")
    assert "Sara Worker" not in reply.text
    # The chain itself keeps her: last month's report and her archived timeline count her.
    still = await sql_store.run_sql(lambda tx: [p.id for p in below(tx, "tm1")])
    assert still == ["sw1", "sw2"]
