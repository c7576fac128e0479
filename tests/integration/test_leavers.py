"""Leavers: an import that no longer lists someone marks them left, and they stop at once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.bootstrap import build_sweeper
from bot.config import Config
from bot.operations.importer import import_file
from policies.assignment import PackAssignment
from policies.packs import load_packs
from storage.sql import SqlStore

HEADER = "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
TOM = "tm1,Tom,team_manager,Team A,,,2018-01-01,false,telegram:100\n"
SARA = "sw1,Sara,social_worker,Team A,,tm1,2020-01-01,true,telegram:101\n"
SAM = "sw2,Sam,social_worker,Team A,,tm1,2020-01-01,true,telegram:102;console:sam\n"
PACKS = PackAssignment(packs=load_packs(), default="southwark", teams={})
BEA = "sw3,Bea,social_worker,Team B,,tm1,2020-01-01,true,telegram:103\n"


async def load(store: SqlStore, tmp_path: Path, *rows: str) -> list[str]:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "".join(rows))
    report = await import_file(store, "people", path, PACKS)
    assert report.problems == []
    return report.left


async def test_a_person_no_longer_listed_has_left_and_cannot_use_the_assistant(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    assert await load(sql_store, tmp_path, TOM, SARA, SAM, BEA) == []
    assert await load(sql_store, tmp_path, TOM, SARA) == ["sw2"]  # Team B not in this file

    def seen(tx: object) -> tuple[object, ...]:
        d = tx.directory  # type: ignore[attr-defined]
        return (
            tx.chat.person_for("telegram", "102"),  # type: ignore[attr-defined]
            d.person("sw2"),
            sorted(p.id for p in d.people()),
            d.person_for_console("sam"),
            tx.subjects.held_about("sw2")["people"][0]["left_on"],  # type: ignore[attr-defined]
        )

    identity, person, everyone, console, left_on = await sql_store.run_sql(seen)
    assert identity is None and person is None and console is None
    assert everyone == ["sw1", "sw3", "tm1"]
    assert left_on == datetime.now(UTC).date().isoformat()
    assert await load(sql_store, tmp_path, TOM, SARA) == []  # left once, not again
    assert await load(sql_store, tmp_path, TOM, SARA, SAM) == []  # back: listed again

    def back(tx: object) -> tuple[object, object]:
        return tx.chat.person_for("telegram", "102"), tx.directory.person("sw2")  # type: ignore[attr-defined]

    identity, person = await sql_store.run_sql(back)
    assert identity == "sw2" and person is not None


async def test_the_sweep_reminds_nobody_about_or_for_a_leaver(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await load(sql_store, tmp_path, TOM, SARA, SAM)
    sessions = tmp_path / "sessions.csv"
    sessions.write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status\n"
        "individual,2026-09-01,sw1,tm1,,held\nindividual,2026-09-01,sw2,tm1,,held\n"
    )
    assert (await import_file(sql_store, "sessions", sessions, PACKS)).problems == []
    sweeper = build_sweeper(Config(), sql_store)
    day = date(2026, 11, 23)
    before = await sweeper.sweep(day, datetime.now(UTC), dry_run=True)
    assert any("sw2" in r.key for r in before.reminders)
    assert await load(sql_store, tmp_path, TOM, SARA) == ["sw2"]
    after = await sweeper.sweep(day, datetime.now(UTC), dry_run=True)
    assert after.reminders and not [r.key for r in after.reminders if "sw2" in r.key]
