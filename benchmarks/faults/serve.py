"""`sva serve` under SIGKILL: people send events as fast as they are acknowledged, a server is
killed at a random moment (100–400 ms into its life), restarted, and so on; events that got no
acknowledgement are sent again with the same id, as the services do. At the end every person's
replies are compared with what was acknowledged.

Like a person told to wait for answers, each sends only while fewer than `window` of their
acknowledged messages are unanswered (0: no limit, a flood). A message the server refused as
over its bounds is answered with a slow-down naming it: counted as `slowed`, not as lost."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import text

from benchmarks.faults.services import TOKEN_IN_REPLY, Service
from storage.db import create_engine
from tests.serving import free_port

ACCEPTED = {200, 202}
SETTLE_SECONDS = 60.0
WINDOW = 10  # a person's unanswered messages before they wait (the inbox slows down at 20)


@dataclass
class Outcome:
    """What one run saw."""

    scenario: str
    kills: int = 0
    sent: int = 0
    acknowledged: int = 0
    lost: int = 0
    duplicated: int = 0  # an acknowledged event answered (processed) more than once
    resent: int = 0  # a reply delivered again: the kill fell between acceptance and commit
    out_of_order: int = 0  # a reply that came before the reply to an earlier event
    slowed: int = 0  # acknowledged, then answered "slow down, send it again" (the bounds)
    worker_kills: int = 0  # of `kills`, those of an answer worker (`--workers`)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class Zygote:
    """The forking `sva` launcher (benchmarks/faults/zygote.py)."""

    def __init__(self, log: Path) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.faults.zygote", str(log)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None and self._process.stdin is not None
        assert self._process.stdout.readline().strip() == "ready"

    def run(self, *args: str) -> int:
        """Start `sva ARGS…`; its pid."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(shlex.join(args) + "\n")
        self._process.stdin.flush()
        return int(self._process.stdout.readline())

    async def complete(self, *args: str, status: Path) -> int:
        """Run `sva ARGS…` to its end (a warm fork instead of a second of imports); its exit
        code, 1 if it died without one."""
        status.unlink(missing_ok=True)
        pid = self.run("--status", str(status), *args)
        while alive(pid):
            await asyncio.sleep(0.01)
        return int(status.read_text() or 1) if status.exists() else 1

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def kill(pid: int, sig: signal.Signals = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    for _ in range(400):
        if not alive(pid):
            return
        time.sleep(0.005)


async def healthy(http: aiohttp.ClientSession, url: str, pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            raise RuntimeError("sva serve exited while starting (see the run's log)")
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.02)
    raise RuntimeError("sva serve never became healthy")


class People:
    """Each person sends /kPxS in order; the next only once the previous was acknowledged and
    fewer than `window` of theirs are unanswered."""

    def __init__(self, count: int, window: int = WINDOW) -> None:
        self.next = dict.fromkeys(range(count), 0)
        self.acked: dict[int, set[int]] = {p: set() for p in range(count)}
        self.sent = 0
        self.window = window

    def waiting(self, service: Service, p: int) -> bool:
        """Too many of this person's messages unanswered to send another."""
        if not self.window:
            return False
        return self.next[p] - len(service.replies().answered.get(p, ())) >= self.window

    async def run(
        self, http: aiohttp.ClientSession, urls: list[str], service: Service, until: float
    ) -> None:
        await asyncio.gather(*(self._one(http, urls, service, p, until) for p in self.next))

    async def _one(
        self, http: aiohttp.ClientSession, urls: list[str], service: Service, p: int, until: float
    ) -> None:
        while time.monotonic() < until:
            if self.waiting(service, p):
                await asyncio.sleep(0.02)
                continue
            seq = self.next[p]
            url = urls[(p + seq) % len(urls)]  # load-balanced round robin
            self.sent += 1
            try:
                status = await service.send(http, url, p, seq)
            except (aiohttp.ClientError, TimeoutError):
                await asyncio.sleep(0.02)  # no answer: the service will send it again
                continue
            if status in ACCEPTED:
                self.acked[p].add(seq)
                self.next[p] = seq + 1
            else:
                await asyncio.sleep(0.02)


def count(
    outcome: Outcome,
    people: People,
    shown: dict[int, list[tuple[int, bool]]],
    stored: dict[int, list[int]],
) -> None:
    """`shown`: what each person was shown (event, whether a slow-down), in delivery order;
    `stored`: the events named by the replies the server wrote (one per answered event)."""
    outcome.acknowledged = sum(len(a) for a in people.acked.values())
    outcome.sent = people.sent
    for p, acked in people.acked.items():
        seen = [s for s, _ in shown.get(p, [])]
        answers = [s for s, slowed in shown.get(p, []) if not slowed]
        outcome.lost += len(acked - set(seen))
        outcome.slowed += len(acked & (set(seen) - set(answers)))
        written = stored.get(p, [])
        outcome.duplicated += sum(written.count(s) - 1 for s in set(written))
        outcome.resent += sum(seen.count(s) - 1 for s in set(seen)) - sum(
            written.count(s) - 1 for s in set(written)
        )
        firsts = list(dict.fromkeys(answers))  # a slow-down goes ahead of earlier answers
        outcome.out_of_order += sum(1 for a, b in itertools.pairwise(firsts) if b < a)


async def serve_under_kills(
    *,
    service: Service,
    zygote: Zygote,
    config: Path,
    kills: int,
    servers: int,
    people: int,
    scenario: str,
    window: int = WINDOW,
    last: float = 0.5,
    workers: int = 0,
) -> Outcome:
    """Run `servers` × `sva serve <service>` on one database, killing one at random `kills`
    times, then send for `last` seconds more without killing, let the answers come, count.
    With `workers` (`sva serve --workers`), half the kills hit one of a server's answer
    workers instead (the server starts it again; a killed server's workers finish and leave)."""
    outcome = Outcome(scenario)
    started = time.monotonic()
    ports = [free_port() for _ in range(servers)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    crowd = People(people, window)
    timeout = aiohttp.ClientTimeout(total=5)
    options = ["--workers", str(workers)] if workers else []

    def start(port: int) -> int:
        return zygote.run("serve", service.name, "--config", str(config), "--port", str(port),
                          *options)  # fmt: skip

    async with aiohttp.ClientSession(timeout=timeout) as http:
        pids = [start(port) for port in ports]
        for url, pid in zip(urls, pids, strict=True):
            await healthy(http, url, pid)
        while outcome.kills < kills:
            life = random.uniform(0.1, 0.4)
            victim = random.randrange(servers)
            answering = answer_workers(pids[victim]) if workers else []
            sending = asyncio.create_task(crowd.run(http, urls, service, time.monotonic() + life))
            await asyncio.sleep(life * random.random())
            if answering and random.random() < 0.5:
                kill(random.choice(answering))
                outcome.kills += 1
                outcome.worker_kills += 1
                await sending
                continue
            kill(pids[victim])
            outcome.kills += 1
            await sending
            pids[victim] = start(ports[victim])
            await healthy(http, urls[victim], pids[victim])
        # Last round: nothing killed; retried heads go through, answers are delivered.
        await crowd.run(http, urls, service, time.monotonic() + last)
        await settle(crowd, service)
        for pid in pids:
            kill(pid, signal.SIGTERM)
    count(outcome, crowd, service.replies().shown, stored_replies(config))
    outcome.seconds = round(time.monotonic() - started, 1)
    return outcome


def answer_workers(server: int) -> list[int]:
    """A server's answer workers: its children started by multiprocessing's spawn."""
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{server}/task").iterdir():
            for pid in (task / "children").read_text().split():
                with contextlib.suppress(OSError):
                    if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        found.append(int(pid))
    return found


def stored_replies(config: Path) -> dict[int, list[int]]:
    """Per person, the events named by the reply rows in the database (one per turn)."""
    url = config.read_text().split('url = "', 1)[1].split('"', 1)[0]
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            rows = db.execute(text("SELECT conversation, message FROM replies ORDER BY id"))
            texts = [(r[0], r[1] if isinstance(r[1], dict) else json.loads(r[1])) for r in rows]
    finally:
        engine.dispose()
    found: dict[int, list[int]] = {}
    for _, message in texts:
        for p, s in TOKEN_IN_REPLY.findall(str(message.get("text", ""))):
            found.setdefault(int(p), []).append(int(s))
    return found


async def settle(crowd: People, service: Service) -> None:
    """Wait until every acknowledged event has an answer (or SETTLE_SECONDS pass)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        seen = service.replies().answered
        if all(acked <= seen.get(p, set()) for p, acked in crowd.acked.items()):
            await asyncio.sleep(0.5)  # let any duplicate show itself
            return
        await asyncio.sleep(0.1)
