"""What every `sva` command shares: the --config option and loading it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.config import Config, ConfigError, load_config
from bot.logs import configure_logging
from bot.operations.private_files import FileExists, refuse_overwrite, write_private

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


ForceOption = Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")]


def refuse_existing(out: Path | None, force: bool) -> None:
    """Exit 2 before any work if `out` exists and --force was not given."""
    try:
        if out is not None:
            refuse_overwrite(out, force=force)
    except FileExists as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def save(out: Path, data: bytes | str, force: bool) -> None:
    """Write an export owner-only (0600) and say so; exit 2 rather than replace a file."""
    try:
        write_private(out, data, force=force)
    except FileExists as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"wrote {out}")


class UnknownPerson(LookupError):
    """A command named a person id that is not in the directory."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"no person with id {person_id[:40]!r} (import people first)")


def exit_unknown(problem: UnknownPerson) -> typer.Exit:
    """Say so on stderr; the command exits 1."""
    typer.echo(str(problem), err=True)
    return typer.Exit(1)
