"""`sva remind` under SIGKILL: in each round the outbox is emptied, several sweepers start at
once on the same database (three on PostgreSQL, one on SQLite) and each is killed at a random
moment; after the claim lease a last sweeper finishes the round. Everyone due must get exactly
one digest, except that each killed sweeper may re-send the one digest it was delivering."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks.faults.serve import Outcome, Zygote, alive, kill
from benchmarks.faults.services import Service
from benchmarks.faults.setup import LEASE_MINUTES, SWEEP_DAY
from storage.db import create_engine

KILL_WITHIN = 1.5  # seconds after the start: sweeps of a few hundred digests take about this


async def sweep_under_kills(
    *, service: Service, zygote: Zygote, config: Path, kills: int, sweepers: int, people: int
) -> Outcome:
    outcome = Outcome("sweep")
    started = time.monotonic()
    url = config.read_text().split('url = "', 1)[1].split('"', 1)[0]
    engine = create_engine(url)
    resent = 0
    try:
        while outcome.kills < kills:
            with engine.begin() as db:
                db.execute(text("DELETE FROM outbox"))
            before = len(service.fake.named("chat.postMessage"))
            killed = await _round(zygote, config, sweepers)
            outcome.kills += killed
            digests = _per_person(service, before)
            due = people + 1  # everyone, and their supervisor
            outcome.acknowledged += due
            outcome.lost += due - len(digests)
            again = sum(n - 1 for n in digests.values())
            resent += again
            outcome.duplicated += max(0, again - killed)  # beyond one per killed sweeper
    finally:
        engine.dispose()
    outcome.sent = outcome.acknowledged
    outcome.resent = resent  # at most one per killed sweeper is allowed
    outcome.seconds = round(time.monotonic() - started, 1)
    return outcome


async def _round(zygote: Zygote, config: Path, sweepers: int) -> int:
    """Start the sweepers, kill each at a random moment; then finish the round."""
    args = ("remind", "--on", SWEEP_DAY, "--config", str(config))
    pids = [zygote.run(*args) for _ in range(sweepers)]
    at = sorted((random.uniform(0.05, KILL_WITHIN), pid) for pid in pids)
    start, killed = time.monotonic(), 0
    for when, pid in at:
        await asyncio.sleep(max(0.0, start + when - time.monotonic()))
        if alive(pid):
            kill(pid)
            killed += 1
    await _finished(pids)
    await asyncio.sleep(LEASE_MINUTES * 60 + 0.2)
    last = zygote.run(*args)
    await _finished([last])
    return killed


async def _finished(pids: list[int], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            raise RuntimeError("a sweeper did not finish")
        await asyncio.sleep(0.05)


def _per_person(service: Service, before: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in service.fake.named("chat.postMessage")[before:]:
        channel = str(call.body.get("channel"))
        counts[channel] = counts.get(channel, 0) + 1
    return counts
