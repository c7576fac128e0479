"""`sva chat --json` under SIGKILL: each person has their own console and adds items to their
agenda draft (`/agenda add kPxS`), one at a time, starting again (`/agenda reset`) when it is
full; one person's console is killed at a random moment, and they start it again.

The console has no event ids to deduplicate a retry, so a person whose line got no answer does
what a person at a terminal does: looks (`/agenda`) before typing it again. Every agenda the
assistant shows is checked against what the person was told: an item acknowledged and then
missing is lost, an item shown twice is duplicated, items shown in another order than they were
added are out of order. Replies that are not an agenda (the database was busy: "please send it
again") are counted as `slowed` and resolved the same way as a kill."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.faults.serve import Outcome, Zygote, alive, kill
from bot.assistant.agenda_editing import MAX_OWN_ITEMS

VIEW = "Agenda draft for your next supervision"
ITEM = re.compile(r"^\d+\. (k\d+x\d+)$", re.MULTILINE)
REPLY_SECONDS = 30.0  # a live console that says nothing for this long has hung: a failure


@dataclass
class ConsoleChannel:
    """What the scenario's setup needs of a channel: people identified as `console:pN`."""

    name: str = "console"

    def config(self) -> str:
        return ""

    def chat_id(self, person: int) -> str:
        return f"console:p{person}"


class Console:
    """One person at `sva chat --json`, started again after each kill."""

    def __init__(self, zygote: Zygote, config: Path, scratch: Path, person: int) -> None:
        self.zygote, self.config, self.scratch, self.person = zygote, config, scratch, person
        self.lives = 0
        self.pid = 0
        self.ready = asyncio.Event()  # this life has answered once
        self._in = self._out = -1
        self._paths: list[Path] = []
        self._reader: asyncio.StreamReader | None = None
        self._transport: asyncio.BaseTransport | None = None

    async def start(self) -> None:
        """A new `sva chat` on two new FIFOs. The driver holds both ends of each (O_RDWR), so
        neither side's open waits, and a dead console is noticed by its pid, not by EOF."""
        self.close()
        self.lives += 1
        self.ready.clear()
        paths = self._paths = [
            self.scratch / f"console-{self.person}-{self.lives}.{e}" for e in "io"
        ]
        for path in paths:
            os.mkfifo(path)
        self._in, self._out = (os.open(path, os.O_RDWR) for path in paths)
        loop = asyncio.get_running_loop()
        self._reader = asyncio.StreamReader(limit=1 << 20)
        protocol = asyncio.StreamReaderProtocol(self._reader)
        pipe = os.fdopen(self._out, "rb", buffering=0, closefd=False)
        self._transport, _ = await loop.connect_read_pipe(lambda: protocol, pipe)
        self.pid = self.zygote.run(
            "--stdio", str(paths[0]), str(paths[1]),
            "chat", "--user", f"p{self.person}", "--json", "--config", str(self.config),
        )  # fmt: skip

    async def ask(self, line: str) -> str | None:
        """Send a line; the text of the reply, or None if the console died first."""
        os.write(self._in, f"{line}\n".encode())
        assert self._reader is not None
        waited = 0.0
        while True:
            try:
                raw = await asyncio.wait_for(self._reader.readline(), 0.05)
            except TimeoutError:
                if not alive(self.pid):
                    return None
                waited += 0.05
                if waited > REPLY_SECONDS:
                    raise RuntimeError(f"console p{self.person} stopped answering") from None
                continue
            self.ready.set()
            return str(json.loads(raw)["text"])

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        for fd in (self._in, self._out):
            with contextlib.suppress(OSError):
                os.close(fd)
        for path in self._paths:  # the console has opened them, or is dead
            path.unlink(missing_ok=True)
        self._in = self._out = -1
        self._transport = None


