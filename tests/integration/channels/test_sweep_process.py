"""`sva serve` computes and queues the daily sweep in a process of its own
(bot/channels/sweep_process.py), so the memory that takes is given back when it is done;
the server then sends what the child queued, as if it had swept the day itself."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest

from bot.assistant.signoff import respond
from bot.channels.processes import SPAWN
from bot.channels.sweep_process import (
    SweepProcessFailed,
    _how_it_ended,
    can_queue_in_child,
    queue_in_child,
)
from bot.config import Config
from bot.operations.reminders import Queue, Sweeper
from storage.sql import SqlStore
from tests.factories import a_team, session
from tests.integration.test_sweep import MONDAY, NOW, RecordingNotifier, seed, sweeper
from tests.integration.test_sweep_rerun import statements


def config_for(url: str) -> Config:
    return Config.model_validate({"database": {"url": url}})


def in_child(url: str, server: Sweeper) -> Queue:
    """Queueing in a child, with the server's packs and settings."""
    return partial(queue_in_child, config_for(url), server.assignment, server.settings)


async def test_a_day_queued_in_a_child_is_sent_here_without_reading_it_again(
    sql_store: SqlStore, database_url: str
) -> None:
    await seed(sql_store)
    expected = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    notifier = RecordingNotifier()
    server = sweeper(sql_store, notifier)
    with statements(sql_store.engine) as ran:
        report = await server.sweep(
            MONDAY, NOW, recompute=False, queue=in_child(database_url, server)
        )
    assert sorted(p for p, _ in notifier.delivered) == ["hos", "sw1", "sw2", "tm1"]
    assert report.sent_now == {r.key for r in expected.reminders}
    assert report.sent_before_count == 0
    assert (report.found, report.overdue) == (expected.found, expected.overdue) != (0, 0)
    assert report.reminders == []  # the reminders themselves stay in the child
    assert set(report.seconds) == {"load", "compute", "enqueue", "dispatch"}
    # What the child computed just now is not checked again for having been satisfied (a
    # few reads a row), and nothing here read the directory.
    assert not [s for s in ran if " sessions" in s or " people" in s]
    swept = await sql_store.run_sql(lambda tx: tx.outbox.swept(MONDAY))
    assert swept is not None


async def test_a_reminder_waiting_from_an_earlier_day_is_checked_before_the_server_sends_it(
    sql_store: SqlStore, database_url: str
) -> None:
    """Only the rows waiting from earlier sweeps come back from the child to be checked for
    having been satisfied since: a sign-off agreed after its reminder was queued is not sent."""

    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        team = [replace(p, policy="central-bedfordshire") for p in a_team()]  # a sign-off window
        directory.upsert_people(team)
        directory.upsert_sessions(
            [session("individual", "2026-11-19", "sw2", recorded="2026-11-20")]
        )

    await sql_store.run_sql(load)
    first = await sweeper(sql_store, RecordingNotifier(unreachable={"sw2"})).sweep(MONDAY, NOW)
    waiting = {r.key for r in first.reminders if r.to == "sw2" and r.kind == "signoff"}
    assert waiting and "sw2" in first.unreachable
    await sql_store.run_sql(lambda tx: respond(tx, "sw2", date(2026, 11, 19), None, NOW))
    notifier = RecordingNotifier()
    server = sweeper(sql_store, notifier)
    tuesday = MONDAY + timedelta(days=1)
    report = await server.sweep(
        tuesday, NOW + timedelta(days=1), recompute=False, queue=in_child(database_url, server)
    )
    assert all("agree or dispute" not in text for _, text in notifier.delivered)
    assert not waiting & report.sent_now
    assert not waiting & await sql_store.run_sql(lambda tx: tx.outbox.unsent_keys())  # done
    assert notifier.delivered  # the others' digests went


async def test_what_was_sent_on_an_earlier_day_is_counted_as_sent_before_without_the_keys(
    sql_store: SqlStore, database_url: str
) -> None:
    """A reminder still due the next day keeps its key and is not sent twice; with the keys
    left in the child, the server still counts it as sent before."""
    await seed(sql_store)
    monday = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW)
    tuesday = MONDAY + timedelta(days=1)
    expected = await sweeper(sql_store, RecordingNotifier()).sweep(tuesday, NOW, dry_run=True)
    again = {r.key for r in expected.reminders} & monday.sent_now
    assert again  # the seed has reminders due on both days
    server = sweeper(sql_store, RecordingNotifier())
    report = await server.sweep(
        tuesday, NOW + timedelta(days=1), recompute=False, queue=in_child(database_url, server)
    )
    assert report.sent_before_count == len(again)
    assert not again & report.sent_now
    assert report.sent_now == {r.key for r in expected.reminders} - again


async def test_a_child_that_cannot_open_the_database_queues_nothing_and_says_so(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    await seed(sql_store)
    notifier = RecordingNotifier()
    server = sweeper(sql_store, notifier)
    elsewhere = in_child(f"sqlite:///{tmp_path / 'missing' / 'sva.db'}", server)
    with pytest.raises(SweepProcessFailed, match="exit code 1"):
        await server.sweep(MONDAY, NOW, recompute=False, queue=elsewhere)
    assert notifier.delivered == []
    assert await sql_store.run_sql(lambda tx: tx.outbox.swept(MONDAY)) is None


async def test_a_server_stopping_mid_sweep_ends_the_child(
    sql_store: SqlStore, database_url: str
) -> None:
    queue = in_child(database_url, sweeper(sql_store, RecordingNotifier()))
    task = asyncio.create_task(queue(MONDAY))
    await asyncio.sleep(0.2)  # started, not yet done (it is still importing)
    assert [p.name for p in SPAWN.active_children()] == ["sva-sweep"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert SPAWN.active_children() == []


def test_only_a_database_in_memory_keeps_the_sweep_in_the_server(tmp_path: Path) -> None:
    assert can_queue_in_child(config_for(f"sqlite:///{tmp_path / 'sva.db'}"))
    assert can_queue_in_child(config_for("postgresql+psycopg://postgres@127.0.0.1/sva"))
    assert not can_queue_in_child(config_for("sqlite://"))
    assert not can_queue_in_child(config_for("sqlite:///:memory:"))


async def test_the_child_sweeps_by_the_servers_packs_not_what_is_on_disk_now(
    sql_store: SqlStore, database_url: str
) -> None:
    """An edited pack waits for a restart, in the sweep as in the server's answers: here
    the configuration now names a pack that does not exist, which the child never reads."""
    await seed(sql_store)
    server = sweeper(sql_store, RecordingNotifier())
    edited = Config.model_validate(
        {"database": {"url": database_url}, "assistant": {"default_policy": "no-such-pack"}}
    )
    queue = partial(queue_in_child, edited, server.assignment, server.settings)
    report = await server.sweep(MONDAY, NOW, recompute=False, queue=queue)
    assert report.digests == 4 and not report.problems


def test_a_child_ended_by_a_signal_is_told_apart_from_one_that_failed() -> None:
    assert _how_it_ended(-signal.SIGTERM) == "was ended by SIGTERM"  # the service stopping
    assert _how_it_ended(-signal.SIGKILL) == "was ended by SIGKILL"  # out of memory, say
    assert _how_it_ended(1) == "ended with exit code 1"  # it logged its own traceback
