"""`sva person export P --out DIR` (subject access) and `sva person erase P` (erasure)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.assistant.access import Viewer
from bot.bootstrap import App
from bot.cli.common import ConfigOption, ForceOption, config_or_exit, os_login
from bot.cli.reminders import with_app
from bot.operations.private_files import FileExists
from bot.operations.subject_access import Erased, UnknownPerson, erase_person, export_person

app = typer.Typer(help="What is held about a person: export it, or erase it.", no_args_is_help=True)


def _admin(via: str) -> Viewer:
    return Viewer.admin(os_login(), via=via)


@app.command("export")
def export(
    person: str,
    out: Annotated[Path, typer.Option("--out", help="Directory to write to (made 0700).")],
    force: ForceOption = False,
    config: ConfigOption = None,
) -> None:
    """Everything held about PERSON, as JSON and a readable Markdown summary (audited)."""

    async def run(a: App) -> list[Path]:
        return await export_person(
            a.store, person, out, _admin("cli:person-export"), datetime.now(UTC), force=force
        )

    try:
        written = with_app(config_or_exit(config), run)
    except UnknownPerson as exc:
        typer.echo(f"nothing is held about {person}", err=True)
        raise typer.Exit(1) from exc
    except FileExists as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    for path in written:
        typer.echo(f"wrote {path}")


@app.command("erase")
def erase(
    person: str,
    yes: Annotated[bool, typer.Option("--yes", help="Do it: erasure cannot be undone.")] = False,
    config: ConfigOption = None,
) -> None:
    """Erase PERSON: their own data is deleted; case decisions, disagreements, sessions and
    case actions stay on the case file with PERSON replaced by their role (audited)."""
    if not yes:
        typer.echo(f"this erases {person} and cannot be undone; add --yes to do it", err=True)
        raise typer.Exit(2)

    async def run(a: App) -> Erased:
        viewer, now = _admin("cli:person-erase"), datetime.now(UTC)
        log = a.config.console.reminder_log
        return await erase_person(a.store, person, viewer, now, reminder_log=log)

    try:
        done = with_app(config_or_exit(config), run)
    except UnknownPerson as exc:
        typer.echo(f"nothing is held about {person}", err=True)
        raise typer.Exit(1) from exc
    for change, count in done.changes.items():
        typer.echo(f"{change}: {count} row(s)")
    typer.echo(f"erased {person}; records kept for the case file now say {done.replacement!r}")
    if not done.journal_emptied:
        typer.echo(
            "warning: readers kept the database's write-ahead log busy, so earlier copies of "
            "the erased rows stay in it until SQLite next empties it (at the latest once "
            "every sva process has closed the database: restart sva serve)",
            err=True,
        )
