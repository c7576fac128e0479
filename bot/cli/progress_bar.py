"""The progress bar `bot/cli/progress.py` draws on a terminal (rich): the stage, how far it
is, rows per second and time left; a spinner and a count when the size is not known."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text


class _Rate(ProgressColumn):
    def __init__(self, unit: str) -> None:
        super().__init__()
        self._unit = unit

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f} {self._unit}/s", style="progress.data.speed")


class Bar:
    """A started bar for one task; `stop` it when the work ends."""

    def __init__(self, label: str, total: int | None, unit: str, stream: TextIO) -> None:
        self._unit = unit
        self._bar = RichProgress(*_columns(total, unit), console=Console(file=stream))
        self._bar.start()
        self._task = self._bar.add_task(escape(label), total=total)

    def advance(self, count: int) -> None:
        self._bar.update(self._task, advance=count)

    def begin(self, label: str, total: int | None) -> None:
        """Redraw for a new stage of `total` steps."""
        self._bar.columns = tuple(_columns(total, self._unit))
        self._bar.reset(self._task, total=total, description=escape(label))

    def stop(self) -> None:
        self._bar.stop()


def _columns(total: int | None, unit: str) -> list[ProgressColumn]:
    if total is None:
        count = TextColumn(f"{{task.completed:,.0f}} {unit}")
        return [SpinnerColumn(), TextColumn("{task.description}"), count, TimeElapsedColumn()]
    return [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(unit),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    ]
