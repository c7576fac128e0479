"""Progress for long work: a rich progress bar on a terminal (where it is, rows per second,
time left), and one summary line when stderr is not a terminal (a pipe, a log, cron).

`Progress` is the `ProgressSink` (bot/operations/progress.py) the sweep, purge, key rotation
and reports are given: each stage they begin redraws the bar with its own size."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from bot.assistant.names import counted

if TYPE_CHECKING:
    from bot.cli.progress_bar import Bar


class Progress:
    """`with Progress("importing people.csv", total=rows) as p: p.advance(n)`; safe to
    advance from a worker thread. `total=None` for work whose size is not known."""

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        name: str | None = None,
        unit: str = "rows",
        stream: TextIO | None = None,
    ) -> None:
        self.label = label
        self.name = name or label  # what the summary line calls the whole work
        self.total = total
        self.unit = unit
        self.done = 0
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._started = 0.0
        self._bar: Bar | None = None
        self._failed = False
        self._counted = False  # advance() was called: the summary gives the count

    @property
    def interactive(self) -> bool:
        return self._stream.isatty()

    def __enter__(self) -> Progress:
        self._started = time.perf_counter()
        if self.interactive:
            # Loaded here: `rich` costs every process importing the commands (`sva serve`
            # imports them all) 2 MiB, and only a terminal shows the bar.
            from bot.cli.progress_bar import Bar

            self._bar = Bar(self.label, self.total, self.unit, self._stream)
        return self

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self._counted = True
            self.done += count
            if self._bar is not None:
                self._bar.advance(count)

    def stage(self, label: str) -> None:
        """A new stage over the same total (e.g. checking, then writing): the count starts
        again; the summary's time covers every stage."""
        self.begin(label, self.total)

    def begin(self, label: str, total: int | None) -> None:
        """A new stage of `total` steps (None: not known), as the work reports it."""
        with self._lock:
            self.label, self.total, self.done = label, total, 0
            if self._bar is not None:
                self._bar.begin(label, total)

    def failed(self) -> None:
        """The work did not complete (e.g. an import with problems): no summary line."""
        self._failed = True

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self._started

    def summary(self) -> str:
        rate = self.done / self.seconds if self.seconds > 0 else 0.0
        if self.total is None and not self._counted:
            return f"{self.name}: {self.seconds:.1f} s"
        done = counted(self.done, self.unit.removesuffix("s"), self.unit)
        return f"{self.name}: {done} in {self.seconds:.1f} s ({rate:,.0f} {self.unit}/s)"

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif kind is None and not self._failed:
            print(self.summary(), file=self._stream, flush=True)
