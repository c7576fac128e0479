"""Running an import: validate the file and its references, then upsert in one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from bot.operations.import_formats import (
    IDENTITY,
    TEAM,
    Baselined,
    PackWords,
    Refs,
    case_events,
    cases_format,
    people_format,
    sessions_format,
    sickness,
    supervisor_since,
    supervisors,
    worker_case_types,
)
from bot.operations.imports import SPELLINGS, Format, Parsed, read
from policies.assignment import PackAssignment
from storage.directory import DirectorySql
from storage.records import Person
from storage.sql import SqlStore, SqlTransaction
from storage.tables import CaseRow, PersonRow

Kind = Literal["people", "cases", "sessions"]
UPSERTS = {"people": "upsert_people", "cases": "upsert_cases", "sessions": "upsert_sessions"}
BATCH = 5_000


@dataclass(frozen=True)
class ImportReport:
    """How many rows were imported (0 when there were problems) and every problem."""

    rows: int
    problems: list[str]
    left: list[str] = field(default_factory=list)  # people import: no longer listed, now left
    spellings: list[str] = field(default_factory=list)  # "FILE:LINE: column: 'CIN' read as …"


async def import_file(
    store: SqlStore,
    kind: Kind,
    path: Path,
    assignment: PackAssignment,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import `path` as `kind`: all rows, or none and the list of problems. `progress` gets
    rows as they are read (while checking, then while writing); `stage` names each. Roles
    and case types are checked against each person's own pack (`assignment`)."""
    fmt = _format(kind, PackWords(assignment))
    parsed = await asyncio.to_thread(read, path, fmt, progress=progress)
    problems = parsed.problems
    problems += await store.run_sql(
        lambda tx: _reference_problems(tx.directory, kind, path, parsed, assignment)
    )
    if problems:
        return ImportReport(0, problems)
    if stage is not None:
        stage(f"writing {path.name}")
    since, sick = supervisor_since(parsed.references), sickness(parsed.references)
    left = await store.run_sql(lambda tx: _upsert_all(tx, kind, path, fmt, progress, since, sick))
    read_as = sorted(parsed.references.get(SPELLINGS, {}).items(), key=lambda item: item[1])
    return ImportReport(parsed.rows, [], left, [f"{path}:{n}: {text}" for text, n in read_as])


def _format(kind: Kind, words: PackWords) -> Format[Any]:
    if kind == "people":
        return people_format(words)
    return cases_format(words) if kind == "cases" else sessions_format(words.today)


def _upsert_all(
    tx: SqlTransaction,
    kind: str,
    path: Path,
    fmt: Format[Any],
    progress: Callable[[int], None] | None = None,
    since: Mapping[str, date] | None = None,
    sick: Mapping[str, date | None] | None = None,
) -> list[str]:
    """Upsert every row; for people, record a change of supervisor (on `since`, the file's
    supervisor_since, or else today), mark those of the file's teams it no longer lists as
    left (today), and return them; for sessions, the cancellations through sickness (`sick`,
    by session key, with the return to work)."""
    today = datetime.now(UTC).date()
    directory_upsert = getattr(tx.directory, UPSERTS[kind])

    def upsert(records: list[Any]) -> None:
        if kind == "people":
            tx.person_events.note_supervisors(records, since or {}, today, "import")
        directory_upsert(records)

    batch: list[Any] = []
    listed: set[str] = set()
    session_keys: list[str] = []
    teams: set[str] = set()

    baselines: list[Baselined[Any]] = []

    def sink(record: Any) -> None:
        if isinstance(record, Baselined):
            baselines.append(record)
            record = record.record
        if kind == "people":
            listed.add(record.id)
            teams.add(record.team)
        elif kind == "sessions":
            session_keys.append(record.key)
        batch.append(record)
        if len(batch) >= BATCH:
            upsert(batch)
            if progress is not None:
                progress(len(batch))
            batch.clear()

    parsed = read(path, fmt, sink=sink)
    upsert(batch)
    if progress is not None:
        progress(len(batch))
    _record_baselines(tx, baselines)
    events = [(ref, event, on) for _, ref, event, on, _ in case_events(parsed.references)]
    tx.events.add(events, "import")
    if kind == "sessions":
        tx.person_events.note_sickness(session_keys, sick or {})
    if kind != "people":
        return []
    return tx.directory.mark_leavers(listed, teams, today)


def _record_baselines(tx: SqlTransaction, baselines: list[Baselined[Any]]) -> None:
    """The held sessions standing for "last supervised on" (after the rows they refer to)."""

    def supervisor_of(person_id: str) -> str | None:
        person = tx.directory.person(person_id)
        return person.supervisor_id if person is not None else None

    for start in range(0, len(baselines), BATCH):
        chunk = baselines[start : start + BATCH]
        tx.directory.upsert_sessions([b.session(supervisor_of) for b in chunk])


