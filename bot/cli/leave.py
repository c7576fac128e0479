"""`sva leave add | list | remove`: a person's leave periods (people on leave are not chased,
and a report leaves out who was away for most of a period). Administrators only, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer

from bot.bootstrap import App
from bot.cli.common import (
    ConfigOption,
    UnknownPerson,
    admin_only,
    config_or_exit,
    exit_unknown,
    viewer_for,
)
from bot.cli.reminders import with_app
from bot.operations.leave import Leave, joined, without
from storage.sql import SqlTransaction

leave_app = typer.Typer(help="Leave periods: people on leave are not chased.", no_args_is_help=True)

From = Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")]
To = Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")]


@leave_app.command("add")
def leave_add(person: str, starts: From, ends: To, config: ConfigOption = None) -> None:
    """Record a period of leave (inclusive) for a person; it joins any leave it overlaps."""
    added = _period(starts, ends)

    def add(leave: list[Leave]) -> list[Leave]:
        return joined([*leave, added])

    _, now = _change(person, "leave add", add, config)
    [period] = [p for p in now if p.starts_on <= added.starts_on <= p.ends_on]
    joined_with = "" if period == added else " (joined with leave already recorded)"
    typer.echo(f"{person} is on leave from {period.starts_on} to {period.ends_on}{joined_with}")


@leave_app.command("remove")
def leave_remove(person: str, starts: From, ends: To, config: ConfigOption = None) -> None:
    """Take these days out of a person's leave (a leave recorded by mistake, a return early)."""
    gone = _period(starts, ends)
    before, now = _change(person, "leave remove", lambda leave: without(leave, gone), config)
    if now != before:
        typer.echo(f"{person}: leave from {gone.starts_on} to {gone.ends_on} taken out")
    else:
        typer.echo(
            f"{person} had no leave from {gone.starts_on} to {gone.ends_on}: nothing changed"
        )
    _show(person, now)


@leave_app.command("list")
def leave_list(person: str, config: ConfigOption = None) -> None:
    """A person's leave periods, oldest first."""
    _show(person, _change(person, "leave list", None, config)[1])


def _period(starts: datetime, ends: datetime) -> Leave:
    if ends < starts:
        typer.echo("--to is before --from", err=True)
        raise typer.Exit(2)
    return Leave(starts.date(), ends.date())


def _show(person: str, leave: list[Leave]) -> None:
    if not leave:
        typer.echo(f"{person} has no leave recorded")
    for period in leave:
        typer.echo(f"{person} on leave from {period.starts_on} to {period.ends_on}")


def _change(
    person: str,
    command: str,
    change: Callable[[list[Leave]], list[Leave]] | None,
    config: ConfigOption,
) -> tuple[list[Leave], list[Leave]]:
    """The person's leave before and after `change` (None: read only), both tidied, in one
    transaction, audited."""

    def work(tx: SqlTransaction) -> tuple[list[Leave], list[Leave]]:
        recorded = tx.directory.leave_to_change(person)
        if recorded is None:
            raise UnknownPerson(person)
        stored = sorted(Leave(s, e) for s, e in recorded)
        before = joined(stored)
        after = before if change is None else change(before)
        if change is not None and after != stored:  # unchanged: kept report figures hold
            tx.directory.replace_leave(person, after)
        return before, after

    async def run(app: App) -> tuple[list[Leave], list[Leave]]:
        await admin_only(app, viewer_for(None, command), "leave", person)
        return await app.store.run_sql(work)

    try:
        return with_app(config_or_exit(config), run)
    except UnknownPerson as problem:
        raise exit_unknown(problem) from problem
