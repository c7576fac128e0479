"""A database, people and a configuration file for one fault-suite scenario."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from benchmarks.faults.serve import Zygote

SVA = str(Path(sys.executable).with_name("sva"))
SWEEP_DAY = "2026-11-23"  # a Monday; everyone's individual supervision is overdue by then
LEASE_MINUTES = 0.04  # a killed sweeper's rows are taken over after 2.4 s


class Channel(Protocol):
    """What the setup needs of a channel (a chat service, or the console)."""

    name: str

    def config(self) -> str: ...  # its configuration section

    def chat_id(self, person: int) -> str: ...  # person p's identity on it


async def prepare(
    scratch: Path,
    url: str,
    service: Channel,
    people: int,
    *,
    sweep: bool,
    zygote: Zygote | None = None,
) -> Path:
    """Write the configuration, create the database and import the people (with `zygote`,
    forked warm); returns the configuration file."""
    sva = _sva if zygote is None else _forked(zygote, scratch / "import.status")
    config = scratch / f"{service.name}.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n[console]\nreminder_log = "{scratch / "reminders.log"}"\n'
        f"[reminders]\nclaim_lease_minutes = {LEASE_MINUTES}\n"
        # No sweep at start (servers restarted in the day's catch-up window would send the
        # people digests): the sweep scenarios run `sva remind` themselves.
        'sweep_at = "07:30"\ncatch_up_until = "07:30"\n'
        "[encryption]\nallow_unencrypted_storage = true\n" + service.config()
    )
    header = "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
    rows = [f"boss,Boss,team_manager,Team A,,,2018-01-01,false,{service.chat_id(9999)}\n"]
    rows += [
        f"p{p},Person {p},social_worker,Team A,,boss,2020-01-01,true,{service.chat_id(p)}\n"
        for p in range(people)
    ]
    (scratch / "people.csv").write_text(header + "".join(rows))
    await sva("db", "init", "--config", str(config))  # a new database is created explicitly
    await sva("import", "people", str(scratch / "people.csv"), "--config", str(config))
    if sweep:
        sessions = "kind,date,supervisee_id,supervisor_id,case_ref,status\n" + "".join(
            f"individual,2026-09-01,p{p},boss,,held\n" for p in range(people)
        )
        (scratch / "sessions.csv").write_text(sessions)
        await sva("import", "sessions", str(scratch / "sessions.csv"), "--config", str(config))
    return config


def _forked(zygote: Zygote, status: Path) -> Callable[..., Awaitable[None]]:
    async def sva(*args: str) -> None:
        if code := await zygote.complete(*args, status=status):
            raise RuntimeError(f"sva {' '.join(args[:2])} failed ({code}); see the run's log")

    return sva


async def _sva(*args: str) -> None:
    done = await asyncio.to_thread(subprocess.run, [SVA, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"sva {' '.join(args[:2])} failed: {done.stderr.strip()[-500:]}")
