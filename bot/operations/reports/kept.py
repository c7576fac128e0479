"""Compliance reports made from each team's kept figures where its data has not changed.

A team's share of a report (`TeamPart`) depends only on its members' rows, the period and
the rules. Each share computed is kept with the team's version, read in the same snapshot as
its data (storage: `kept_figures`; database triggers bump the version in the same transaction
as any write to people, sessions, cases, leave or person events), and used again while the version is
unchanged, the period the same and the rules the same. "The rules" are a fingerprint of the
packs, the team settings, the bank holidays library and the code that reads and measures
(`rules_fingerprint`): editing any of them makes every kept share unusable. A report of a
manager's span keeps and uses only the teams wholly inside it (a team cut by the span has
other figures).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import bot.operations.reports
import policies
import storage
from bot.operations.progress import UNWATCHED, ProgressSink
from bot.operations.reminders import paused_gc
from bot.operations.reports.compliance import assemble, compute_parts
from bot.operations.reports.load import members, read_for
from bot.operations.reports.measures import Rule, Tally
from bot.operations.reports.model import (
    CaseLine,
    Exclusion,
    Period,
    Report,
    ReportData,
    Row,
    TeamPart,
)
from bot.operations.reports.scope import Scope
from policies.assignment import PackAssignment
from storage.errors import StorageError
from storage.kept_figures import KeptFigures
from storage.records import Person
from storage.sql import SqlStore, SqlTransaction

log = logging.getLogger(__name__)

FORMAT = 1  # of the kept JSON; a change makes every kept share unusable


async def report(
    store: SqlStore,
    scope: Scope,
    when: Period,
    assignment: PackAssignment,
    progress: ProgressSink = UNWATCHED,
    go_live: date | None = None,
    *,
    must_keep: bool = False,
) -> Report:
    """The compliance report of `scope` over `when` (nothing overdue from before
    `go_live`): each team's kept share where it still holds, the others computed (and kept
    for next time). The report stands without them if they cannot be kept, unless
    `must_keep` (then the StorageError is raised)."""
    rules = rules_fingerprint(assignment, go_live)
    # One pause for the whole report: a council's rows and shares are millions of small
    # acyclic objects, and each time the collector came back on it walked all of them.
    with paused_gc():
        # One snapshot: the versions must be those of the data read (a move of someone to
        # another team landing between the two would drop them from a kept team's share).
        found = await store.read_sql(lambda tx: _read(tx, scope, when, assignment, rules, go_live))
        computed = compute_parts(found.data, assignment, progress)  # says how many, even none
        fresh = [
            KeptFigures(part.team, found.versions[part.team], encode(part))
            for part in computed
            if part.team in found.whole and part.team in found.versions
        ]
        if fresh:
            await _keep(store, when, rules, fresh, must_keep)
        return assemble(when, scope.label, [*found.kept, *computed])


@dataclass(frozen=True, slots=True)
class _Found:
    versions: dict[str, int]  # every team's, in the snapshot the data were read from
    whole: set[str]  # the teams wholly inside the scope
    kept: list[TeamPart]  # the shares still good
    data: ReportData  # what the other teams' shares are computed from


def _read(
    tx: SqlTransaction,
    scope: Scope,
    when: Period,
    assignment: PackAssignment,
    rules: str,
    go_live: date | None,
) -> _Found:
    versions = tx.kept_figures.versions()
    people, ids = members(tx, scope)
    whole = _whole_teams(tx, scope, people)
    teams = None if scope.kind == "council" else sorted(whole)
    usable = {
        team: kept
        for team, kept in tx.kept_figures.kept(when.start, when.end, rules, teams).items()
        if team in whole and versions.get(team) == kept.version
    }
    if usable:
        people = [p for p in people if p.team not in usable]
        ids = [p.id for p in people]
    kept = [decode(k.team, k.figures) for k in usable.values()]
    data = read_for(tx, people, ids, when, scope.label, assignment, go_live)
    return _Found(versions, whole, kept, data)


def _whole_teams(tx: SqlTransaction, scope: Scope, people: list[Person]) -> set[str]:
    """The teams all of whose members are in the scope."""
    teams = {p.team for p in people}
    if scope.kind != "manager":
        return teams
    sizes = Counter(p.team for p in tx.oversight.people(teams=sorted(teams)))
    inside = Counter(p.team for p in people)
    return {team for team in teams if inside[team] == sizes[team]}


async def _keep(
    store: SqlStore, when: Period, rules: str, fresh: list[KeptFigures], must_keep: bool
) -> None:
    try:
        now = datetime.now(UTC)
        await store.run_sql(
            lambda tx: tx.kept_figures.keep(when.start, when.end, rules, fresh, now)
        )
    except StorageError as exc:
        if must_keep:
            raise
        log.warning("compliance figures not kept for next time: %s", type(exc).__name__)


def rules_fingerprint(assignment: PackAssignment, go_live: date | None = None) -> str:
    """What the figures were measured against: the packs, the team settings, go-live, the
    bank holidays library's version and the measuring code, as one hash."""
    described = {
        "go_live": go_live,
        "format": FORMAT,
        "code": _code_digest(),
        "holidays": metadata.version("holidays"),
        "default": assignment.default,
        "packs": {name: pack.model_dump(mode="json") for name, pack in assignment.packs.items()},
        "broken": dict(assignment.broken),
        "teams": {name: asdict(settings) for name, settings in assignment.teams.items()},
    }
    text = json.dumps(described, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def _code_digest() -> str:
    """A hash of the source of the reports, the policies and the storage (the code that
    reads and measures)."""
    digest = hashlib.sha256()
    for package in (bot.operations.reports, policies, storage):
        root = Path(next(iter(package.__path__)))
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- the kept JSON -------------------------------------------------------------------------


def encode(part: TeamPart) -> str:
    """A team's share as compact JSON: each distinct rule and tally written once and
    referred to by number (a team's people mostly share their tallies)."""
    rules: dict[Rule, int] = {}
    tallies: dict[Tally, int] = {}

    def rule(r: Rule) -> int:
        return rules.setdefault(r, len(rules))

    def tally(t: Tally) -> int:
        return tallies.setdefault(t, len(tallies))

    def row(r: Row) -> dict[str, int]:
        return {measure: tally(t) for measure, t in r.tallies.items()}

    figures: dict[str, Any] = {
        "people": [[r.person_id, r.name, row(r)] for r in part.people],
        "row": row(part.row),
        "cases": [
            [c.case_type, c.risk, c.open, c.overdue, c.longest_overdue_days, rule(c.rule)]
            for c in part.cases
        ],
        "exclusions": [[e.person_id, e.measure, e.reason] for e in part.exclusions],
        "unrecorded": {key: rule(r) for key, r in part.unrecorded.items()},
    }
    figures["tallies"] = [
        [t.due, t.on_time, t.late, t.missed, t.worst_days, [rule(r) for r in t.rules]]
        for t in tallies
    ]
    figures["rules"] = [[r.id, r.cite] for r in rules]
    return json.dumps(figures, separators=(",", ":"))


def decode(team: str, text: str) -> TeamPart:
    """The share `encode` wrote for `team`."""
    figures = json.loads(text)
    rules = [Rule(i, c) for i, c in figures["rules"]]
    tallies = [
        Tally(due, on_time, late, missed, worst, tuple(rules[r] for r in used))
        for due, on_time, late, missed, worst, used in figures["tallies"]
    ]

    def row(person_id: str | None, name: str, kept: dict[str, int]) -> Row:
        return Row(team, person_id, name, {m: tallies[t] for m, t in kept.items()})  # type: ignore[misc]

    return TeamPart(
        team=team,
        people=[row(pid, name, kept) for pid, name, kept in figures["people"]],
        row=row(None, team, figures["row"]),
        cases=[
            CaseLine(team, kind, risk, n, overdue, longest, rules[r])
            for kind, risk, n, overdue, longest, r in figures["cases"]
        ],
        exclusions=[Exclusion(pid, team, m, reason) for pid, m, reason in figures["exclusions"]],
        unrecorded={key: rules[r] for key, r in figures["unrecorded"].items()},
    )
