"""`sva decisions list|export`: management decisions on the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.assistant import audit
from bot.assistant.access import Action, RecordKind, Subject, may
from bot.assistant.decision_commands import summary
from bot.assistant.names import named_decision
from bot.bootstrap import App
from bot.cli.common import AsOption, ConfigOption, authorise, config_or_exit, gated, viewer_for
from bot.cli.reminders import with_app
from dialogs.definitions import DECISION
from policies.decision_note import render_decision_note
from policies.templates import make_templates
from storage.records import Decision

app = typer.Typer(help="Management decisions recorded between supervisions.", no_args_is_help=True)


@app.command("list")
def list_decisions(
    case: Annotated[str | None, typer.Option("--case", help="Only this case reference.")] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Recorded by or sent to this person.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per decision.")] = False,
    as_person: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """Decisions, oldest first, with their acknowledgements and disputes. As a person: those
    on a case (--case) or of a person (--person) you may read, else your own."""
    viewer = viewer_for(as_person, "decisions list")
    who = person if person is not None or viewer.is_admin or case else viewer.person_id
    subject = Subject(case_ref=case, person_id=who)

    async def run(a: App) -> list[Decision]:
        return await a.store.run(lambda tx: tx.decisions(case_ref=case, person_id=who))

    found = with_app(
        config_or_exit(config), gated(viewer, Action.READ, RecordKind.DECISION, subject, run)
    )
    for d in found:
        if not as_json:
            typer.echo(summary(d))
            continue
        line = {
            "id": d.id,
            "case_ref": d.case_ref,
            "recorded_by": d.recorded_by,
            "acknowledge_by": d.acknowledge_by,
            "created_at": d.created_at.isoformat(),
            "corrects": d.corrects_id,
            "answers": dict(d.answers),
            "responses": [
                {
                    "person": r.person_id,
                    "kind": r.kind,
                    "text": r.text,
                    "at": r.created_at.isoformat(),
                }
                for r in d.responses
            ],
        }
        typer.echo(json.dumps(line, ensure_ascii=False))


@app.command("export")
def export(decision_id: int, as_person: AsOption = None, config: ConfigOption = None) -> None:
    """A decision as a case note in the recorder's council's wording (plain text)."""
    viewer = viewer_for(as_person, "decisions export")

    async def run(a: App) -> str | None:
        found = await a.store.run(lambda tx: tx.decisions(ids=[decision_id]))
        if not found:
            return None
        subject = Subject(case_ref=found[0].case_ref)
        kind = RecordKind.DECISION
        if not viewer.is_admin and not await a.store.run(
            lambda tx: may(tx, viewer, Action.READ, kind, subject).allowed
        ):
            await a.store.run(
                lambda tx: audit.record(
                    tx, viewer, "export", kind.value, subject, datetime.now(UTC),
                    allowed=False, record_id=str(decision_id),
                )
            )  # fmt: skip
            return None  # the same answer as a decision that does not exist
        await authorise(a, viewer, Action.READ, kind, subject, audit_as="export")
        recorder = await a.store.run(lambda tx: tx.person(found[0].recorded_by))
        pack = a.sweeper.assignment.for_person(recorder)
        named = await a.store.run(lambda tx: named_decision(tx, found[0]))  # read by people
        return render_decision_note(named, pack, DECISION, make_templates())

    note = with_app(config_or_exit(config), run)
    if note is None:
        typer.echo(f"there is no decision {decision_id}", err=True)
        raise typer.Exit(1)
    typer.echo(note)
