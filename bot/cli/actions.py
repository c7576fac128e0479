"""`sva action add`: record an action agreed in supervision (owner, what, why, by when)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.assistant import access
from bot.assistant.commands import CASE_REF
from bot.bootstrap import App
from bot.cli.common import (
    AsOption,
    ConfigOption,
    UnknownPerson,
    authorise,
    config_or_exit,
    exit_unknown,
    viewer_for,
)
from bot.cli.reminders import with_app
from dialogs.answers import InvalidAnswer, clean_text
from storage.records import Action
from storage.store import Transaction

app = typer.Typer(help="Actions agreed in supervision.", no_args_is_help=True)


@app.command("add")
def add(
    supervisee: Annotated[
        str, typer.Option("--supervisee", help="Whose supervision it came from.")
    ],
    owner: Annotated[str, typer.Option("--owner", help="Who will do it.")],
    what: Annotated[str, typer.Option("--what")],
    why: Annotated[
        str, typer.Option("--why", help="Every action records why (Central Bedfordshire).")
    ],
    due: Annotated[datetime | None, typer.Option("--due", formats=["%Y-%m-%d"])] = None,
    case: Annotated[
        str | None, typer.Option("--case", help="The case reference, for case actions.")
    ] = None,
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """Add an action; it is carried on the supervisee's agenda until closed (/done N)."""
    viewer = viewer_for(as_person, "action add")
    try:
        what, why = clean_text(what, max_chars=4000), clean_text(why, max_chars=4000)
    except InvalidAnswer as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from problem
    if case is not None and not CASE_REF.fullmatch(case):
        typer.echo(f"{case!r} is not a case reference", err=True)
        raise typer.Exit(2)
    action = Action(0, supervisee, case, owner, what, why, due.date() if due else None)

    async def run(a: App) -> int:
        subject = access.Subject(person_id=supervisee)
        await authorise(a, viewer, access.Action.CHANGE, access.RecordKind.ACTION, subject)

        def work(tx: Transaction) -> int:
            for who in (supervisee, owner):
                if tx.person(who) is None:
                    raise UnknownPerson(who)
            return tx.add_action(action, datetime.now(UTC))

        return await a.store.run(work)

    try:
        number = with_app(config_or_exit(config), run)
    except UnknownPerson as problem:
        raise exit_unknown(problem) from problem
    typer.echo(f"action {number} added to {supervisee}'s supervision")
