"""The `sva` command line."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.bootstrap import bootstrap
from bot.cli_policy import app as policy_app
from bot.config import Config, ConfigError, load_config
from bot.console import ConsoleChannel
from policies.packs import PolicyError
from storage.db import create_engine, migrate

app = typer.Typer(
    help="Supervision Assistant: supervision preparation and follow-up in chat.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(policy_app, name="policy")

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Configuration file (default ./sva.toml if it exists)."),
]


def _config(path: Path | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def chat(
    user: Annotated[
        str, typer.Option("--user", help="Who you are (your person id).")
    ] = getpass.getuser(),
    as_json: Annotated[
        bool, typer.Option("--json", help="Read lines on stdin; write one JSON object per message.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Chat with the assistant in this terminal."""
    settings = _config(config)
    if not user.strip():
        typer.echo("--user must not be empty", err=True)
        raise typer.Exit(2)
    asyncio.run(_chat(settings, user.strip(), as_json))


async def _chat(config: Config, user: str, as_json: bool) -> None:
    try:
        app_ = await bootstrap(config)
    except (ConfigError, PolicyError) as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        channel = ConsoleChannel(
            assistant=app_.assistant,
            person_id=user,
            stdin=sys.stdin.buffer,
            stdout=sys.stdout,
            as_json=as_json,
        )
        await channel.run()
    finally:
        await app_.close()


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Create or upgrade the database schema to the latest version."""
    settings = _config(config)
    migrate(create_engine(settings.database.url))
    typer.echo("database is up to date")
