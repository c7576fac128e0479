"""The daily sweep of `sva serve` (bot/operations/scheduler.py): it runs at the day's sweep
time, a server started after that time catches the day up, and a sweep that fails is tried
again the same day."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest

from bot.operations.reminders import QueueFailed, SweepReport
from bot.operations.scheduler import daily_sweeps

AT = datetime(2000, 1, 1, 7, 30)


class FakeSweeper:
    """Records the days swept; fails the first `failures` times."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.days: list[date] = []
        self.queues: list[object] = []  # how each try was asked to compute and queue
        self.failures = failures
        self.error = error or ConnectionError("the database did not answer")

    async def sweep(
        self, on: date, now: datetime, *, recompute: bool, queue: object = None
    ) -> SweepReport:
        self.days.append(on)
        self.queues.append(queue)
        if self.failures:
            self.failures -= 1
            raise self.error
        return SweepReport(on)


async def run_for(
    seconds: float,
    sweeper: FakeSweeper,
    clock: Callable[[], datetime],
    catch_up_until: time | None = None,
    queue: Any = None,
) -> None:
    reports: list[Any] = []
    task = asyncio.create_task(
        daily_sweeps(
            sweeper,  # type: ignore[arg-type]
            AT,
            reports.append,
            clock=clock,
            retry_seconds=0.01,
            catch_up_until=catch_up_until,
            queue=queue,
        )
    )
    await asyncio.sleep(seconds)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_sweep_runs_at_its_time_and_the_next_waits_for_tomorrow() -> None:
    times = iter([datetime(2026, 11, 27, 7, 29, 59, 950_000)])
    sweeper = FakeSweeper()
    await run_for(0.3, sweeper, lambda: next(times, datetime(2026, 11, 27, 7, 30, 1)))
    assert sweeper.days == [date(2026, 11, 27)]


async def test_a_server_started_after_the_sweep_time_sweeps_the_day_at_once() -> None:
    sweeper = FakeSweeper()
    await run_for(0.1, sweeper, lambda: datetime(2026, 11, 27, 9, 15), time(18))
    assert sweeper.days == [date(2026, 11, 27)]  # then waits for tomorrow's 07:30


async def test_after_catching_up_the_next_sweep_is_tomorrows() -> None:
    times = iter([datetime(2026, 11, 27, 9, 15), datetime(2026, 11, 28, 7, 29, 59, 950_000)])
    sweeper = FakeSweeper()
    await run_for(0.3, sweeper, lambda: next(times, datetime(2026, 11, 28, 7, 30, 1)), time(18))
    assert sweeper.days == [date(2026, 11, 27), date(2026, 11, 28)]


@pytest.mark.parametrize(
    ("started", "swept"),
    [(time(7, 30), True), (time(7, 29, 59), False), (time(17, 59, 59), True), (time(18), False)],
)
async def test_the_catch_up_window_runs_from_the_sweep_time_up_to_its_end(
    started: time, swept: bool
) -> None:
    sweeper = FakeSweeper()
    at = datetime.combine(date(2026, 11, 27), started)
    await run_for(0.05, sweeper, lambda: at, time(18))
    assert sweeper.days == ([date(2026, 11, 27)] if swept else [])


async def test_a_server_started_before_the_sweep_time_waits_for_it() -> None:
    sweeper = FakeSweeper()
    await run_for(0.1, sweeper, lambda: datetime(2026, 11, 27, 6, 0), time(18))
    assert sweeper.days == []


async def test_a_server_started_after_the_catch_up_time_leaves_the_day() -> None:
    sweeper = FakeSweeper()  # reminders at 9 pm help nobody: `sva remind` is there for that
    await run_for(0.1, sweeper, lambda: datetime(2026, 11, 27, 21, 0), time(18))
    assert sweeper.days == []


async def test_without_a_catch_up_time_a_late_server_waits_for_tomorrows_sweep() -> None:
    sweeper = FakeSweeper()
    await run_for(0.1, sweeper, lambda: datetime(2026, 11, 27, 9, 15))
    assert sweeper.days == []


async def test_a_failed_catch_up_is_tried_again_like_the_scheduled_sweep() -> None:
    sweeper = FakeSweeper(failures=1)
    await run_for(0.2, sweeper, lambda: datetime(2026, 11, 27, 9, 15), time(18))
    assert sweeper.days == [date(2026, 11, 27)] * 2


async def test_a_failed_sweep_is_tried_again_the_same_day(caplog: pytest.LogCaptureFixture) -> None:
    times = iter([datetime(2026, 11, 27, 7, 29, 59, 950_000)])
    sweeper = FakeSweeper(failures=2)
    await run_for(0.4, sweeper, lambda: next(times, datetime(2026, 11, 27, 7, 31)))
    assert sweeper.days == [date(2026, 11, 27)] * 3  # two failures, then the sweep
    assert "tried again" in caplog.text and "did not answer" in caplog.text


async def test_a_failed_sweep_is_not_retried_once_the_day_is_over() -> None:
    times = iter([datetime(2026, 11, 27, 7, 29, 59, 950_000)])
    sweeper = FakeSweeper(failures=5)
    await run_for(0.3, sweeper, lambda: next(times, datetime(2026, 11, 28, 0, 1)))
    assert sweeper.days == [date(2026, 11, 27)]  # tomorrow's sweep, at 07:30, takes over


async def test_after_the_sweep_process_fails_the_day_is_computed_in_the_server() -> None:
    """A child that cannot work (a broken install, killed for memory) must not cost the day
    its reminders: the retry computes them in the server's own process."""
    in_child = object()  # stands for bot/channels/sweep_process.py's queue_in_child
    sweeper = FakeSweeper(failures=1)
    await run_for(0.2, sweeper, lambda: datetime(2026, 11, 27, 9, 15), time(18), in_child)
    assert sweeper.queues == [in_child, None]


async def test_a_sweep_process_that_ended_is_logged_in_one_line_not_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The process logged its own traceback (or was stopped with the service): the server
    says what happened and when it tries again, without a second traceback of its own."""
    ended = QueueFailed("the sweep process was ended by SIGTERM")
    sweeper = FakeSweeper(failures=1, error=ended)
    await run_for(0.2, sweeper, lambda: datetime(2026, 11, 27, 9, 15), time(18), object())
    [record] = [r for r in caplog.records if "SIGTERM" in r.getMessage()]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert "tried again" in record.getMessage()
