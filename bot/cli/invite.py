"""`sva invite PERSON --at …`: the next supervision as an iCalendar invitation.

The calendar holds the date, the time, the two people and a short title; the agenda stays
in the assistant (`sva agenda`). Without `--out` the invitation is printed on stdout.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.assistant.access import Action, RecordKind, Subject
from bot.assistant.dates import DateError, read_moment, spoken
from bot.assistant.sessions import booking_warnings
from bot.bootstrap import App
from bot.cli.common import (
    AsOption,
    ConfigOption,
    ForceOption,
    UnknownPerson,
    authorise,
    config_or_exit,
    exit_unknown,
    refuse_existing,
    save,
    viewer_for,
)
from bot.cli.reminders import with_app
from policies.invitation import Attendee, invitation
from storage.records import Person
from storage.store import Transaction


def invite(
    person: str,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="Start, London time: 2026-12-02T10:00, '2026-12-02 10:00', '2 Dec 10am'.",
        ),
    ],
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", min=15, max=480, help="Length (default: the policy's)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="The .ics file to write (default: stdout).")
    ] = None,
    force: ForceOption = False,
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """The next individual supervision as an invitation supervisee and supervisor can import."""
    try:
        start = read_moment(at, date.today())
    except DateError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from problem
    refuse_existing(out, force)
    typer.echo(f"starts {spoken(start)} (Europe/London)", err=True)

    viewer = viewer_for(as_person, "invite")

    async def run(a: App) -> tuple[bytes | str, list[str]]:
        subject = Subject(person_id=person)
        await authorise(a, viewer, Action.READ, RecordKind.AGENDA, subject, audit_as="export")

        def work(tx: Transaction) -> tuple[bytes | str, list[str]]:
            found = tx.person(person)
            if found is None:
                raise UnknownPerson(person)
            pack = a.sweeper.assignment.for_person(found)
            length = minutes or pack.session_length.minutes
            if length is None:
                return (
                    f"{pack.name} does not say how long a session lasts "
                    f"({pack.session_length.none}); give --minutes"
                ), []
            boss = tx.person(found.supervisor_id) if found.supervisor_id else None
            ics = invitation(
                supervisee=_attendee(found),
                supervisor=_attendee(boss) if boss else Attendee("Supervisor"),
                start=start,
                minutes=length,
                stamp=datetime.now(UTC),
                key=found.id,
            )
            return ics, booking_warnings(tx, [found, *([boss] if boss else [])], start.date())

        return await a.store.run(work)

    try:
        result, warnings = with_app(config_or_exit(config), run)
    except UnknownPerson as problem:
        raise exit_unknown(problem) from problem
    if isinstance(result, str):
        typer.echo(result, err=True)
        raise typer.Exit(2)
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    if out is None:
        sys.stdout.buffer.write(result)
        sys.stdout.flush()
        return
    save(out, result, force)


def _attendee(person: Person) -> Attendee:
    """A person's name, and an e-mail address if one of their chat ids is one."""
    email = next((who for _, who in person.chat if "@" in who), None)
    return Attendee(person.name, email)
