"""Child processes of `sva serve` (answer workers, the daily keeping of report figures):
how they are started and how they are ended."""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing.process import BaseProcess

# Spawned, not forked: a fork would copy the server's event loop, threads and connections.
SPAWN = multiprocessing.get_context("spawn")


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
