"""`sva agenda PERSON`: a person's agenda draft as text, Markdown or JSON."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.assistant.access import Action, RecordKind, Subject
from bot.assistant.names import name_of
from bot.assistant.views import shows_shared
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
from policies.agenda import AgendaDraft, render_agenda
from policies.docx_export import agenda_docx
from policies.templates import make_templates
from storage.store import Transaction


class Format(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    DOCX = "docx"


def agenda(
    person: str,
    for_date: Annotated[
        datetime | None, typer.Option("--for", formats=["%Y-%m-%d"], help="The session date.")
    ] = None,
    form: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
    force: ForceOption = False,
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """The agenda draft for a person's next supervision (or the session on --for)."""
    session = for_date.date() if for_date else None
    viewer = viewer_for(as_person, "agenda")

    async def run(a: App) -> AgendaDraft:
        subject = Subject(person_id=person)
        await authorise(a, viewer, Action.READ, RecordKind.AGENDA, subject, audit_as="export")

        def work(tx: Transaction) -> AgendaDraft:
            if tx.person(person) is None:
                raise UnknownPerson(person)
            shared = viewer.is_admin or shows_shared(tx, viewer, person)
            draft = a.assistant.agenda_draft(tx, person, session, with_shared=shared)
            # Read by someone other than the supervisee: nothing addressed to the supervisee.
            if viewer.person_id == person:
                return draft
            return replace(draft, for_supervisee=False, whose=name_of(tx, person))

        return await a.store.run(work)

    if form is Format.DOCX and out is None:
        typer.echo("--format docx needs --out FILE", err=True)
        raise typer.Exit(2)
    refuse_existing(out, force)
    try:
        draft = with_app(config_or_exit(config), run)
    except UnknownPerson as problem:
        raise exit_unknown(problem) from problem
    if form is Format.DOCX:
        assert out is not None
        save(out, agenda_docx(render_agenda(draft, make_templates(), "txt")), force)
        return
    if form is Format.JSON:
        text = json.dumps(as_json(draft), ensure_ascii=False, indent=2)
    else:
        text = render_agenda(draft, make_templates(), "md" if form is Format.MARKDOWN else "txt")
    if out:
        save(out, text + "\n", force)
    else:
        typer.echo(text)


def as_json(draft: AgendaDraft) -> dict[str, Any]:
    """The draft as JSON-ready data (dates as ISO strings, policy items as their fields)."""
    return {f.name: _plain(getattr(draft, f.name)) for f in fields(draft)}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
