"""Delivering reminder digests to people through their channel."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.operations.private_files import append_private


class Notifier(Protocol):
    """Something that can deliver a text to a person; False when they cannot be reached."""

    async def deliver(self, person_id: str, text: str) -> bool: ...


class ConsoleNotifier:
    """The console channel's delivery: appends each digest to a log file."""

    def __init__(self, *, log: Path) -> None:
        self._log = log

    async def deliver(self, person_id: str, text: str) -> bool:
        entry = (
            f"=== to {person_id} at {datetime.now().isoformat(timespec='seconds')} ===\n{text}\n\n"
        )
        # A local append takes microseconds: cheaper than a thread hop per digest.
        append_private(self._log, entry)
        return True
