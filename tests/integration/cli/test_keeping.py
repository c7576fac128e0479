"""Last month's council figures kept ahead of time (bot/cli/keeping.py): `sva report keep`,
the process `sva serve` runs it in each day, and that process ended with the server."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.bootstrap import pack_assignment
from bot.cli.keeping import daily_keeping, keep_in_child, keeping_jobs
from bot.config import Config, DatabaseConfig, OversightConfig
from bot.operations.reports.keeping import keep_last_month
from storage.db import create_engine
from storage.sql import SqlStore
from tests import oversight_fixture as fx
from tests.integration.cli.test_cli_contracts import sva

EARLY_DECEMBER = date(2026, 12, 3)


async def measured_now(url: str) -> int:
    """How many people a report of the fixture's month, under the rules of a configuration
    naming only the database, would measure afresh."""
    store = SqlStore(engine=create_engine(url))
    rules = pack_assignment(Config(database=DatabaseConfig(url=url)))
    try:
        return (await keep_last_month(store, rules, EARLY_DECEMBER)).measured
    finally:
        await store.close()


def test_sva_report_keep_keeps_last_month_so_a_second_run_measures_nobody(
    seeded: str, tmp_path: Path
) -> None:
    first = sva("report", "keep", cwd=tmp_path, database_url=seeded)
    assert first.returncode == 0, first.stderr
    assert f"{len(fx.PEOPLE)} people measured afresh" in first.stdout
    second = sva("report", "keep", cwd=tmp_path, database_url=seeded)
    assert second.returncode == 0, second.stderr
    assert "nothing changed since they were last kept" in second.stdout


@pytest.fixture
def refusing(seeded: str) -> Iterator[str]:
    """The seeded database, refusing every kept figure (as a full disk or a lock would)."""
    engine = create_engine(seeded)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as db:
        if sqlite:
            db.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON kept_report_figures "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            db.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
            )
            db.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON kept_report_figures "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
    yield seeded
    with engine.begin() as db:  # PostgreSQL's test database is shared by the run's tests
        if sqlite:
            db.exec_driver_sql("DROP TRIGGER refuse")
        else:
            db.exec_driver_sql("DROP TRIGGER refuse ON kept_report_figures")
            db.exec_driver_sql("DROP FUNCTION refuse()")
    engine.dispose()


def test_figures_the_database_refuses_are_not_reported_as_kept(
    refusing: str, tmp_path: Path
) -> None:
    result = sva("report", "keep", cwd=tmp_path, database_url=refusing)
    assert result.returncode == 1
    assert "kept the council's figures" not in result.stdout
    assert "the figures were not kept:" in result.stderr and "refused" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.asyncio
async def test_the_keeping_process_keeps_the_months_figures(seeded: str) -> None:
    config = Config(database=DatabaseConfig(url=seeded))
    assert await keep_in_child(config, EARLY_DECEMBER) == 0
    assert await measured_now(seeded) == 0  # everything was kept by the child


@pytest.mark.asyncio
async def test_a_server_stopping_ends_the_keeping_process_under_way(seeded: str) -> None:
    config = Config(database=DatabaseConfig(url=seeded))
    run = asyncio.create_task(keep_in_child(config, EARLY_DECEMBER))
    for _ in range(500):  # started (and still importing, for a second or more)
        if multiprocessing.active_children():
            break
        await asyncio.sleep(0.01)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert multiprocessing.active_children() == []
    assert await measured_now(seeded) == len(fx.PEOPLE)  # it kept nothing


@pytest.mark.asyncio
async def test_a_keeping_process_whose_figures_are_refused_exits_1(refusing: str) -> None:
    config = Config(database=DatabaseConfig(url=refusing))
    assert await keep_in_child(config, EARLY_DECEMBER) == 1


@pytest.mark.asyncio
async def test_keeping_runs_after_start_and_after_each_days_sweep_and_failures_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    asked: list[date] = []
    slept: list[float] = []

    async def keep(config: Config, today: date) -> int:
        asked.append(today)
        if len(asked) == 3:
            raise OSError("no process could be started")  # logged; the job goes on
        return 1  # failed: logged, and tried again the next day

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 5:
            raise asyncio.CancelledError  # the server stopping

    clock = iter(
        [
            datetime(2026, 12, 2, 22, 0),  # started: a run a minute later
            datetime(2026, 12, 3, 7, 1, 59, 950_000),  # 50 ms before 07:02 (sweep at 07:00)
            datetime(2026, 12, 4, 7, 1, 0),
            datetime(2026, 12, 5, 7, 2, 30),  # just missed: tomorrow
            datetime(2026, 12, 6, 7, 2, 0),
        ]
    )
    at = datetime.combine(EARLY_DECEMBER, time(7, 0))
    warnings = caplog.at_level(logging.WARNING, logger="bot.cli.keeping")
    with warnings, pytest.raises(asyncio.CancelledError):
        await daily_keeping(Config(), at, keep, now=lambda: next(clock), sleep=sleep)
    assert slept == [60.0, 0.05, 60.0, 86_370.0, 86_400.0]
    assert asked == [date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 6)]
    assert "ended with exit code 1" in caplog.text
    assert "could not run" in caplog.text


def test_serve_keeps_figures_unless_the_setting_is_off() -> None:
    assert len(keeping_jobs(Config())) == 1
    assert keeping_jobs(Config(oversight=OversightConfig(keep_figures=False))) == []
