"""The server that `sva serve` runs and `sva remind` delivers through.

Kept apart from the other commands, and imported by these two when they run, so that no
other command loads the chat SDKs, the web dashboard and their HTTP stacks.
"""

from __future__ import annotations

import typer

from bot.assistant.gateway import Gateway
from bot.bootstrap import App
from bot.channels.answer_workers import AnswerWorkers, WorkerSpec
from bot.channels.registry import Channel, build_channels, configured
from bot.channels.server import Server
from bot.cli.keeping import keeping_jobs
from bot.cli.sweep_report import print_report
from bot.config import Config, ConfigError, TeamsAuth
from bot.web.dashboard import jobs_for, routes_for


def make_server(
    app: App, channels: list[str] | None, socket_mode: bool, *, workers: int = 0
) -> Server:
    """The server for the named channels (all configured ones if none); exit 2 if one is unset.
    `workers`: processes that answer what the server acknowledges (0: the server itself)."""
    try:
        gateway = Gateway(assistant=app.assistant, store=app.store)
        names = channels or configured(app.config)
        built = build_channels(app.config, gateway, names, socket_mode=socket_mode)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    for warning in warnings_for(app.config, built):
        typer.echo(f"warning: {warning}", err=True)
    answering = None
    if workers and built:
        spec = WorkerSpec(app.config, list(built), socket_mode)
        answering = AnswerWorkers(spec, workers, gateway.inbox)
    return Server(
        app,
        built,
        gateway=gateway,
        report=lambda report: print_report(report, as_json=False),
        routes=routes_for(app),
        jobs=[*jobs_for(app), *keeping_jobs(app.config)],
        workers=answering,
    )


def warnings_for(config: Config, channels: dict[str, Channel]) -> list[str]:
    """What an operator must see at every start."""
    if "teams" in channels and config.teams.auth is TeamsAuth.ANONYMOUS:
        return [
            "teams.auth = anonymous: requests to /api/messages are NOT authenticated; "
            "use this only for local testing"
        ]
    return []
