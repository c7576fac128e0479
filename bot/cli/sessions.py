"""`sva session held|cancel|rebook`: record what happened to a supervision session."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from bot.assistant.dates import DateError
from bot.assistant.manager_commands import read_session_change
from bot.assistant.sessions import SessionError, record_session
from bot.bootstrap import App
from bot.cli.common import ConfigOption, config_or_exit, viewer_for
from bot.cli.reminders import with_app
from storage.store import Transaction

app = typer.Typer(
    help="Record a supervision session as held, cancelled or rebooked (the supervisee is told).",
    no_args_is_help=True,
)
DayOption = Annotated[str, typer.Option("--date", help="The session's date: 2026-11-23 or 23 Nov.")]
CaseOption = Annotated[
    str | None, typer.Option("--case", help="A case supervision: the case reference.")
]


class Kind(StrEnum):
    agreement = "agreement"
    observation = "observation"


AsOption = Annotated[
    str | None,
    typer.Option("--as", help="Who records it (their supervisor or line manager); default: admin."),
]


KindOption = Annotated[
    Kind | None,
    typer.Option(
        "--kind",
        help="agreement: a supervision agreement signed; observation: a direct observation "
        "of practice held (default: individual, or case with --case).",
    ),
]


def _run(
    words: list[str], actor: str | None, config_path: object, kind: Kind | None = None
) -> None:
    now = datetime.now(UTC)
    config = config_or_exit(config_path)  # type: ignore[arg-type]

    async def run(a: App) -> str:
        change = read_session_change(words, now)
        if kind is not None:
            change = replace(change, kind=kind.value)
        viewer = viewer_for(actor, f"session {words[0]}")

        def work(tx: Transaction) -> str | SessionError:
            # A refusal is returned, not raised, so that its audit row is committed.
            try:
                return record_session(tx, viewer, change, now)
            except SessionError as problem:
                return problem

        done = await a.store.run(work)
        if isinstance(done, SessionError):
            raise done
        return done

    try:
        typer.echo(with_app(config, run))
    except (DateError, SessionError) as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(1) from problem


@app.command("held")
def held(
    person: str,
    day: DayOption,
    case: CaseOption = None,
    by: AsOption = None,
    config: ConfigOption = None,
    kind: KindOption = None,
) -> None:
    """The session took place: the reminder clock restarts from this date (--kind: a
    supervision agreement signed or a direct observation held on it)."""
    _run(["held", person, *day.split(), *([case] if case else [])], by, config, kind)


@app.command("cancel")
def cancel(
    person: str,
    day: DayOption,
    case: CaseOption = None,
    by: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """The session did not take place: it is chased to be rebooked per the council's policy."""
    _run(["cancel", person, *day.split(), *([case] if case else [])], by, config)


@app.command("rebook")
def rebook(
    person: str,
    day: DayOption,
    to: Annotated[str, typer.Option("--to", help="The new date.")],
    case: CaseOption = None,
    by: AsOption = None,
    config: ConfigOption = None,
) -> None:
    """Move a session to a new date: the old one is cancelled, the new one booked."""
    _run(["rebook", person, *day.split(), *to.split(), *([case] if case else [])], by, config)
