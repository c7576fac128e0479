"""Subject access (`export_person`) and erasure (`erase_person`) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.assistant.access import Viewer
from bot.operations.private_files import FileExists
from bot.operations.reports.kept import report
from bot.operations.reports.load import month
from bot.operations.reports.scope import Scope
from bot.operations.subject_access import UnknownPerson, erase_person, export_person
from policies.assignment import PackAssignment
from policies.packs import load_packs
from storage.db import create_engine
from storage.sql import SqlStore, SqlTransaction
from storage.subject import PERSON_COLUMNS
from storage.tables import Base
from tests import oversight_fixture as fx
from tests.factories import assistant_over, chat
from tests.integration.test_data_at_rest import everything_on_disk, people
from tests.unit.bot.assistant.test_decisions import recorded

ADMIN = Viewer.admin("dpo", via="cli:test")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MINE = ["ALICEMARKa", "ALICEMARKb", "ALICEMARKc", "ALICEMARKd", "ALICEMARKe"]
OTHERS = "SWONEPRIVATE"  # sw1's unshared check-in


def checkin(text: str) -> list[str]:
    return [
        "/checkin",
        text,
        "skip",
        "skip",
        "skip",
        "skip",
        "6",
        "skip",
        "skip",
        "confirm",
        "That's all",
    ]


async def history(store: SqlStore) -> None:
    """Alice's own data, a decision she disputes, and someone else's private check-in."""
    await people(store)
    assistant = assistant_over(store)
    await chat(assistant, checkin(f"{MINE[0]} my divorce"))
    await chat(
        assistant, ["/prep CR-1", f"{MINE[1]} worry", "Gran", "Visit", *["skip"] * 5, "confirm"]
    )
    await chat(assistant, [f"/agenda add {MINE[2]} my item", "/agenda send"])
    acknowledge_alice = [a if a != "sw1" else "alice" for a in recorded()]
    await chat(assistant, acknowledge_alice, person="tm1")
    await chat(assistant, ["/dispute 1 The risk is lower than stated"])
    await chat(assistant, ["/ears professional", f"{MINE[3]} a conference"])  # in progress
    await chat(assistant, checkin(f"{OTHERS} private"), person="sw1")


def test_every_table_says_what_erasure_does_with_it() -> None:
    assert set(PERSON_COLUMNS) == set(Base.metadata.tables)


async def test_export_holds_everything_about_the_person_and_nobody_elses_private_data(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await history(sql_store)
    out = tmp_path / "sar"
    written = await export_person(sql_store, "alice", out, ADMIN, NOW, force=False)
    assert [p.name for p in written] == ["alice.json", "alice.md"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o600}
    data = json.loads(written[0].read_text())
    everything = written[0].read_text() + written[1].read_text()
    assert [m for m in MINE[:4] if m not in everything] == []
    assert OTHERS not in everything
    assert data["people"][0]["name"] == "Alice"
    assert [r["kind"] for r in data["decision_responses"]] == ["disputed"]
    assert data["decisions"][0]["case_ref"] == "CR-1"
    assert "## Wellbeing checkins (1)" in written[1].read_text()
    assert len(data["conversations"]) == 1
    with pytest.raises(FileExists):
        await export_person(sql_store, "alice", out, ADMIN, NOW, force=False)
    with pytest.raises(UnknownPerson):
        await export_person(sql_store, "nobody", out, ADMIN, NOW, force=True)

    def audited(tx: object) -> list[tuple[str, str, str | None]]:
        entries = tx.audit_entries(subject="alice")  # type: ignore[attr-defined]
        return [(e.actor, e.action, e.subject) for e in entries if e.actor == "os:dpo"]

    assert await sql_store.run_sql(audited) == [("os:dpo", "export", "alice")]


async def test_erasure_leaves_nothing_of_the_person_but_keeps_the_case_decision(
    sql_store: SqlStore, database_url: str, tmp_path: Path
) -> None:
    await history(sql_store)
    log = tmp_path / "sva-reminders.log"
    log.write_text("=== to alice at x ===\nHello Alice\n\n=== to tm1 at x ===\nAbout sw1\n\n")
    done = await erase_person(sql_store, "alice", ADMIN, NOW, reminder_log=log)
    assert done.replacement.startswith("erased social_worker ")
    assert done.changes["wellbeing_checkins: deleted"] == 1
    assert done.changes["decision_responses: replaced"] == 1
    assert done.changes["sva-reminders.log: entries dropped"] == 1
    assert log.read_text() == "=== to tm1 at x ===\nAbout sw1\n\n"

    def after(tx: object) -> tuple[object, object, list[object]]:
        t = tx  # type: ignore[assignment]
        [decision] = t.decisions(ids=[1])  # type: ignore[attr-defined]
        audit = [(e.action, e.record_kind) for e in t.audit_entries(subject="alice")]  # type: ignore[attr-defined]
        return decision, t.person("alice"), audit  # type: ignore[attr-defined]

    decision, person, audit = await sql_store.run_sql(after)
    assert person is None
    assert decision.acknowledge_by == done.replacement  # type: ignore[attr-defined]
    assert decision.responses[0].text == "The risk is lower than stated"  # type: ignore[attr-defined]
    assert ("admin", "person-erasure") in audit
    await sql_store.close()
    on_disk = everything_on_disk(database_url)
    assert [m for m in MINE[:4] if m in on_disk] == []
    assert "Alice" not in on_disk
    assert OTHERS in on_disk  # someone else's data is untouched
    naming = {t: rows for t, rows in tables_as_text(database_url).items() if "alice" in rows}
    assert list(naming) == ["audit_log"]  # ids only, chained by hash: kept, see storage/subject.py


def tables_as_text(database_url: str) -> dict[str, str]:
    """Each table's raw rows as text, read without the application's types or keys."""
    engine = create_engine(database_url)
    with engine.connect() as db:
        found = {
            t: str(db.exec_driver_sql(f"SELECT * FROM {t}").all()) for t in Base.metadata.tables
        }
    engine.dispose()
    return found


async def test_a_change_of_supervisor_and_a_sickness_cancellation_are_exported_and_erased(
    sql_store: SqlStore, database_url: str, tmp_path: Path
) -> None:
    from datetime import date

    from tests.factories import person, session

    await people(sql_store)
    sick = session("individual", "2026-11-02", "alice", status="cancelled")

    def load(tx: SqlTransaction) -> None:
        moved = [person("alice", supervisor="sw1")]
        tx.person_events.note_supervisors(moved, {}, date(2026, 11, 2), "import")
        tx.directory.upsert_sessions([sick])
        tx.person_events.note_sickness([sick.key], {sick.key: date(2026, 11, 20)})

    await sql_store.run_sql(load)
    out = tmp_path / "sar"
    written = await export_person(sql_store, "alice", out, ADMIN, NOW, force=False)
    data = json.loads(written[0].read_text())
    assert [r["supervisor_id"] for r in data["person_events"]] == ["sw1"]
    assert [r["returned_on"] for r in data["sickness_cancellations"]] == ["2026-11-20"]
    done = await erase_person(sql_store, "alice", ADMIN, NOW, reminder_log=tmp_path / "none.log")
    assert done.changes["person_events: replaced"] == 1
    assert done.changes["sickness_cancellations: replaced"] == 1
    await sql_store.close()
    naming = {t: rows for t, rows in tables_as_text(database_url).items() if "alice" in rows}
    assert list(naming) == ["audit_log"]


async def test_export_holds_the_persons_own_kept_compliance_figures_only(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """A kept report record holds a whole team; Sam's request gets Sam's row of it."""
    await fx.seed(sql_store)
    rules = PackAssignment(packs=load_packs(), default="manchester", teams={})
    await report(sql_store, Scope("council", "council"), month(fx.MONTH), rules)
    written = await export_person(sql_store, "sw1", tmp_path / "sar", ADMIN, NOW, force=False)
    kept = json.loads(written[0].read_text())["kept_report_figures"]
    assert [(k["period_start"], k["period_end"]) for k in kept] == [("2026-11-01", "2026-11-30")]
    assert kept[0]["figures"]["individual"]["due"] >= 1
    text = written[0].read_text() + written[1].read_text()
    assert "Priya" not in text and '"sw2"' not in text  # a teammate


async def test_an_erasure_whose_log_could_not_be_emptied_says_so(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """Readers outlasting every attempt leave old copies of the erased rows in SQLite's log
    (tests/integration/test_fold_journal.py): the erasure reports it rather than hiding it."""
    await history(sql_store)
    log = tmp_path / "none.log"
    done = await erase_person(sql_store, "alice", ADMIN, NOW, reminder_log=log, fold=busy)
    assert done.journal_emptied is False
    assert done.changes["wellbeing_checkins: deleted"] == 1  # the erasure itself happened
    again = await erase_person(sql_store, "sw1", ADMIN, NOW, reminder_log=log)
    assert again.journal_emptied is True
    await sql_store.close()


def busy(store: SqlStore) -> bool:
    """A fold that readers outlasted (what storage.db.fold_journal then returns)."""
    return False
