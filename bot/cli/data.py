"""`sva db new-key`, `sva db rotate-key`: the data keys that seal special-category fields."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.bootstrap import App, load_keyring, open_database
from bot.cli.common import ConfigOption, admin_only, admin_row, config_or_exit, viewer_for
from bot.cli.progress import Progress
from bot.cli.reminders import with_app
from bot.config import ConfigError
from bot.operations.rekeying import rotate_key as rotate
from bot.operations.retention import Retention
from storage.errors import StorageError
from storage.opening import DatabaseProblem
from storage.sealing import new_key_entry
from storage.sql import SqlStore


def new_key(
    key_id: Annotated[
        str | None,
        typer.Option("--id", help="Key id (letters and digits; default kYYYYMMDD and 4 random)."),
    ] = None,
) -> None:
    """Print a new data key entry for SVA_DATA_KEYS or the key file (put it first to use it)."""
    # The date says when; the random part keeps two keys made the same day apart.
    chosen = key_id or f"k{datetime.now(UTC):%Y%m%d}{secrets.token_hex(2)}"
    if not chosen.isalnum():
        typer.echo("--id: letters and digits only", err=True)
        raise typer.Exit(2)
    typer.echo(new_key_entry(chosen))


def rotate_key(
    batch: Annotated[int, typer.Option(min=1, help="Rows per committed batch.")] = 500,
    config: ConfigOption = None,
) -> None:
    """Seal every stored value with the current (first) data key, in committed batches.

    Keep the old key listed after the new one until this finishes; an interrupted run resumes
    where it stopped when run again."""
    settings = config_or_exit(config)
    try:
        keyring = load_keyring(settings)
        engine = open_database(settings)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    except DatabaseProblem as exc:
        typer.echo(f"database: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not keyring.enabled:
        typer.echo("no data key is configured (SVA_DATA_KEYS or encryption.key_file)", err=True)
        raise typer.Exit(2)
    store = SqlStore(engine=engine)
    try:
        viewer = viewer_for(None, "db rotate-key")
        asyncio.run(admin_row(store, viewer, "keys", f"rotate-key to {keyring.current}"))
        with Progress(
            "re-sealing with the current key", None, name="key rotation", unit="values"
        ) as progress:
            done = rotate(store, keyring, batch=batch, progress=progress)
    except StorageError as exc:
        typer.echo(f"stopped: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    for column, count in done.items():
        typer.echo(f"{column}: {count} re-sealed")
    typer.echo(f"every value is sealed with key {keyring.current}")


def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, remove nothing.")] = False,
    config: ConfigOption = None,
) -> None:
    """Remove what has been kept longer than \\[retention] allows (the daily sweep does this
    too), in committed batches; abandoned dialogs are warned about first."""

    async def run(a: App) -> dict[str, int]:
        what = "purge --dry-run" if dry_run else "purge"
        await admin_only(a, viewer_for(None, f"db {what}"), "retention", what)
        retention = Retention(store=a.store, periods=a.config.retention)
        return await retention.run(datetime.now(UTC), dry_run=dry_run, progress=progress)

    settings = config_or_exit(config)
    name = "purge (dry run)" if dry_run else "purge"
    with Progress("purging what [retention] no longer allows", None, name=name) as progress:
        done = with_app(settings, run)
    verb = "would remove" if dry_run else "removed"
    for kind, count in done.items():
        if kind.endswith(("warned", "erased")):
            typer.echo(f"{kind}: {count}{' (dry run: would be)' if dry_run else ''}")
        else:
            typer.echo(f"{verb} {kind}: {count}")
