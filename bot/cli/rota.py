"""`sva rota plan`: the group supervision rota for a team."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.assistant.access import Action, RecordKind, Subject
from bot.assistant.commands import CASE_REF
from bot.bootstrap import App
from bot.cli.common import AsOption, ConfigOption, config_or_exit, gated, viewer_for
from bot.cli.reminders import with_app
from bot.operations.rota_planner import (
    PRESENTING,
    PlannedSession,
    RotaError,
    Swap,
    group_record,
    plan_rota,
    save_plan,
    swap,
)
from policies.due import NoRule

app = typer.Typer(help="Group supervision rota.", no_args_is_help=True)
GROUP = RecordKind.GROUP
TeamOption = Annotated[str, typer.Option("--team", help="The team, as in the people import.")]
DateOption = Annotated[
    datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="The session date.")
]


@app.command("plan")
def plan_command(
    team: Annotated[str, typer.Option("--team", help="The team, as in the people import.")],
    start: Annotated[
        datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First session on or after.")
    ],
    sessions: Annotated[int, typer.Option("--sessions", min=1, max=200)] = 6,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per session.")] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Store the plan: nudges go out and swaps can be made.")
    ] = False,
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """Plan sessions at the team's policy frequency, with roles that rotate fairly."""
    first = start.date()
    viewer = viewer_for(as_person, "rota plan")

    async def run(a: App) -> list[PlannedSession]:
        planned = await plan_rota(a.store, a.sweeper.assignment, team, first, sessions)
        if save:
            await save_plan(a.store, team, planned)
        return planned

    try:
        action = Action.CHANGE if save else Action.READ
        planned = with_app(
            config_or_exit(config), gated(viewer, action, GROUP, Subject(team=team), run)
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
                "short": item.session.shortage() or None,
            }
            typer.echo(json.dumps(line, ensure_ascii=False))
        else:
            typer.echo(
                f"{item.session.day:%a %d %b %Y}  {item.roles_named()}  "
                f"case: {item.case_ref or '(manager to choose)'}"
            )
        if item.session.short:
            typer.echo(f"  note: {item.session.shortage()}, so someone holds two", err=True)


@app.command("swap")
def swap_command(
    team: TeamOption,
    day: DateOption,
    person: Annotated[str, typer.Option("--person", help="Who cannot make it.")],
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """Someone cannot make a planned session: the next fair candidate takes their role(s)."""
    viewer = viewer_for(as_person, "rota swap")

    async def run(a: App) -> Swap:
        return await swap(a.store, team, day.date(), person, datetime.now(UTC))

    try:
        result = with_app(
            config_or_exit(config), gated(viewer, Action.CHANGE, GROUP, Subject(team=team), run)
        )
    except RotaError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for role, (out, into) in result.changes.items():
        stepping_in = f"{result.name(into)} ({into})" if into else "(nobody free)"
        typer.echo(f"{role}: {result.name(out)} ({out}) -> {stepping_in}; both have been told")
    if any(role in PRESENTING for role in result.changes):
        typer.echo(
            f"case: {result.case_ref or '(manager to choose)'} (it moves with the presenter)"
        )


@app.command("record")
def record_command(
    team: TeamOption,
    day: DateOption,
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """A group supervision record to fill in after the session, in the team's policy format."""
    viewer = viewer_for(as_person, "rota record")

    async def run(a: App) -> str:
        entries = await a.store.run_sql(
            lambda tx: tx.rota.sessions(team=team, start=day.date(), end=day.date())
        )
        if not entries:
            raise RotaError(f"team {team!r} has no group supervision planned on {day:%d %b %Y}")
        members = await a.store.run_sql(lambda tx: tx.directory.team(team))
        leave = await a.store.run_sql(lambda tx: tx.directory.leave_of([m.id for m in members]))
        away = {p for p, first, last in leave if first <= day.date() <= last}
        managers = [m for m in members if m.role == "team_manager"]
        pack = a.sweeper.assignment.for_person(managers[0] if managers else None)
        headings = pack.records.group.headings if pack.records.group else pack.records.case.headings
        return group_record(team, entries[0], members, away, headings)

    try:
        subject = Subject(team=team)
        typer.echo(
            with_app(config_or_exit(config), gated(viewer, Action.READ, GROUP, subject, run))
        )
    except RotaError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


@app.command("case")
def case_command(
    team: TeamOption,
    day: DateOption,
    case_ref: Annotated[str, typer.Option("--case", help="The case reference to present.")],
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """The manager chooses the case for a planned session (e.g. a stuck or scheduled-back case)."""
    if not CASE_REF.fullmatch(case_ref):
        typer.echo(f"{case_ref!r} is not a case reference", err=True)
        raise typer.Exit(2)
    viewer = viewer_for(as_person, "rota case")

    async def run(a: App) -> int:
        return await a.store.run_sql(lambda tx: tx.rota.set_case(team, day.date(), case_ref))

    changed = with_app(
        config_or_exit(config), gated(viewer, Action.CHANGE, GROUP, Subject(team=team), run)
    )
    if not changed:
        typer.echo(f"team {team!r} has no group supervision planned on {day:%d %b %Y}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{team} presents {case_ref} on {day:%d %b %Y}")
