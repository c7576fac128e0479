"""`sva policy …`: list, show and check the policy packs, and answer due-date queries."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.operations.due_queries import answer
from policies.packs import PACKS_DIR, PolicyError, PolicyPack, load_pack, load_packs

app = typer.Typer(help="Council policy packs and due dates.", no_args_is_help=True)


def _packs() -> dict[str, PolicyPack]:
    try:
        return load_packs()
    except PolicyError as exc:
        typer.echo(f"policy pack error:\n{exc}", err=True)
        raise typer.Exit(2) from exc


@app.command("list")
def list_packs() -> None:
    """The packs available, one a line: name, council, seed."""
    for pack in _packs().values():
        typer.echo(f"{pack.name}\t{pack.council}\t{pack.seed}")


@app.command("show")
def show(name: str) -> None:
    """Every rule of one pack with its citation, and what the pack has no rule for."""
    pack = _packs().get(name)
    if pack is None:
        typer.echo(f"no policy pack {name!r}; try `sva policy list`", err=True)
        raise typer.Exit(2)
    typer.echo(describe(pack))


@app.command("check")
def check(
    directory: Annotated[Path, typer.Option(help="Folder of pack files.")] = PACKS_DIR,
) -> None:
    """Validate every pack; errors name the file, the key and the problem."""
    failures = 0
    for path in sorted(directory.glob("*.toml")):
        try:
            load_pack(path)
            typer.echo(f"ok\t{path.name}")
        except PolicyError as exc:
            failures += 1
            typer.echo(str(exc), err=True)
    if failures:
        raise typer.Exit(1)


@app.command("due")
def due() -> None:
    """Read JSON Lines queries on stdin; write one JSON answer per line (see the README)."""
    packs = _packs()
    errors = 0
    for line in sys.stdin:
        result = answer(line, packs)
        errors += "error" in result
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if errors:
        raise typer.Exit(1)


def describe(pack: PolicyPack) -> str:
    """A plain-text account of a pack, in the order a reader would ask."""
    lines = [f"{pack.council} ({pack.name}), from {pack.seed}", "", "Individual supervision:"]
    for rule in pack.individual:
        lines.append(
            _rule_line(rule.id, ", ".join(rule.roles), _how_often(rule), rule.cite, rule.reading)
        )
    lines += ["", "Case supervision:"]
    for case in pack.case:
        how = _how_often(case) + (f"; high risk {case.high}" if case.high else "")
        lines.append(_rule_line(case.id, ", ".join(case.case_types), how, case.cite, case.reading))
    lines += ["", "Group supervision:"]
    for group in pack.group:
        lines.append(
            _rule_line(
                group.id, ", ".join(group.services), _how_often(group), group.cite, group.reading
            )
        )
    lines += ["", "Deadlines:"]
    for name, deadline in pack.deadlines:
        how = f"within {deadline.within}" if deadline.within else f"no rule: {deadline.none}"
        lines.append(_rule_line(name, "", how, deadline.cite, deadline.reading))
    return "\n".join(lines)


def _how_often(rule: object) -> str:
    none = getattr(rule, "none", None)
    if none:
        return f"no rule: {none}"
    first = getattr(rule, "first", None)
    start = f"first within {first} of starting; then " if first else ""
    phases = getattr(rule, "phases", ())
    if phases:
        steps = (
            f"every {p.every}" + (f" until {p.until} after starting" if p.until else "")
            for p in phases
        )
        return start + "; then ".join(steps)
    return start + f"every {getattr(rule, 'every', '')}"


def _rule_line(rule_id: str, applies_to: str, how: str, cite: str, reading: str) -> str:
    text = f"  [{rule_id}] {applies_to + ': ' if applies_to else ''}{how}\n      source: {cite}"
    return text + (f"\n      reading: {reading}" if reading else "")
