"""`sva serve`'s daily run of `keep_last_month` (bot/operations/reports/keeping.py), and
`sva report keep` for a deployment that runs it from its own timer.

`sva serve` runs it a minute after it starts and then each day after the sweep, in a process
of its own, at a lower priority: measuring a whole council takes a core for tens
of seconds and about 700 MB at national scale, and in the server's process it would
hold up acknowledging chat events and leave the memory behind. A run stopped half-way (the
server stopping, the process killed) keeps nothing of its own: the shares are written in
one transaction at the end, and the next report measures what is missing.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, datetime, timedelta
from typing import Any

from bot.bootstrap import bootstrap, pack_assignment
from bot.channels.processes import join_or_end, start_background
from bot.config import Config, LogLevel
from bot.errors import first_line
from bot.logs import configure_logging
from bot.operations.reminders import next_after_sweep
from bot.operations.reports.keeping import KeptRun, keep_last_month
from storage.errors import StorageError

log = logging.getLogger(__name__)
AFTER_SWEEP = timedelta(minutes=2)  # the sweep, then the managers' digests, then this
AFTER_START = timedelta(minutes=1)  # the server's own start-up first


async def keep_figures(config: Config, today: date) -> KeptRun:
    """Keep last month's council figures (as of `today`) from this process."""
    app = await bootstrap(config)
    try:
        policies = pack_assignment(config)
        return await keep_last_month(app.store, policies, today, config.reminders.go_live)
    finally:
        await app.close()


def _child(config: Config, today: date) -> None:
    """The keeping process: one run, its outcome logged in one line, exit 0 when kept."""
    configure_logging(config.log, default=LogLevel.INFO)
    try:
        done = asyncio.run(keep_figures(config, today))
    except StorageError as exc:  # the database, not the code: one line, tried again later
        log.error("keeping the council's figures failed: %s", first_line(exc))
        sys.exit(1)
    except Exception:  # a bug: the whole story
        log.exception("keeping the council's figures failed")
        sys.exit(1)
    log.info("%s", done.summary())


async def keep_in_child(config: Config, today: date) -> int | None:
    """Run `keep_figures` in a new process at a lower priority and wait for it; its exit
    code (None: stopped). Cancelled (the server stopping), the process is ended too."""
    process = start_background(_child, (config, today), "sva-keep-figures")
    try:
        while process.is_alive():
            await asyncio.sleep(0.5)
    except asyncio.CancelledError:
        await join_or_end(process, 0)
        raise
    return process.exitcode


async def daily_keeping(
    config: Config,
    at: datetime,
    keep: Callable[[Config, date], Awaitable[int | None]] = keep_in_child,
    now: Callable[[], datetime] = datetime.now,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Keep last month's council figures a minute after the server starts (an upgrade or a
    change of packs or team settings makes the kept ones unusable), then every day just
    after the sweep at `at`'s time of day, forever. A run that fails is logged; the next
    one tries again."""
    await sleep(AFTER_START.total_seconds())
    await _keep_logged(keep, config, now().date())
    while True:
        current = now()
        wake = next_after_sweep(current, at, AFTER_SWEEP)
        await sleep((wake - current).total_seconds())
        await _keep_logged(keep, config, wake.date())


async def _keep_logged(
    keep: Callable[[Config, date], Awaitable[int | None]], config: Config, today: date
) -> None:
    try:
        code = await keep(config, today)
    except Exception:  # e.g. no process could be started
        log.exception("keeping the council's figures could not run")
        return
    if code != 0:
        log.warning("keeping the council's figures ended with exit code %s", code)


def keeping_jobs(config: Config) -> list[Callable[[], Coroutine[Any, Any, None]]]:
    """The daily keeping job for `sva serve` (none when `oversight.keep_figures` is off)."""
    if not config.oversight.keep_figures:
        return []
    at = datetime.combine(date.today(), config.reminders.sweep_at)
    return [lambda: daily_keeping(config, at)]
