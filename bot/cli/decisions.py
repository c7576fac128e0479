"""`sva decisions list|export`: management decisions on the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.assistant.decision_commands import summary
from bot.bootstrap import App
from bot.cli.common import ConfigOption, config_or_exit
from bot.cli.reminders import with_app
from dialogs.definitions import DECISION
from policies.decision_note import render_decision_note
from policies.templates import make_templates

app = typer.Typer(help="Management decisions recorded between supervisions.", no_args_is_help=True)


@app.command("list")
def list_decisions(
    case: Annotated[str | None, typer.Option("--case", help="Only this case reference.")] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Recorded by or sent to this person.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per decision.")] = False,
    config: ConfigOption = None,
) -> None:
    """Decisions, oldest first, with their acknowledgements and disputes."""
    found = with_app(
        config_or_exit(config),
        lambda a: a.store.run(lambda tx: tx.decisions(case_ref=case, person_id=person)),
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
def export(decision_id: int, config: ConfigOption = None) -> None:
    """A decision as a case note in the recorder's council's wording (plain text)."""

    async def run(a: App) -> str | None:
        found = await a.store.run(lambda tx: tx.decisions(ids=[decision_id]))
        if not found:
            return None
        recorder = await a.store.run(lambda tx: tx.person(found[0].recorded_by))
        pack = a.sweeper.assignment.for_person(recorder)
        return render_decision_note(found[0], pack, DECISION, make_templates())

    note = with_app(config_or_exit(config), run)
    if note is None:
        typer.echo(f"there is no decision {decision_id}", err=True)
        raise typer.Exit(1)
    typer.echo(note)
