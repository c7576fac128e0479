"""`sva invite PERSON --at …`: the next supervision as an iCalendar file, with the agenda."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.bootstrap import App
from bot.cli.common import ConfigOption, ForceOption, config_or_exit, refuse_existing, save
from bot.cli.reminders import with_app
from policies.agenda import render_agenda
from policies.invitation import invitation
from storage.store import Transaction


def invite(
    person: str,
    at: Annotated[
        datetime,
        typer.Option(
            "--at", formats=["%Y-%m-%dT%H:%M"], help="Start, local time: 2026-12-02T10:00."
        ),
    ],
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", min=15, max=480, help="Length (default: the policy's)."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="The .ics file to write.")] = Path(
        "supervision.ics"
    ),
    force: ForceOption = False,
    config: ConfigOption = None,
) -> None:
    """The next individual supervision as an invitation both supervisee and supervisor can import."""

    async def run(a: App) -> bytes | str:
        def work(tx: Transaction) -> bytes | str:
            found = tx.person(person)
            pack = a.sweeper.assignment.for_person(found)
            length = minutes or pack.session_length.minutes
            if length is None:
                return f"{pack.name} does not say how long a session lasts ({pack.session_length.none}); give --minutes"
            agenda = render_agenda(
                a.assistant.agenda_draft(tx, person, at.date()), a.assistant.templates
            )
            supervisor = found.supervisor_id if found and found.supervisor_id else "supervisor"
            return invitation(
                supervisee=person,
                supervisor=supervisor,
                start=at,
                minutes=length,
                description=agenda,
                stamp=datetime.now(UTC),
            )

        return await a.store.run(work)

    refuse_existing(out, force)
    result = with_app(config_or_exit(config), run)
    if isinstance(result, str):
        typer.echo(result, err=True)
        raise typer.Exit(2)
    save(out, result, force)
