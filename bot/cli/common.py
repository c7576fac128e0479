"""What every `sva` command shares: the --config option and loading it."""

from __future__ import annotations

import getpass
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from bot.assistant import audit
from bot.assistant.access import Action, Decision, RecordKind, Subject, Viewer
from bot.bootstrap import App
from bot.config import Config, ConfigError, load_config
from bot.logs import configure_logging
from bot.operations.private_files import FileExists, refuse_overwrite, write_private
from storage.store import Store

T = TypeVar("T")
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Configuration file (default ./sva.toml if it exists)."),
]


def config_or_exit(path: Path | None) -> Config:
    """The configuration (logging set up from its `[log]`), or exit status 2 with the file,
    key and problem."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    configure_logging(config.log)
    return config


ForceOption = Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")]


def refuse_existing(out: Path | None, force: bool) -> None:
    """Exit 2 before any work if `out` cannot be a new file: it exists (and --force was not
    given), it is a folder, or its folder does not exist."""
    if out is None:
        return
    problem = None
    if out.is_dir():
        problem = f"--out {out} is a folder: give a file name in it"
    elif not out.parent.is_dir():
        problem = f"--out {out}: there is no folder {out.parent}"
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    try:
        refuse_overwrite(out, force=force)
    except FileExists as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def save(out: Path, data: bytes | str, force: bool) -> None:
    """Write an export owner-only (0600) and say so; exit 2 rather than replace a file, and
    exit 1 with one line (no traceback) when the system refuses the write."""
    try:
        write_private(out, data, force=force)
    except FileExists as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    except OSError as exc:
        typer.echo(f"cannot write {out}: {exc.strerror or type(exc).__name__}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"wrote {out}")


class UnknownPerson(LookupError):
    """A command named a person id that is not in the directory."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"no person with id {person_id[:40]!r} (import people first)")


def exit_unknown(problem: UnknownPerson) -> typer.Exit:
    """Say so on stderr; the command exits 1."""
    typer.echo(str(problem), err=True)
    return typer.Exit(1)


AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="PERSON",
        help="Act as this person, with their role and scope (as in chat). "
        "Without it you act as an administrator, audited with your OS login.",
    ),
]


def os_login() -> str:
    """The operating-system login running this command (the uid if it has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid-{os.getuid()}"


def viewer_for(as_person: str | None, command: str) -> Viewer:
    """`--as PERSON`, or the administrator (every one of whose actions is audited)."""
    via = f"cli:{command}"
    if as_person is not None:
        return Viewer.person(as_person.strip(), via=via, os_user=os_login())
    return Viewer.admin(os_login(), via=via)


async def authorise(
    app: App,
    viewer: Viewer,
    action: Action,
    kind: RecordKind,
    subject: Subject,
    *,
    audit_as: str | None = None,
) -> Decision:
    """Check the access table and write the audit row (committed before the work runs);
    a refusal exits 1 with one line on stderr that names nothing the viewer may not see."""
    now = datetime.now(UTC)
    verdict = await app.store.run(
        lambda tx: audit.check(tx, viewer, action, kind, subject, now, audit_as=audit_as)
    )
    if not verdict.allowed:
        typer.echo(
            f"{viewer.person_id} may not {action.value} this {kind.value} record "
            f'({subject.record_id}); see README "Who may see what"',
            err=True,
        )
        raise typer.Exit(1)
    return verdict


async def admin_only(app: App, viewer: Viewer, kind: str, record_id: str) -> None:
    """Imports, leave, reminders and database maintenance: administrators only, audited."""
    if not viewer.is_admin:
        typer.echo(f"{kind} is an administrator action: run it without --as", err=True)
        raise typer.Exit(1)
    await admin_row(app.store, viewer, kind, record_id)


async def admin_row(store: Store, viewer: Viewer, kind: str, record_id: str) -> None:
    """The audit row of an administrator action, committed before the work is done."""
    now = datetime.now(UTC)
    await store.run(
        lambda tx: audit.record(tx, viewer, "admin", kind, Subject(), now, record_id=record_id)
    )


def gated(
    viewer: Viewer,
    action: Action,
    kind: RecordKind,
    subject: Subject,
    work: Callable[[App], Awaitable[T]],
) -> Callable[[App], Awaitable[T]]:
    """`work`, run only once `authorise` has allowed it (and audited it)."""

    async def run(app: App) -> T:
        await authorise(app, viewer, action, kind, subject)
        return await work(app)

    return run
