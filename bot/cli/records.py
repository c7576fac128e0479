"""`sva record draft`: the records of a supervision session, drafted in the pack's format."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.assistant.access import Action, RecordKind, Subject, Viewer
from bot.assistant.signoff import NO_DEADLINE, NOTHING_DONE, close_lapsed, mark_written
from bot.assistant.views import record_drafts, shows_shared
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
from policies.docx_export import records_docx
from policies.records import RecordDraft, render_record
from policies.templates import make_templates
from storage.store import Transaction

app = typer.Typer(help="Supervision records after a session.", no_args_is_help=True)


class Format(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    DOCX = "docx"


@app.command("draft")
def draft(
    person: str,
    held: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Session date (default today)."),
    ] = None,
    form: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (required for docx).")
    ] = None,
    force: ForceOption = False,
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """Case records (one per prepared case) and the personal record, to complete and file."""
    if form is Format.DOCX and out is None:
        typer.echo("--format docx needs --out FILE", err=True)
        raise typer.Exit(2)
    refuse_existing(out, force)
    day = held.date() if held else date.today()
    viewer = viewer_for(as_person, "record draft")
    try:
        drafts = with_app(config_or_exit(config), lambda a: _drafts(a, viewer, person, day))
    except UnknownPerson as problem:
        raise exit_unknown(problem) from problem
    if form is Format.DOCX:
        assert out is not None
        save(out, records_docx(drafts), force)
        return
    templates = make_templates()
    text = "\n\n".join(
        render_record(d, templates, "md" if form is Format.MARKDOWN else "txt") for d in drafts
    )
    if out:
        save(out, text + "\n", force)
    else:
        typer.echo(text)


async def _drafts(a: App, viewer: Viewer, person_id: str, day: date) -> list[RecordDraft]:
    subject = Subject(person_id=person_id)
    await authorise(a, viewer, Action.READ, RecordKind.CASE_RECORD, subject, audit_as="export")

    def read(tx: Transaction) -> list[RecordDraft]:
        if tx.person(person_id) is None:
            raise UnknownPerson(person_id)
        personal = viewer.is_admin or shows_shared(tx, viewer, person_id)
        return record_drafts(tx, a.sweeper.assignment, person_id, day, personal)

    return await a.store.run(read)


def _act(
    person: str, held: datetime, config: Path | None, action: str, as_person: str | None
) -> None:
    day = held.date()
    viewer = viewer_for(as_person, f"record {action}")

    async def run(a: App) -> str:
        subject = Subject(person_id=person)
        await authorise(a, viewer, Action.CHANGE, RecordKind.CASE_RECORD, subject)

        def work(tx: Transaction) -> str:
            pack = a.sweeper.assignment.for_person(tx.person(person))
            now = datetime.now(UTC)
            return (
                mark_written(tx, pack, person, day, now)
                if action == "written"
                else close_lapsed(tx, pack, person, day, now)
            )

        return await a.store.run(work)

    answer = with_app(config_or_exit(config), run)
    if answer.startswith(NOTHING_DONE) or NO_DEADLINE in answer.split(":")[0]:
        typer.echo(answer, err=True)
        raise typer.Exit(1)
    typer.echo(answer)


@app.command("written")
def written(
    person: str,
    held: Annotated[datetime, typer.Option("--date", formats=["%Y-%m-%d"])],
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """The supervisor has written up the records of a session: ask the supervisee to agree."""
    _act(person, held, config, "written", as_person)


@app.command("close")
def close(
    person: str,
    held: Annotated[datetime, typer.Option("--date", formats=["%Y-%m-%d"])],
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """Close records not signed off within the pack's window as agreed, with a note."""
    _act(person, held, config, "close", as_person)
