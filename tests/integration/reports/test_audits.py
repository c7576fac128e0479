"""Dip samples and audit findings on the hand-worked team, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import build_assistant
from bot.config import Config
from bot.operations.reports.audits import AuditError, draw, record_finding
from bot.operations.reports.load import load_sessions, month
from bot.operations.reports.scope import Scope
from policies.agenda import render_agenda
from storage.sql import SqlStore
from tests import oversight_fixture as fx

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
NOVEMBER_RECORDS = {  # held individual and case sessions of team North in November
    "individual|2026-11-16|sw1|", "individual|2026-11-05|sw2|", "individual|2026-11-02|m1|",
    "case|2026-11-03|sw1|CR-1", "case|2026-11-05|sw2|CR-3", "case|2026-11-26|sw2|CR-4",
    "case|2026-11-10|sw3|CR-5",
}  # fmt: skip


async def sample(store: SqlStore, **options: object) -> list[str]:
    period = month(fx.MONTH)
    people, sessions = await load_sessions(store, Scope("team", fx.TEAM, teams=(fx.TEAM,)), period)
    drawn = draw(people, sessions, period=period, scope="team North", **options)  # type: ignore[arg-type]
    return [item.session.key for item in drawn]


async def test_the_sample_is_reproducible_and_drawn_from_the_months_records(
    sql_store: SqlStore,
) -> None:
    await fx.seed(sql_store)
    first = await sample(sql_store, size=4)
    assert len(first) == 4 and set(first) <= NOVEMBER_RECORDS
    assert await sample(sql_store, size=4) == first
    others = [await sample(sql_store, size=4, word=w) for w in ("a", "b", "c")]
    assert any(o != first for o in others)
    assert set(await sample(sql_store, size=50)) == NOVEMBER_RECORDS
    per = await sample(sql_store, size=1, per_supervisor=True)  # one per supervisor: m1 and h1
    assert len(per) == 2 and "individual|2026-11-02|m1|" in per


async def test_a_finding_returns_on_the_supervisees_agenda_and_they_are_told(
    sql_store: SqlStore,
) -> None:
    await fx.seed(sql_store)
    found = await sql_store.run_sql(
        lambda tx: record_finding(
            tx,
            "case|2026-11-10|sw3|CR-5",
            "h1",
            "Record not written up; the plan lacks timescales.",
            NOW,
        )
    )
    number, action = found.number, found.action
    assert (found.supervisee_id, found.session_key) == ("sw3", "case|2026-11-10|sw3|CR-5")
    actions = await sql_store.run(lambda tx: tx.open_actions("sw3"))
    (mine,) = [a for a in actions if a.id == action]
    assert mine.case_ref == "CR-5" and mine.owner == "sw3"
    assert mine.what.startswith("Case audit (CR-5, record of 2026-11-10): Record not written up")
    assistant = build_assistant(Config(), sql_store, clock=lambda: NOW)
    agenda = render_agenda(await assistant.current_agenda("sw3"), assistant.templates)
    assert "Case audit (CR-5, record of 2026-11-10)" in agenda
    found = await sql_store.run_sql(lambda tx: tx.findings.of("sw3"))
    assert [(f.id, f.recorded_by, f.session_key) for f in found] == [
        (number, "h1", "case|2026-11-10|sw3|CR-5")
    ]
    queued = await sql_store.run_sql(
        lambda tx: tx.outbox.claim("t", NOW, timedelta(minutes=5), 100)
    )
    (told,) = [item for item in queued if item.person_id == "sw3"]
    assert told.text.startswith("Feedback from the audit of your supervision record of 2026-11-10")


async def test_a_finding_needs_a_known_record_and_some_text(sql_store: SqlStore) -> None:
    await fx.seed(sql_store)
    with pytest.raises(AuditError, match="no individual or case supervision record"):
        await sql_store.run_sql(
            lambda tx: record_finding(tx, "case|2026-11-10|nobody|X", "h1", "x", NOW)
        )
    with pytest.raises(AuditError, match="1 to 2000 characters"):
        await sql_store.run_sql(
            lambda tx: record_finding(tx, "case|2026-11-10|sw3|CR-5", "h1", "  ", NOW)
        )
