"""`sva audit` lists the audit trail; `sva audit verify` checks it has not been tampered with.

Both are administrator commands (whoever can open the database) and are audited themselves.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.bootstrap import App
from bot.cli.common import ConfigOption, admin_only, config_or_exit, viewer_for
from bot.cli.reminders import with_app
from storage.audit import AuditEntry, Problem
from storage.sql import SqlTransaction

app = typer.Typer(help="The audit trail: who read or changed which record, and when.")


@app.callback(invoke_without_command=True)
def listing(
    ctx: typer.Context,
    person: Annotated[
        str | None,
        typer.Option("--person", help="Only reads and changes of this person's records."),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Only what this person (or os:LOGIN) did.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this record kind.")] = None,
    since: Annotated[
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="From this day on.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="The newest N only.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per entry.")] = False,
    config: ConfigOption = None,
) -> None:
    """Audit entries, oldest first, filtered by every option given."""
    if ctx.invoked_subcommand is not None:
        return
    start = since.replace(tzinfo=UTC) if since else None

    async def run(a: App) -> list[AuditEntry]:
        await admin_only(a, viewer_for(None, "audit"), "audit", "list")
        return await a.store.run(
            lambda tx: tx.audit_entries(
                actor=actor, subject=person, record_kind=kind, since=start, limit=limit
            )
        )

    for entry in with_app(config_or_exit(config), run):
        typer.echo(json.dumps(as_dict(entry), ensure_ascii=False) if as_json else line(entry))


@app.command("verify")
def verify(config: ConfigOption = None) -> None:
    """Check the hash chain and the decision log; exit 1 listing every problem found."""

    async def run(a: App) -> tuple[list[Problem], int, str]:
        def check(tx: SqlTransaction) -> tuple[list[Problem], int, str]:
            newest = tx.audit_log.entries(limit=1)
            head = newest[0].hash if newest else "(empty)"
            return tx.audit_log.verify(), tx.audit_log.count(), head

        found = await a.store.run_sql(check)
        await admin_only(a, viewer_for(None, "audit verify"), "audit", "verify")
        return found

    problems, rows, head = with_app(config_or_exit(config), run)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in the audit trail of {rows} row(s)", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {rows} row(s), newest hash {head}")


def line(e: AuditEntry) -> str:
    """One entry for people: when, who, what, whose, via, and a refusal marked."""
    whose = f" of {e.subject}" if e.subject else ""
    refused = "" if e.allowed else "  REFUSED"
    return (
        f"{e.id}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action} {e.record_kind} "
        f"{e.record_id}{whose}  via {e.via}{refused}"
    )


def as_dict(e: AuditEntry) -> dict[str, object]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "record_kind": e.record_kind,
        "record_id": e.record_id,
        "subject": e.subject,
        "via": e.via,
        "allowed": e.allowed,
        "hash": e.hash,
    }
