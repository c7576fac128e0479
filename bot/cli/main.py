"""The `sva` command line: chat, policy, import, leave, remind, serve, db."""

from __future__ import annotations

import getpass
import sys
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated

import typer

from bot.assistant.identity import console_identity, unknown_console_user
from bot.bootstrap import App
from bot.channels.console import ConsoleChannel
from bot.cli.actions import app as actions_app
from bot.cli.agenda import agenda
from bot.cli.audit import app as audit_app
from bot.cli.common import ConfigOption, config_or_exit, os_login
from bot.cli.data import new_key, purge, rotate_key
from bot.cli.decisions import app as decisions_app
from bot.cli.invite import invite
from bot.cli.leave import leave_app
from bot.cli.people import app as person_app
from bot.cli.policy import app as policy_app
from bot.cli.records import app as records_app
from bot.cli.reminders import database_exit, import_app, remind, serve, with_app
from bot.cli.report import app as report_app
from bot.cli.rota import app as rota_app
from bot.cli.sessions import app as sessions_app
from bot.errors import StorageRefused
from storage.audit import record_admin_action
from storage.backup import backup
from storage.opening import DatabaseProblem, head, init, upgrade

app = typer.Typer(
    help="Supervision Assistant: supervision preparation and follow-up in chat.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(person_app, name="person")
db_app.command("new-key")(new_key)
db_app.command("rotate-key")(rotate_key)
db_app.command("purge")(purge)
app.add_typer(policy_app, name="policy")
app.add_typer(import_app, name="import")
app.add_typer(leave_app, name="leave")
app.add_typer(rota_app, name="rota")
app.add_typer(decisions_app, name="decisions")
app.add_typer(records_app, name="record")
app.add_typer(sessions_app, name="session")
app.add_typer(actions_app, name="action")
app.add_typer(audit_app, name="audit")
app.add_typer(report_app, name="report")
app.command()(remind)
app.command()(serve)
app.command()(agenda)
app.command()(invite)


@app.command()
def chat(
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="Your console identity (console:NAME in your import row); default: your login.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Read lines on stdin; write one JSON object per message.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Chat with the assistant in this terminal, as the person your console identity names."""
    settings = config_or_exit(config)
    login = (user if user is not None else getpass.getuser()).strip()
    if not login:
        typer.echo("--user must not be empty", err=True)
        raise typer.Exit(2)

    async def run(app_: App) -> None:
        if app_.created is not None:
            typer.echo(
                f"first run: created a new database at {app_.created} (start sva in this "
                "folder to keep using it; `sva db init` creates one explicitly)",
                err=True,
            )
        identity = await console_identity(app_.store, login)
        if identity.person_id is None:
            typer.echo(unknown_console_user(login), err=True)
            raise typer.Exit(1)
        if identity.demo:
            typer.echo(identity.label, err=True)
        channel = ConsoleChannel(
            assistant=app_.assistant,
            person_id=identity.person_id,
            stdin=sys.stdin.buffer,
            stdout=sys.stdout,
            as_json=as_json,
        )
        await channel.run()

    demo = "url" not in settings.database.model_fields_set  # the embedded default, ./sva.db
    try:
        with_app(settings, run, create=demo)
    except StorageRefused as exc:  # the person was told in the chat; the operator here
        typer.echo(f"database: {exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("", err=True)  # end the "> " line; every answer given so far is kept
        raise typer.Exit(130) from None


@db_app.command("init")
def db_init(config: ConfigOption = None) -> None:
    """Create a new database where database.url points (SQLite: the file; PostgreSQL: the
    tables in an empty database), and say where. An existing sva database is left as it is."""
    try:
        done = init(config_or_exit(config).database.url)
    except DatabaseProblem as exc:
        typer.echo(f"database: {exc}", err=True)
        raise typer.Exit(database_exit(exc)) from exc
    if done.created:
        _audited(config, "init")
    typer.echo(done.describe())


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Upgrade the database schema to the latest version, and say what changed (`sva db
    init` creates a new database)."""
    try:
        done = upgrade(config_or_exit(config).database.url)
    except DatabaseProblem as exc:
        typer.echo(f"database: {exc}", err=True)
        raise typer.Exit(database_exit(exc)) from exc
    _audited(config, "upgrade")
    typer.echo(done.describe())


@db_app.command("backup")
def db_backup(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write (mode 0600).")],
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    config: ConfigOption = None,
) -> None:
    """Copy a SQLite database while sva runs (online backup); for PostgreSQL, says how to
    use pg_dump."""
    try:
        size = backup(config_or_exit(config).database.url, out, force=force)
    except DatabaseProblem as exc:
        typer.echo(f"database: {exc}", err=True)
        raise typer.Exit(2) from exc
    _audited(config, "backup")
    typer.echo(f"backed up the database to {out} ({size:,} bytes)")


def _audited(config: Path | None, what: str) -> None:
    """Database maintenance is an administrator action: one audit row with the OS login."""
    record_admin_action(config_or_exit(config).database.url, os_login(), f"cli:db {what}", what)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sva {package_version('supervision-assistant')} (database schema {head()})")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Supervision Assistant: supervision preparation and follow-up in chat."""


@app.command("teams-package")
def teams_package(
    app_id: Annotated[str, typer.Option("--app-id", help="The Azure Bot registration's app id.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the zip.")] = Path(
        "supervision-assistant-teams.zip"
    ),
) -> None:
    """Write the Teams app package (manifest and icons) for a council admin to upload."""
    from bot.channels.teams.package import build_package  # the Teams SDK is not needed for the rest

    try:
        typer.echo(f"wrote {build_package(app_id, out)}")
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
