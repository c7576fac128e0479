"""`sva report compliance` and `sva report sample`: oversight reports on the command line."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.assistant import audit
from bot.assistant.access import Subject
from bot.bootstrap import App, pack_assignment
from bot.cli.common import (
    ConfigOption,
    ForceOption,
    admin_only,
    config_or_exit,
    refuse_existing,
    save,
    viewer_for,
)
from bot.cli.progress import Progress
from bot.cli.reminders import with_app
from bot.errors import first_line
from bot.operations.reports.audits import AuditError, Sampled, draw, record_finding
from bot.operations.reports.formats import to_csv, to_docx, to_json, to_markdown
from bot.operations.reports.keeping import KeptRun, keep_last_month, last_month
from bot.operations.reports.kept import report as kept_report
from bot.operations.reports.load import ReportError, begun, load_sessions, month, period
from bot.operations.reports.model import Period, Report
from bot.operations.reports.scope import Scope
from storage.errors import StorageError
from storage.sql import SqlTransaction

app = typer.Typer(help="Oversight reports: compliance, dip samples.", no_args_is_help=True)


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    MARKDOWN = "markdown"
    DOCX = "docx"


def choose_scope(team: str | None, manager: str | None, council: bool) -> Scope:
    """Exactly one of --team, --manager and --council."""
    given = [x for x in (team, manager, council or None) if x]
    if len(given) != 1:
        raise ReportError("give exactly one of --team NAME, --manager PERSON and --council")
    if team:
        return Scope("team", team, teams=(team,))
    if manager:
        return Scope("manager", manager, manager=manager)
    return Scope("council", "council")


def running_note(when: Period, today: date) -> str:
    """What a period still running is measured as (as of its last day), and how to have it
    measured so far."""
    return (
        f"note: {when.label} is still running; figures are as of {when.end}, so anything due "
        f"before then and not yet done counts as missed; --from {when.start} --to {today} "
        "measures it so far"
    )


def choose_period(
    month_text: str | None, start: datetime | None, end: datetime | None, today: date
) -> Period:
    """--month, or --from and --to; neither: the last complete month."""
    if month_text and (start or end):
        raise ReportError("give --month or --from/--to, not both")
    if month_text:
        return begun(month(month_text), today)
    if start and end:
        return begun(period(start.date(), end.date()), today)
    if start or end:
        raise ReportError("--from and --to go together")
    return last_month(today)


@app.command()
def compliance(
    team: Annotated[str | None, typer.Option("--team", help="One team.")] = None,
    manager: Annotated[
        str | None, typer.Option("--manager", help="Everyone below this person.")
    ] = None,
    council: Annotated[bool, typer.Option("--council", help="The whole council.")] = False,
    month_text: Annotated[str | None, typer.Option("--month", help="e.g. 2026-11")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
    form: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    force: ForceOption = False,
    config: ConfigOption = None,
) -> None:
    """Supervision compliance for a team, a manager's span or the council, per person and
    per team, each figure with the pack rule it was measured against."""
    settings = config_or_exit(config)
    try:
        scope = choose_scope(team, manager, council)
        when = choose_period(month_text, start, end, date.today())
    except ReportError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    if form is Format.DOCX and out is None:
        typer.echo("--format docx needs --out FILE", err=True)
        raise typer.Exit(2)
    refuse_existing(out, force)

    async def run(a: App) -> Report:
        what = f"compliance {scope.label} {when.label} {form.value}"
        await admin_only(a, viewer_for(None, "report compliance"), "report", what)
        policies = pack_assignment(a.config)
        # Teams whose data are unchanged since the last report are read from their kept figures.
        go_live = a.config.reminders.go_live
        return await kept_report(a.store, scope, when, policies, progress, go_live)

    try:
        with Progress(
            "reading the directory and sessions",
            None,
            name="computing the compliance report",
            unit="people",
        ) as progress:
            report = with_app(settings, run)
    except ReportError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    write(report, form, out, force)
    if when.end > date.today():
        typer.echo(running_note(when, date.today()), err=True)
    go_live = settings.reminders.go_live
    if go_live is not None:
        typer.echo(
            f"note: nothing is counted overdue from before go-live ({go_live}, "
            "[reminders] go_live): a due date before it is chased from it",
            err=True,
        )


@app.command()
def keep(config: ConfigOption = None) -> None:
    """Work out and keep last month's council figures now (what `sva serve` does a minute
    after it starts and each day after the sweep), so that reports of that month measure
    only the teams changed since. Without `sva serve`, run it from a daily timer."""
    settings = config_or_exit(config)
    today = date.today()

    async def run(a: App) -> KeptRun:
        what = f"keep {last_month(today).label}"
        await admin_only(a, viewer_for(None, "report keep"), "report", what)
        policies = pack_assignment(a.config)
        go_live = a.config.reminders.go_live
        return await keep_last_month(a.store, policies, today, go_live, progress)

    label = "reading the directory and sessions"
    try:
        with Progress(label, None, name="measuring", unit="people") as progress:
            done = with_app(settings, run)
    except StorageError as exc:  # e.g. the database locked or full when writing them
        typer.echo(f"the figures were not kept: {first_line(exc)}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(done.summary())


def write(report: Report, form: Format, out: Path | None, force: bool = False) -> None:
    if form is Format.DOCX:
        assert out is not None
        save(out, to_docx(report), force)
        return
    if form is Format.TABLE:
        # Loaded here: `rich` costs every process importing the commands 2 MiB.
        from bot.cli.report_table import print_table

        buffer = io.StringIO()
        # A terminal's own width; 160 columns in a file, a pipe or a cron mail.
        width = None if out is None and sys.stdout.isatty() else 160
        print_table(report, buffer if out else None, width)
        if out:
            save(out, buffer.getvalue(), force)
        return
    render = {Format.CSV: to_csv, Format.JSON: to_json, Format.MARKDOWN: to_markdown}[form]
    text = render(report)
    if out:
        save(out, text, force)
    else:
        typer.echo(text, nl=False)


@app.command()
def sample(
    team: Annotated[str | None, typer.Option("--team", help="One team.")] = None,
    manager: Annotated[
        str | None, typer.Option("--manager", help="Everyone below this person.")
    ] = None,
    council: Annotated[bool, typer.Option("--council", help="The whole council.")] = False,
    month_text: Annotated[str | None, typer.Option("--month", help="e.g. 2026-11")] = None,
    size: Annotated[int, typer.Option("--size", min=1, help="Records to draw.")] = 4,
    per_supervisor: Annotated[
        bool, typer.Option("--per-supervisor", help="--size records from each supervisor.")
    ] = False,
    seed: Annotated[str, typer.Option("--seed", help="Change it to draw a different sample.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    config: ConfigOption = None,
) -> None:
    """A reproducible random sample of a month's supervision records for a file audit
    (default 4, Manchester 5.3); the same options always draw the same records."""
    settings = config_or_exit(config)
    try:
        scope = choose_scope(team, manager, council)
        when = choose_period(month_text, None, None, date.today())
    except ReportError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc

    async def run(a: App) -> list[Sampled]:
        what = f"sample {scope.label} {when.label}"
        await admin_only(a, viewer_for(None, "report sample"), "report", what)
        people, sessions = await load_sessions(a.store, scope, when)
        return draw(
            people, sessions, period=when, scope=scope.label, size=size,
            per_supervisor=per_supervisor, word=seed,
        )  # fmt: skip

    try:
        drawn = with_app(settings, run)
    except ReportError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for number, item in enumerate(drawn, 1):
        s = item.session
        fields = {
            "record": s.key, "date": s.date.isoformat(), "kind": s.kind,
            "supervisee": s.supervisee_id, "supervisor": s.supervisor_id, "case_ref": s.case_ref,
        }  # fmt: skip
        if as_json:
            typer.echo(json.dumps(fields))
        else:
            case = f" {s.case_ref}" if s.case_ref else ""
            typer.echo(
                f"{number}. {s.date} {s.kind}{case}: {item.supervisee} with {item.supervisor}  [{s.key}]"
            )


@app.command()
def finding(
    record: Annotated[str, typer.Argument(help="The record, as `sva report sample` lists it.")],
    by: Annotated[str, typer.Option("--by", help="Who audited (person id).")],
    text: Annotated[str, typer.Option("--text", help="The finding or learning point.")],
    config: ConfigOption = None,
) -> None:
    """Record an audit finding against a supervision record: the supervisee is told, and it
    stays on their supervision agenda as an action until closed."""
    settings = config_or_exit(config)

    async def run(a: App) -> tuple[int, int]:
        now = datetime.now(UTC)
        viewer = viewer_for(None, "report finding")

        def work(tx: SqlTransaction) -> tuple[int, int]:
            found = record_finding(tx, record, by, text, now)
            whose = Subject(person_id=found.supervisee_id)
            what = f"finding {found.number} on {found.session_key}"
            audit.record(tx, viewer, "admin", "finding", whose, now, record_id=what)
            return found.number, found.action

        return await a.store.run_sql(work)

    try:
        number, action = with_app(settings, run)
    except AuditError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"finding {number} recorded; on the supervisee's agenda as action {action}")
