"""Child processes of `sva serve` (answer workers, the daily sweep's computing, the daily
keeping of report figures): how they are started and how they are ended."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any

# Spawned, not forked: a fork would copy the server's event loop, threads and connections.
SPAWN = multiprocessing.get_context("spawn")
NICENESS = 10  # a background child gives way to the server answering people


def start_background(
    target: Callable[..., None], args: tuple[Any, ...], name: str, *, niceness: int = NICENESS
) -> BaseProcess:
    """Start `target(*args)` in a new daemon process, `niceness` lower in priority, deaf to
    Ctrl-C: the server decides when its children end."""
    process = SPAWN.Process(target=target, args=args, name=name, daemon=True)
    # Ctrl-C goes to the whole process group. Ignored from the child's first instruction
    # (an ignored signal stays ignored in a new program), not only once its imports are done.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process.start()
    finally:
        signal.signal(signal.SIGINT, previous)
    if process.pid is not None and niceness:
        with contextlib.suppress(OSError):  # gone already
            os.setpriority(os.PRIO_PROCESS, process.pid, niceness)
    return process


async def join_or_end(process: BaseProcess, timeout: float) -> bool:
    """Wait up to `timeout` s for `process` to exit; then terminate it, then kill it. False
    if it had to be ended."""
    await asyncio.to_thread(process.join, timeout)
    if process.exitcode is not None:
        return True
    process.terminate()
    await asyncio.to_thread(process.join, 5)
    if process.exitcode is None:
        process.kill()
        await asyncio.to_thread(process.join, 5)
    return False
