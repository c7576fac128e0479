"""`sva import`, `sva remind` and `sva serve`: the supervisor-facing commands."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from bot.assistant.names import counted
from bot.bootstrap import App, bootstrap, load_keyring
from bot.cli.common import (
    ConfigOption,
    admin_only,
    config_or_exit,
    viewer_for,
)
from bot.cli.progress import Progress
from bot.cli.sweep_report import print_report
from bot.config import Config, ConfigError, LogLevel
from bot.errors import CannotListen, ChannelUnavailable
from bot.logs import configure_logging
from bot.operations import import_docs
from bot.operations.importer import ImportReport, Kind, import_file
from bot.operations.preview import by_person, by_team
from bot.operations.reminders import SweepReport
from policies.packs import PolicyError
from storage.opening import DatabaseProblem, DatabaseUnreachable
from storage.records import Person
from storage.sealing import SealError

T = TypeVar("T")
KEYS_WRONG = (
    "the data keys configured (SVA_DATA_KEYS or encryption.key_file) are not the ones it was "
    "sealed with; configure the key file that was in use when it was written"
)
TEMPORARY_FAILURE = 75  # sysexits.h EX_TEMPFAIL: try again later
CONFIGURATION = 78  # sysexits.h EX_CONFIG: a chat service refused the configured credentials
import_app = typer.Typer(
    help="Import people, cases and sessions from CSV files.", no_args_is_help=True
)


def with_app(config: Config, work: Callable[[App], Awaitable[T]], *, create: bool = False) -> T:
    """Bootstrap, run `work`, close; configuration problems exit with status 2. `create`: a
    missing SQLite database may be made (the console demo's first run)."""

    done: list[T] = []  # the result, not returned from the main task: see below

    async def run() -> None:
        try:
            app = await bootstrap(config, create=create)
        except (ConfigError, PolicyError) as exc:
            typer.echo(f"configuration error:\n{exc}", err=True)
            raise typer.Exit(2) from exc
        except DatabaseProblem as exc:  # one line: what is wrong and how to fix it
            typer.echo(f"database: {exc}", err=True)
            raise typer.Exit(database_exit(exc)) from exc
        try:
            done.append(await work(app))
        except ChannelUnavailable as exc:  # credentials refused: one line, no traceback
            typer.echo(f"cannot start: {exc}", err=True)
            raise typer.Exit(CONFIGURATION) from exc
        except SealError as exc:  # the keys, not the data: names a column and a key id only
            typer.echo(f"{exc}: {KEYS_WRONG}", err=True)
            raise typer.Exit(2) from exc
        finally:
            await app.close()

    # asyncio.run (Python 3.11) formats the main task, its result included, as it puts back
    # Ctrl-C's handler: for a council's compliance report that repr took 4 s.
    asyncio.run(run())
    return done[0]


def database_exit(problem: DatabaseProblem) -> int:
    """75 (EX_TEMPFAIL: try again later, systemd restarts) when the server did not answer;
    2 when a setting or the schema must be fixed first."""
    return TEMPORARY_FAILURE if isinstance(problem, DatabaseUnreachable) else 2


def _import(kind: Kind, path: Path, config: Config) -> None:
    if not path.is_file():
        typer.echo(f"{path}: no such file", err=True)
        raise typer.Exit(2)
    rows = max(sum(1 for _ in path.open("rb")) - 1, 0)
    with Progress(f"checking {path.name}", rows, name=f"import {kind} {path.name}") as progress:

        async def run(app: App) -> ImportReport:
            await admin_only(app, viewer_for(None, f"import {kind}"), "import", str(path))
            return await import_file(
                app.store,
                kind,
                path,
                app.sweeper.assignment,
                progress.advance,
                progress.stage,
            )

        report = with_app(config, run)
        if report.problems:
            progress.failed()
    for problem in report.problems:
        typer.echo(problem, err=True)
    if report.problems:
        typer.echo(f"{counted(len(report.problems), 'problem')}: nothing was imported", err=True)
        raise typer.Exit(1)
    typer.echo(f"imported {counted(report.rows, 'row')} of {kind} from {path}")
    for spelling in report.spellings:
        typer.echo(f"note: {spelling} (the first row written so)")
    if report.left:
        typer.echo(
            f"marked {len(report.left)} as left (no longer listed): {', '.join(report.left)}"
        )


@import_app.command("people", help=import_docs.PEOPLE)
def import_people(path: Path, config: ConfigOption = None) -> None:
    _import("people", path, config_or_exit(config))


@import_app.command("cases", help=import_docs.CASES)
def import_cases(path: Path, config: ConfigOption = None) -> None:
    _import("cases", path, config_or_exit(config))


@import_app.command("sessions", help=import_docs.SESSIONS)
def import_sessions(path: Path, config: ConfigOption = None) -> None:
    _import("sessions", path, config_or_exit(config))


def remind(
    on: Annotated[
        datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="The day to sweep for (default: today)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Compute only: write and send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per reminder.")] = False,
    config: ConfigOption = None,
) -> None:
    """Compute what is due soon or overdue on a day, and send the reminders."""
    day = on.date() if on is not None else date.today()

    async def sweep(app: App) -> SweepReport:
        label = ("dry-run:" if dry_run else "") + day.isoformat()
        await admin_only(app, viewer_for(None, "remind"), "reminders", label)
        from bot.cli.serving import make_server  # the chat SDKs load for these two commands only

        server = make_server(app, None, socket_mode=False)  # every configured chat channel
        if dry_run or not server.channels:
            return await app.sweeper.sweep(
                day, datetime.now(UTC), dry_run=dry_run, progress=progress
            )
        try:
            await server.start_channels(serving=False)  # deliver through chat; serve nothing
            # By hand: anyone the server is holding back as unreachable is tried at once.
            by_hand = dataclasses.replace(server.sweeper, unreachable_retry=None)
            return await by_hand.sweep(day, datetime.now(UTC), progress=progress)
        finally:
            await server.stop()

    async def dry(app: App) -> tuple[SweepReport, dict[str, Person]]:
        report = await sweep(app)
        people = await app.store.run_sql(lambda tx: tx.directory.people())
        return report, {p.id: p for p in people}

    with Progress(f"reminder sweep for {day}", None, unit="reminders") as progress:
        report, people = with_app(config_or_exit(config), dry if dry_run else _no_people(sweep))
    print_report(report, as_json, dry_run=dry_run)
    if dry_run and not as_json and report.reminders:
        typer.echo("\nBy team (dry run: nothing was written or sent):")
        for line in by_team(report.reminders, people):
            typer.echo(f"  {line}")
        typer.echo("\nBy person:")
        for line in by_person(report.reminders, people):
            typer.echo(f"  {line}")


