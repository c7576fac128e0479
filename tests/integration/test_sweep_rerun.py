"""Issue 16: a second scheduled sweep of the same day (another `sva serve`, a restart) sends
what is still queued without reading the directory or computing anything again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.operations import reminders
from storage.outbox import OutboxSql
from storage.sql import SqlStore
from tests.integration.test_sweep import MONDAY, NOW, RecordingNotifier, seed, sweeper


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_second_scheduled_sweep_of_the_day_only_sends_what_is_still_queued(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    first = await sweeper(sql_store, RecordingNotifier(unreachable={"sw2"})).sweep(MONDAY, NOW)
    assert first.already_swept is None and "sw2" in first.unreachable
    back = RecordingNotifier()
    with statements(sql_store.engine) as sent:
        second = await sweeper(sql_store, back).sweep(
            MONDAY, NOW + timedelta(hours=1), recompute=False
        )
    assert second.already_swept is not None and second.reminders == []
    assert [person for person, _ in back.delivered] == ["sw2"]  # released, then sent now
    # Nothing recomputed: the directory is not read; the only reads of people and sessions
    # are keyed on one person, the stale check of sw2's queued reminders (issue 19 point 13:
    # a supervision held since they were queued is not chased).
    touched = [s for s in sent if " sessions" in s or " people" in s]
    assert touched and all("people.id = " in s or "supervisee_id = " in s for s in touched)


async def test_a_dry_run_does_not_count_as_the_days_sweep(sql_store: SqlStore) -> None:
    await seed(sql_store)
    await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    notifier = RecordingNotifier()
    report = await sweeper(sql_store, notifier).sweep(MONDAY, NOW, recompute=False)
    assert report.already_swept is None and report.reminders
    assert sorted(p for p, _ in notifier.delivered) == ["hos", "sw1", "sw2", "tm1"]


async def test_asked_to_recompute_a_swept_day_it_lists_the_reminders_again(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    first = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW)
    again = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, recompute=True)
    assert again.already_swept is None
    assert {r.key for r in again.reminders} == {r.key for r in first.reminders}
    assert again.sent_now == set() and again.sent_before == first.sent_now


async def test_a_sweep_that_died_between_its_queueing_commits_is_done_again_whole(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day's reminders are queued a few thousand per commit (so acknowledgements need
    not wait for all of them); the day counts as swept only with the last."""
    await seed(sql_store)
    monkeypatch.setattr(reminders, "ENQUEUE_ROWS", 2)
    queue = OutboxSql.enqueue
    calls: list[int] = []

    def dies_at_the_second(self: OutboxSql, items: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("the process died")
        queue(self, items, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(OutboxSql, "enqueue", dies_at_the_second)
        with pytest.raises(RuntimeError):
            await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW)
    assert await sql_store.run_sql(lambda tx: tx.outbox.swept(MONDAY)) is None
    assert await sql_store.run_sql(lambda tx: tx.outbox.depth()) == calls[0]  # the first's
    notifier = RecordingNotifier()
    again = await sweeper(sql_store, notifier).sweep(MONDAY, NOW, recompute=False)
    assert again.already_swept is None and len(again.reminders) > 4  # several commits
    assert sorted(p for p, _ in notifier.delivered) == ["hos", "sw1", "sw2", "tm1"]
    assert again.sent_now == {r.key for r in again.reminders}
    swept = await sql_store.run_sql(lambda tx: tx.outbox.swept(MONDAY))
    assert swept is not None and await sql_store.run_sql(lambda tx: tx.outbox.depth()) == 0


async def test_each_persons_reminders_are_queued_in_one_commit(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another dispatcher may send what is queued while the rest is still being queued: a
    person split across two commits would get two digests."""
    await seed(sql_store)
    monkeypatch.setattr(reminders, "ENQUEUE_ROWS", 1)
    queue = OutboxSql.enqueue
    commits: list[list[str]] = []

    def recorded(self: OutboxSql, items: Any, *args: Any, **kwargs: Any) -> None:
        commits.append([i.person_id for i in items])
        queue(self, items, *args, **kwargs)

    monkeypatch.setattr(OutboxSql, "enqueue", recorded)
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW)
    people = [p for commit in commits for p in set(commit)]
    assert len(report.reminders) > len(commits) > 1  # someone has several reminders
    assert sorted(people) == sorted(set(people)) == ["hos", "sw1", "sw2", "tm1"]
