"""How long work says how far it has got, without knowing who is watching: the sweep, purge,
key rotation and reports call a `ProgressSink`; `sva` shows it as a progress bar on a terminal and a
summary line when piped (bot/cli/progress.py); the server passes nothing and nothing is shown.
"""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    """Told each stage of the work (with its size, when known) and each step done."""

    def begin(self, label: str, total: int | None) -> None:
        """A new stage: `total` steps (None: not known); the count starts again."""

    def advance(self, count: int = 1) -> None:
        """`count` more steps of the current stage done."""


class Unwatched:
    """The progress of work nobody watches (the server's own sweeps)."""

    def begin(self, label: str, total: int | None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


UNWATCHED = Unwatched()
