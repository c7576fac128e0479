"""Subject access and erasure: `sva person export` and `sva person erase`.

Both are administrator actions, each recorded in the audit trail in the same transaction
as the work it describes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.assistant.access import Subject, Viewer
from bot.assistant.audit import record
from bot.operations.private_files import (
    drop_entries,
    private_directory,
    refuse_overwrite,
    write_private,
)
from bot.operations.reports.formats import tally_json
from bot.operations.reports.kept import decode
from storage.db import fold_journal
from storage.sql import SqlStore, SqlTransaction
from storage.subject import pseudonym

INTRO = """# Everything the Supervision Assistant holds about {person}

Exported {when} for a subject access request. `{json_name}` holds the same rows as data.
Each section is one table; only rows naming this person are included, so other people's
private check-ins are not. Case references identify children; no child's name is stored.
"""


class UnknownPerson(Exception):
    """Nobody with that id is held (in the directory or in any record)."""


@dataclass(frozen=True, slots=True)
class Erased:
    """What `sva person erase` did."""

    replacement: str
    changes: dict[str, int]
    journal_emptied: bool = True  # False: readers kept SQLite's log busy (old copies stay)


async def export_person(
    store: SqlStore, person_id: str, out: Path, viewer: Viewer, now: datetime, *, force: bool
) -> list[Path]:
    """Write everything held about the person to `out` (JSON + Markdown), owner-only.

    Raises:
        UnknownPerson: nothing at all is held about them.
        bot.operations.private_files.FileExists: a file is there and `force` is false.
    """

    def read(tx: SqlTransaction) -> dict[str, list[dict[str, Any]]]:
        found = tx.subjects.held_about(person_id)
        found["kept_report_figures"] = kept_figures_of(tx, person_id)
        if not any(found.values()):
            raise UnknownPerson(person_id)
        record(tx, viewer, "export", "person", Subject(person_id=person_id), now)
        return found

    data, summary = out / f"{person_id}.json", out / f"{person_id}.md"
    for path in (data, summary):
        refuse_overwrite(path, force=force)  # before anything is read or audited
    found = await store.run_sql(read)
    private_directory(out)
    text = json.dumps(found, ensure_ascii=False, indent=2, sort_keys=True)
    write_private(data, text + "\n", force=force)
    write_private(summary, markdown(person_id, found, now, data.name), force=force)
    return [data, summary]


def kept_figures_of(tx: SqlTransaction, person_id: str) -> list[dict[str, Any]]:
    """The person's own row of each compliance report whose figures are kept for their team
    (other members' rows in the same record are left out)."""
    person = tx.directory.person(person_id)
    if person is None:
        return []
    found = []
    for start, end, kept_at, figures in tx.kept_figures.of_team(person.team):
        for row in decode(person.team, figures).people:
            if row.person_id == person_id:
                tallies = {measure: tally_json(t) for measure, t in row.tallies.items()}
                found.append(
                    {"period_start": start.isoformat(), "period_end": end.isoformat(),
                     "kept_at": kept_at.isoformat(), "figures": tallies}
                )  # fmt: skip
    return found


def markdown(
    person_id: str, found: dict[str, list[dict[str, Any]]], now: datetime, name: str
) -> str:
    """A readable summary: one section per table, one bullet list per row."""
    lines = [INTRO.format(person=person_id, when=f"{now:%d %B %Y %H:%M} UTC", json_name=name)]
    for table, rows in found.items():
        lines.append(f"## {table.replace('_', ' ').capitalize()} ({len(rows)})\n")
        for number, row in enumerate(rows, start=1):
            lines.append(f"{number}.")
            lines += [f"   - {key}: {_literal(value)}" for key, value in row.items()]
        lines.append("")
    return "\n".join(lines)


def _literal(value: Any) -> str:
    """A value as text: structures as JSON, and nothing a Markdown reader would interpret."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "`" + text.replace("`", "'").replace("\n", " / ") + "`"


async def erase_person(
    store: SqlStore,
    person_id: str,
    viewer: Viewer,
    now: datetime,
    *,
    reminder_log: Path,
    fold: Callable[[SqlStore], bool] = lambda store: fold_journal(store.engine),
) -> Erased:
    """Erase the person (storage.subject.erase) and audit it, in one transaction; empty the
    database's log of earlier copies (`fold`); then drop the console reminder log's entries
    that mention them.

    Raises:
        UnknownPerson: nothing at all is held about them.
    """

    def work(tx: SqlTransaction) -> tuple[Erased, list[str]]:
        found = tx.subjects.held_about(person_id)
        if not any(found.values()):
            raise UnknownPerson(person_id)
        person = tx.person(person_id)
        replacement = pseudonym(person.role if person else "person")
        named = tx.audit_log.records_naming(person_id)
        changes = tx.subjects.erase(person_id, replacement)
        whose = Subject(person_id=person_id)
        record(tx, viewer, "admin", "person-erasure", whose, now)
        for kind, row_id in named:  # the decision log changed lawfully: record its new digests
            record(tx, viewer, "change", kind, whose, now, record_id=str(row_id))
        return Erased(replacement, changes), [person_id, *([person.name] if person else [])]

    erased, marks = await store.run_sql(work)
    erased = replace(erased, journal_emptied=await asyncio.to_thread(fold, store))
    dropped = drop_entries(reminder_log, marks)
    if dropped:
        erased.changes[f"{reminder_log.name}: entries dropped"] = dropped
    return erased
