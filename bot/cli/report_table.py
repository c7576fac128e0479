"""`sva report`'s table format: the compliance report as terminal tables (rich)."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.operations.reports.formats import figure, rules
from bot.operations.reports.model import MEASURES, Report


def print_table(report: Report, file: TextIO | None, width: int | None) -> None:
    """The report as terminal tables: teams, people, exclusions and rules; to `file`, or to
    stdout at the terminal's own width when `width` is None."""
    console = Console(file=file, width=width)
    console.print(f"[bold]Supervision compliance[/bold]: {report.scope}, {report.period.label}")
    for title, section in (("Teams", [*report.teams, report.total()]), ("People", report.people)):
        table = Table(title=title, show_lines=False)
        table.add_column("Name")
        for label in MEASURES.values():
            table.add_column(label)
        for row in section:
            table.add_row(Text(row.name), *(figure(row.tallies.get(m)) for m in MEASURES))
        console.print(table)
    for measure, reason, count in report.excluded_counts():
        console.print(f"Not measured ({measure}): {count}: {reason}", markup=False)
    for rule in rules(report):
        console.print(f"{rule.id}: {rule.cite}", markup=False, highlight=False)