def _no_people(
    sweep: Callable[[App], Awaitable[SweepReport]],
) -> Callable[[App], Awaitable[tuple[SweepReport, dict[str, Person]]]]:
    async def run(app: App) -> tuple[SweepReport, dict[str, Person]]:
        return await sweep(app), {}

    return run


def serve(
    channels: Annotated[
        list[str] | None,
        typer.Argument(help="Channels to run (slack, teams, telegram); default: all configured."),
    ] = None,
    socket_mode: Annotated[
        bool, typer.Option("--socket-mode", help="Slack over Socket Mode instead of HTTP.")
    ] = False,
    host: Annotated[str | None, typer.Option(help="Listen address (default server.host).")] = None,
    port: Annotated[
        int | None, typer.Option(min=0, max=65535, help="Listen port (default server.port).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=64,
            help="Processes answering chat messages, so that acknowledging never waits "
            "behind a turn (default server.workers; 0: this process answers).",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the chat channels and run reminders: the daily sweep at `reminders.sweep_at`
    and queued messages every 30 s (several servers may share one database)."""
    settings = config_or_exit(config)
    configure_logging(settings.log, default=LogLevel.INFO)  # one line per request by default
    refuse_unencrypted(settings)

    async def run(app: App) -> None:
        from bot.cli.serving import make_server

        count = settings.server.workers if workers is None else workers
        server = make_server(app, channels, socket_mode, workers=count)
        where = host or settings.server.host, settings.server.port if port is None else port
        bound = await server.start(*where)
        # What start-up made (modules, SQLAlchemy's and the SDKs' objects) lives as long as
        # the process: frozen, the collector stops walking it on every full collection,
        # pauses that held every request (Slack ack p99, server-side ~150 -> ~90 ms in
        # benchmarks/README). Start-up's own garbage is collected first, not frozen.
        gc.collect()
        gc.freeze()
        served = [*server.channels, *(["the dashboard (/dashboard)"] if app.links else [])]
        served.append("reminders")
        if settings.oversight.keep_figures:
            served.append("last month's report figures (kept in a minute, then daily)")
        typer.echo(f"serving {', '.join(served)} on port {bound}")
        stopping = asyncio.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signal_number, stopping.set)
        try:
            await stopping.wait()
        finally:
            await server.stop()
        typer.echo("stopped")

    try:
        with_app(settings, run)
    except CannotListen as exc:  # one line; a busy port may free up, a wrong address will not
        typer.echo(str(exc), err=True)
        raise typer.Exit(TEMPORARY_FAILURE if exc.busy else 2) from exc


def refuse_unencrypted(config: Config) -> None:
    """Exit 2 unless a data key is configured or plaintext storage was explicitly accepted."""
    try:
        keyring = load_keyring(config)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    if not keyring.enabled and not config.encryption.allow_unencrypted_storage:
        typer.echo(
            "refusing to serve: no data key is configured, so wellbeing answers and records "
            "would be stored unencrypted. Set SVA_DATA_KEYS or encryption.key_file "
            "(`sva db new-key` makes one), or set encryption.allow_unencrypted_storage = true.",
            err=True,
        )
        raise typer.Exit(2)
