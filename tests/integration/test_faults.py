"""The fault suite's short version (the full one: `python -m benchmarks.faults`): 50 SIGKILLs of
real `sva serve` processes on Slack, Telegram and Teams fakes, SQLite and PostgreSQL, with two
servers behind one PostgreSQL, and 20 of `sva chat` consoles; nothing acknowledged may be lost,
answered twice or out of order.
About a minute: restarts are forked warm from a zygote (benchmarks/faults/zygote.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.databases import scratch_database
from benchmarks.faults.console import ConsoleChannel, console_under_kills
from benchmarks.faults.serve import Outcome, Zygote, serve_under_kills
from benchmarks.faults.services import SERVICES
from benchmarks.faults.setup import prepare

pytestmark = pytest.mark.slow
SHORT = [("slack", "sqlite", 1, 15), ("telegram", "postgresql", 1, 15), ("teams", "sqlite", 1, 10),
         ("slack", "postgresql", 2, 10)]  # fmt: skip


async def run(tmp_path: Path, zygote: Zygote, channel: str, backend: str, servers: int,
              kills: int, last: float = 0.5, workers: int = 0) -> Outcome:  # fmt: skip
    service = SERVICES[channel]()
    await service.fake.start()
    try:
        async with scratch_database(backend) as url:
            config = await prepare(tmp_path, url, service, 4, sweep=False, zygote=zygote)
            return await serve_under_kills(service=service, zygote=zygote, config=config,
                                           kills=kills, servers=servers, people=4,
                                           scenario=channel, last=last,
                                           workers=workers)  # fmt: skip
    finally:
        await service.fake.stop()


async def test_fifty_kills_lose_nothing_acknowledged(tmp_path: Path) -> None:
    zygote = Zygote(tmp_path / "sva.log")
    try:
        outcomes = [await run(tmp_path, zygote, *scenario) for scenario in SHORT]
    finally:
        zygote.close()
    assert sum(o.kills for o in outcomes) >= 50
    assert all(o.acknowledged > 0 for o in outcomes)
    # Each person keeps fewer messages unanswered than the inbox's bound: none is slowed down.
    assert [(o.lost, o.duplicated, o.out_of_order, o.slowed) for o in outcomes] == [
        (0, 0, 0, 0)
    ] * len(SHORT)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_kills_of_servers_and_their_answer_workers_lose_nothing_acknowledged(
    tmp_path: Path, backend: str
) -> None:
    """`sva serve --workers 1`: half the kills hit the worker (started again by its server),
    half the server (its worker finishes and leaves while the next server starts its own)."""
    zygote = Zygote(tmp_path / "sva.log")
    try:
        outcome = await run(tmp_path, zygote, "slack", backend, 1, kills=10, workers=1)
    finally:
        zygote.close()
    assert outcome.kills == 10 and outcome.acknowledged > 0
    assert (outcome.lost, outcome.duplicated, outcome.out_of_order, outcome.slowed) == (0, 0, 0, 0)


async def test_two_servers_behind_one_postgresql_answer_each_person_in_order(
    tmp_path: Path,
) -> None:
    """Round robin: each person's next message goes to the other server than the last one."""
    zygote = Zygote(tmp_path / "sva.log")
    try:
        outcome = await run(tmp_path, zygote, "slack", "postgresql", 2, kills=0, last=4.0)
    finally:
        zygote.close()
    assert outcome.acknowledged >= 4 * 8  # several messages per person, on both servers
    # Fewer than 20 unanswered: nobody is slowed down, whichever server took the message.
    assert (outcome.lost, outcome.duplicated, outcome.out_of_order, outcome.slowed) == (0, 0, 0, 0)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_ten_kills_of_consoles_lose_nothing_acknowledged(
    tmp_path: Path, backend: str
) -> None:
    zygote = Zygote(tmp_path / "sva.log")
    try:
        async with scratch_database(backend) as url:
            config = await prepare(tmp_path, url, ConsoleChannel(), 4, sweep=False, zygote=zygote)
            outcome = await console_under_kills(
                zygote=zygote, config=config, scratch=tmp_path, kills=10, people=4
            )
    finally:
        zygote.close()
    assert outcome.kills == 10 and outcome.acknowledged >= 4 * 10
    assert (outcome.lost, outcome.duplicated, outcome.out_of_order) == (0, 0, 0)