@dataclass
class Tally:
    """Per person: the own items their agenda must show, and what went wrong with it."""

    person: int
    items: list[str]
    seq: int = 0
    doubt: str | None = None  # a line sent whose effect is unknown (no agenda came back)
    sent: int = 0
    acknowledged: int = 0
    slowed: int = 0
    ambiguous: int = 0  # resets in doubt settled by an empty agenda (or every item lost)

    def next_line(self) -> str:
        if self.doubt is not None:
            return "/agenda"  # look before typing it again
        if len(self.items) >= MAX_OWN_ITEMS:
            return "/agenda reset"
        return f"/agenda add k{self.person}x{self.seq}"

    def answered(self, line: str, reply: str | None, faults: Faults) -> None:
        """Take the reply to `line` (None: the console died before answering). Anything but
        an agenda leaves the line's effect unknown."""
        self.sent += 1
        if reply is None or not reply.startswith(VIEW):
            self.slowed += reply is not None
            if line != "/agenda":
                self.doubt = line
            return
        shown = ITEM.findall(reply)
        if line == "/agenda":
            self._settle(shown)
        else:
            self._apply(line, stored=True)
            self.acknowledged += 1
        faults.check(self.person, self.items, shown)

    def _settle(self, shown: list[str]) -> None:
        """Resolve the doubtful line by what the agenda shows."""
        doubt, self.doubt = self.doubt, None
        if doubt is None:
            return
        if doubt == "/agenda reset":
            # Empty: the reset was saved, or every item was lost; counted, and reported.
            self.ambiguous += not shown
            self._apply(doubt, stored=not shown)
        else:
            self._apply(doubt, stored=doubt.split()[-1] in shown)

    def _apply(self, line: str, *, stored: bool) -> None:
        if not stored:
            return  # typed again next time
        if line == "/agenda reset":
            self.items = []
        else:
            self.items.append(line.split()[-1])
            self.seq += 1


async def last_look(console: Console, tally: Tally, faults: Faults, tries: int = 20) -> None:
    """Settle any doubt, then check the agenda once more; a console that never shows it
    again fails the run (nothing may end unchecked)."""
    looked = 0
    while looked < 2:
        reply = await console.ask("/agenda")
        if reply is None:
            await console.start()  # killed just before the end: start it again
        tally.answered("/agenda", reply, faults)
        looked += reply is not None and reply.startswith(VIEW)
        tries -= 1
        if tries == 0:
            raise RuntimeError(f"console p{console.person} never showed its agenda again")


@dataclass
class Faults:
    lost: set[str]
    duplicated: set[str]
    out_of_order: int = 0

    def check(self, person: int, items: list[str], shown: list[str]) -> None:
        """An agenda must show exactly `items`, each once, in the order added."""
        self.lost |= {f"{person}:{item}" for item in set(items) - set(shown)}
        self.duplicated |= {f"{person}:{item}" for item in shown if shown.count(item) > 1}
        self.duplicated |= {f"{person}:{item}" for item in set(shown) - set(items)}
        kept = [item for item in dict.fromkeys(shown) if item in items]
        self.out_of_order += kept != [item for item in items if item in kept]


async def console_under_kills(
    *, zygote: Zygote, config: Path, scratch: Path, kills: int, people: int, last: float = 0.5
) -> Outcome:
    """`people` consoles on one database, one killed at random `kills` times; then `last`
    seconds with no kill, and a final look at every agenda."""
    outcome = Outcome("console")
    started = time.monotonic()
    consoles = [Console(zygote, config, scratch, p) for p in range(people)]
    tallies = [Tally(p, []) for p in range(people)]
    faults = Faults(set(), set())
    stop = asyncio.Event()

    async def person(console: Console, tally: Tally) -> None:
        await console.start()
        while not stop.is_set():
            line = tally.next_line()
            reply = await console.ask(line)
            tally.answered(line, reply, faults)
            if reply is None:
                await console.start()

    running = [asyncio.create_task(person(c, t)) for c, t in zip(consoles, tallies, strict=True)]
    try:
        while outcome.kills < kills:
            victim = random.choice(consoles)  # killed 0–400 ms after its first answer
            await asyncio.wait_for(victim.ready.wait(), REPLY_SECONDS)
            await asyncio.sleep(random.uniform(0, 0.4))
            if victim.pid and alive(victim.pid):
                kill(victim.pid)
                outcome.kills += 1
            for task in running:
                if task.done():
                    task.result()  # a console that hung: raise it here
        await asyncio.sleep(last)
    finally:
        stop.set()
        ended = await asyncio.gather(*running, return_exceptions=True)
    for problem in ended:
        if isinstance(problem, Exception):
            raise problem  # a console that hung or wrote something that is not JSON
    for console, tally in zip(consoles, tallies, strict=True):
        await last_look(console, tally, faults)
        kill(console.pid, signal.SIGTERM)
        console.close()
    outcome.notes.append(
        f"{sum(t.ambiguous for t in tallies)} reset(s) in doubt settled by an empty agenda"
    )
    outcome.sent = sum(t.sent for t in tallies)
    outcome.acknowledged = sum(t.acknowledged for t in tallies)
    outcome.slowed = sum(t.slowed for t in tallies)
    outcome.lost, outcome.duplicated = len(faults.lost), len(faults.duplicated)
    outcome.out_of_order = faults.out_of_order
    outcome.seconds = round(time.monotonic() - started, 1)
    return outcome
