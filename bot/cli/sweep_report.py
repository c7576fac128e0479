"""What `sva remind` prints about a sweep, and `sva serve` about each daily one."""

from __future__ import annotations

import json

import typer

from bot.assistant.names import counted
from bot.operations.reminders import SweepReport


def print_report(report: SweepReport, as_json: bool, *, dry_run: bool = False) -> None:
    """The sweep's output: JSON lines per reminder, or a summary for people."""
    if as_json:
        for r in sorted(report.reminders, key=lambda r: (r.to, r.kind, r.subject, r.due)):
            line = {
                "to": r.to,
                "kind": r.kind,
                "case_ref": r.case_ref,
                "due": r.due.isoformat(),
                "key": r.key,
                "sent": r.key in report.sent_now,
            }
            typer.echo(json.dumps(line, ensure_ascii=False))
    else:
        typer.echo(_summary(report, dry_run))
    for person in report.unreachable:
        typer.echo(f"unreachable: {person} (their reminders stay in the outbox)", err=True)
    for problem, count in report.problems.most_common():
        typer.echo(f"not computed ({count}): {problem}", err=True)


def _summary(report: SweepReport, dry_run: bool = False) -> str:
    if report.quiet:
        return f"{report.on}: {report.quiet}"
    found = f"{counted(report.found, 'reminder')}, {report.overdue} overdue"
    if dry_run:
        people = len({r.to for r in report.reminders})
        return f"{report.on} (dry run): {found}, to {counted(people, 'person', 'people')}"
    return (
        f"{report.on}: {found}; {len(report.sent_now)} sent now in "
        f"{counted(report.digests, 'digest')}; {report.sent_before_count} sent before"
    )
