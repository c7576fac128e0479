"""`sva policy …`: list, show and check the policy packs, and answer due-date queries.

Every command reads the packs the assistant uses: the shipped ones, the council's own
(`assistant.policy_packs`) and the local overrides (`assistant.local_policies`) from
`--config`. `--packs DIR` reads only that folder instead (e.g. a draft pack before it is
installed) and `--local DIR` other overrides. A broken pack is reported on stderr and the
others keep working.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.bootstrap import council_packs, local_folder, pack_files
from bot.cli.common import ConfigOption, config_or_exit
from bot.config import Config, ConfigError
from bot.operations.due_queries import answer
from policies.describe import describe
from policies.packs import PolicyError, PolicyPack, load_pack
from policies.sources import check_sources

app = typer.Typer(help="Council policy packs and due dates.", no_args_is_help=True)

Packs = Annotated[
    Path | None,
    typer.Option(
        "--packs",
        "--directory",
        help="Folder of pack files, read instead of the shipped and configured ones.",
    ),
]
Local = Annotated[
    Path | None,
    typer.Option(
        "--local",
        help="Folder of local override files (default assistant.local_policies, else the "
        "package's policies/local/).",
    ),
]


def _settings(directory: Path | None, path: Path | None) -> Config:
    if directory is not None and not directory.is_dir():
        typer.echo(f"--packs: {directory} is not a folder", err=True)
        raise typer.Exit(2)
    return config_or_exit(path)


def _packs(
    directory: Path | None, local: Path | None, path: Path | None
) -> tuple[dict[str, PolicyPack], dict[str, str]]:
    settings = _settings(directory, path)
    try:
        packs, broken = council_packs(settings, packs=directory, local=local)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    for name, problem in broken.items():
        typer.echo(f"policy pack {name} is broken and was left out:\n{problem}", err=True)
    return packs, broken


@app.command("list")
def list_packs(directory: Packs = None, local: Local = None, config: ConfigOption = None) -> None:
    """The packs available, one a line: name, council, seed (broken ones on stderr)."""
    for pack in _packs(directory, local, config)[0].values():
        typer.echo(f"{pack.name}\t{pack.council}\t{pack.seed}")


@app.command("show")
def show(
    name: str, directory: Packs = None, local: Local = None, config: ConfigOption = None
) -> None:
    """Every rule of one pack with its citation, what it has no rule for, and (apart) the
    council's local decisions."""
    packs, broken = _packs(directory, local, config)
    pack = packs.get(name)
    if pack is None:
        if name not in broken:
            typer.echo(f"no policy pack {name!r}; try `sva policy list`", err=True)
        raise typer.Exit(2)
    typer.echo(describe(pack))


@app.command("check")
def check(
    directory: Packs = None,
    local: Local = None,
    config: ConfigOption = None,
    sources: Annotated[
        Path | None,
        typer.Option(help="Folder of the councils' published policy texts: check every citation."),
    ] = None,
) -> None:
    """Validate every pack (and, with --sources, its citations); problems name the file or
    pack, the rule by its id, and the problem."""
    if sources is not None and not sources.is_dir():
        typer.echo(f"--sources: {sources} is not a folder", err=True)
        raise typer.Exit(2)
    settings = _settings(directory, config)
    try:
        files, overrides = pack_files(settings, directory), local_folder(settings, local)
    except ConfigError as exc:
        typer.echo(f"configuration error:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    failures = 0
    for path in files.values():
        try:
            pack = load_pack(path, overrides)
            problems = check_sources(pack, sources) if sources is not None else []
        except PolicyError as exc:
            problems = [str(exc)]
        failures += bool(problems)
        for problem in problems:
            typer.echo(problem, err=True)
        if not problems:
            typer.echo(f"ok\t{path.name}")
    if failures:
        raise typer.Exit(1)


@app.command("due")
def due(directory: Packs = None, local: Local = None, config: ConfigOption = None) -> None:
    """Read JSON Lines queries on stdin; write one JSON answer per line (see the README).
    `--packs DIR` tries a draft pack before it is installed."""
    packs, broken = _packs(directory, local, config)
    errors = 0
    for line in sys.stdin:
        result = answer(line, packs, broken)
        errors += "error" in result
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if errors:
        raise typer.Exit(1)
