"""What every `sva` command shares: the --config option and loading it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.config import Config, ConfigError, load_config
from bot.logs import configure_logging

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Configuration file (default ./sva.toml if it exists)."),
]


def config_or_exit(path: Path | None) -> Config:
    """The configuration (logging set up from its `[log]`), or exit status 2 with the file,
    key and problem."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    configure_logging(config.log)
    return config