def _reference_problems(
    directory: DirectorySql,
    kind: str,
    path: Path,
    parsed: Parsed[Any],
    assignment: PackAssignment,
) -> list[str]:
    refs = parsed.references
    problems: list[str] = []

    def check(column: str, known: Collection[str], what: str) -> None:
        for value, line in sorted(refs.get(column, {}).items(), key=lambda item: item[1]):
            if value not in known:
                problems.append(f"{path}:{line}: {column}: {what} {value!r}")

    if kind == "people":
        in_file = set(refs.get("id", {}))
        wanted = set(refs.get("supervisor_id", {})) - in_file
        check(
            "supervisor_id", in_file | directory.existing(PersonRow.id, wanted), "no person with id"
        )
        check("policy", set(assignment.packs), "no policy pack named")
        # Those of the file's teams it no longer lists leave in the same import.
        everyone = directory.people()
        teams = set(refs.get(TEAM, {}))
        leaving = {p.id for p in everyone if p.team in teams and p.id not in in_file}
        problems += _identity_problems(directory, path, refs, in_file | leaving)
        staying = [p for p in everyone if p.id not in leaving]
        problems += _circle_problems(path, refs, staying)
    elif kind == "cases":
        check(
            "worker_id",
            directory.existing(PersonRow.id, refs.get("worker_id", {})),
            "no person (import people first) with id",
        )
        problems += _case_type_problems(directory, path, parsed, assignment)
        problems += _case_event_problems(directory, path, parsed, assignment)
    else:
        people = set(refs.get("supervisee_id", {})) | set(refs.get("supervisor_id", {}))
        known = directory.existing(PersonRow.id, people)
        check("supervisee_id", known, "no person (import people first) with id")
        check("supervisor_id", known, "no person (import people first) with id")
        check(
            "case_ref",
            directory.existing(CaseRow.ref, refs.get("case_ref", {})),
            "no case (import cases first) with ref",
        )
    return problems


def _identity_problems(
    directory: DirectorySql, path: Path, refs: Refs, movable: set[str]
) -> list[str]:
    """Chat identities held by someone who keeps them after the import (not in the file,
    nor leaving by it): importing would sign the new holder in as them. A file moves one by
    listing its holder without it, or by no longer listing its holder in their team."""
    listed = refs.get(IDENTITY, {})
    by_channel: dict[str, list[str]] = {}
    for identity in listed:
        channel, _, user = identity.partition(":")
        by_channel.setdefault(channel, []).append(user)
    problems: list[tuple[int, str]] = []
    for channel, users in by_channel.items():
        owners = directory.chat_owners(channel, users, any_case=channel == "console")
        for user, owner in owners.items():
            identity = f"{channel}:{user}"
            if owner not in movable:
                line = listed[identity]
                problems.append(
                    (line, f"{path}:{line}: chat: {identity!r} is the identity of {owner}"
                     f" (to move it, list {owner} in this file without it)")
                )  # fmt: skip
    return [problem for _, problem in sorted(problems)]


def _circle_problems(path: Path, refs: Refs, staying: list[Person]) -> list[str]:
    """Supervisor chains that come round to where they started (each would see the other's
    people; nobody would be at the top): the file's rows over the people who stay."""
    listed = supervisors(refs)
    chain = {p.id: p.supervisor_id for p in staying if p.supervisor_id}
    chain |= {person: boss for person, (boss, _) in listed.items()}
    problems: list[tuple[int, str]] = []
    reported: set[str] = set()
    for person, (_, line) in sorted(listed.items(), key=lambda item: item[1][1]):
        path_up = [person]
        while (boss := chain.get(path_up[-1])) is not None and boss not in path_up:
            path_up.append(boss)
        if boss != person or person in reported:
            continue  # no circle, or one through someone above (reported from there)
        reported |= set(path_up)
        circle = " → ".join(repr(p) for p in [*path_up, person])
        problems.append(
            (line, f"{path}:{line}: supervisor_id: {circle} is a circle; the person at the top "
                   "of a chain has no supervisor_id")
        )  # fmt: skip
    return [problem for _, problem in sorted(problems)]


def _case_type_problems(
    directory: DirectorySql, path: Path, parsed: Parsed[Any], assignment: PackAssignment
) -> list[str]:
    """Each case's type against its worker's own pack (shared words and the pack's terms)."""
    problems: list[str] = []
    workers: dict[str, Person | None] = {}
    for worker, case_type, line in worker_case_types(parsed.references):
        if worker not in workers:
            workers[worker] = directory.person(worker)
        person = workers[worker]
        if person is None:
            continue  # reported under worker_id
        name = assignment.pack_name(person)
        pack = assignment.packs.get(name)
        if pack is None:
            problems.append(f"{path}:{line}: case_type: {worker}'s pack {name!r} is not loaded")
        elif case_type not in pack.case_types:
            problems.append(
                f"{path}:{line}: case_type: {case_type!r} is not a case type of the {name} "
                f"pack ({worker}'s; one of {', '.join(pack.case_types)})"
            )
    return problems


def _case_event_problems(
    directory: DirectorySql, path: Path, parsed: Parsed[Any], assignment: PackAssignment
) -> list[str]:
    """Each case's event against the case events its worker's pack names."""
    problems: list[str] = []
    for worker, _, event, _, line in case_events(parsed.references):
        person = directory.person(worker)
        pack = assignment.packs.get(assignment.pack_name(person)) if person else None
        if pack is None:
            continue  # reported under worker_id or case_type
        known = pack.case_events
        if event not in known:
            allowed = f"one of {', '.join(known)}" if known else "it has none"
            problems.append(
                f"{path}:{line}: event: {event!r} is not a case event of the {pack.name} "
                f"pack ({worker}'s; {allowed})"
            )
    return problems
