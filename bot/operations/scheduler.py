"""What `sva serve` runs on a clock: the daily reminder sweep, and frequent delivery of
messages queued in between (an agenda sent to a supervisor, a decision to acknowledge)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time

from bot.operations.reminders import Queue, QueueFailed, Sweeper, SweepReport, next_sweep
from bot.operations.retention import Retention

log = logging.getLogger(__name__)
RETRY_SECONDS = 300.0  # a failed sweep is tried again this often, the same day


async def daily_sweeps(
    sweeper: Sweeper,
    at: datetime,
    report: Callable[[SweepReport], None],
    timed: Callable[[float], None] = lambda seconds: None,
    retention: Retention | None = None,
    clock: Callable[[], datetime] = datetime.now,
    retry_seconds: float = RETRY_SECONDS,
    catch_up_until: clock_time | None = None,
    queue: Queue | None = None,
) -> None:
    """Run the sweep every day at `at`'s time of day, forever; `timed` gets each sweep's
    duration in seconds. Then remove what `retention` says has been kept long enough.

    Started after the day's sweep time and before `catch_up_until`, it sweeps at once: a
    server down at the sweep time (a restart, an outage) would otherwise skip the day. A
    day already swept (by this server before a restart, or another) is not computed again:
    only what is still queued is sent.

    A sweep that fails (the database unreachable for a while) is tried again every
    `retry_seconds` until the day is over; it used to end the daily sweeps until a restart.

    `queue` computes and queues a day's reminders (default: in this process); after it
    fails, the day's next try computes them in this process."""

    async def sweep_day(day: date) -> None:
        how = queue
        while True:
            try:
                return await _sweep(sweeper, day, report, timed, retention, how)
            except QueueFailed as exc:  # its process logged why; a traceback here adds nothing
                log.warning("%s; the sweep is tried again in %.0f s", exc, retry_seconds)
            except Exception:
                log.exception("the reminder sweep failed; tried again in %.0f s", retry_seconds)
            how = None  # whatever failed, reminders still go out today
            await asyncio.sleep(retry_seconds)
            if clock().date() != day:  # the next day's sweep takes over
                return

    now = clock()
    if catch_up_until is not None and _missed_today(now, at, catch_up_until):
        log.info("started after today's sweep time: sweeping now")
        await sweep_day(now.date())
        now = clock()
    while True:
        wake = next_sweep(now, at)
        log.info("next reminder sweep at %s", f"{wake:%Y-%m-%d %H:%M}")
        await asyncio.sleep((wake - now).total_seconds())
        await sweep_day(wake.date())
        now = clock()


def _missed_today(now: datetime, at: datetime, catch_up_until: clock_time) -> bool:
    # By `next_sweep` itself (it goes by hours and minutes): a time it would still wait for
    # today is not missed.
    return next_sweep(now, at).date() > now.date() and now.time() < catch_up_until


async def _sweep(
    sweeper: Sweeper,
    day: date,
    report: Callable[[SweepReport], None],
    timed: Callable[[float], None],
    retention: Retention | None,
    queue: Queue | None,
) -> None:
    started = time.perf_counter()
    # Another process may have swept the day already: then only what is still queued.
    done = await sweeper.sweep(day, datetime.now(UTC), recompute=False, queue=queue)
    timed(time.perf_counter() - started)
    report(done)
    if retention is not None:
        try:
            purged = await retention.run(datetime.now(UTC))
            log.info("retention: %s", ", ".join(f"{k} {v}" for k, v in purged.items() if v))
        except Exception:  # retried at the next sweep; nothing is half-deleted
            log.exception("retention purge failed")


async def outbox_deliveries(sweeper: Sweeper, every_seconds: float) -> None:
    """Send whatever is queued and unsent, every `every_seconds`, forever."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            sent = SweepReport(date.today())
            await sweeper.dispatch(date.today(), datetime.now(UTC), sent)
        except Exception:  # a failed round is retried next round; the rows stay queued
            log.exception("outbox delivery failed")
