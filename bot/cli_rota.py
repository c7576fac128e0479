"""`sva rota plan`: the group supervision rota for a team."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from bot.cli_common import ConfigOption, config_or_exit
from bot.cli_reminders import with_app
from bot.rota_planner import RotaError, plan_rota
from policies.due import NoRule

app = typer.Typer(help="Group supervision rota.", no_args_is_help=True)


@app.command("plan")
def plan_command(
    team: Annotated[str, typer.Option("--team", help="The team, as in the people import.")],
    start: Annotated[
        datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First session on or after.")
    ],
    sessions: Annotated[int, typer.Option("--sessions", min=1, max=200)] = 6,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per session.")] = False,
    config: ConfigOption = None,
) -> None:
    """Plan sessions at the team's policy frequency, with roles that rotate fairly."""
    first = start.date()
    try:
        planned = with_app(
            config_or_exit(config),
            lambda a: plan_rota(a.store, a.sweeper.assignment, team, first, sessions),
        )
    except (RotaError, NoRule) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for item in planned:
        if as_json:
            line = {
                "date": item.session.day.isoformat(),
                "roles": item.session.roles,
                "case_ref": item.case_ref,
            }
            typer.echo(json.dumps(line, ensure_ascii=False))
        else:
            roles = ", ".join(
                f"{role}: {who or '(nobody free)'}" for role, who in item.session.roles.items()
            )
            typer.echo(
                f"{item.session.day:%a %d %b %Y}  {roles}  case: {item.case_ref or '(manager to choose)'}"
            )
