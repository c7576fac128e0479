"""Who may read and change which record: roles from the directory, and THE one table.

Every path (chat on any channel, the console, the CLI with `--as`, the dashboard) asks
`may(directory, viewer, action, kind, subject)` and gets a `Decision`; nothing outside
`TABLE` is allowed. Roles are not stored: they are derived from the imported directory.

- SELF: the person whose record it is.
- SUPERVISOR: the person's supervisor (`supervisor_id` of their import row).
- LINE_MANAGER: anyone further up that supervisor chain (a manager sees their supervisors'
  teams).
- ALLOCATED: the worker a case is allocated to (case records only).
- TEAM: a member of the same team (group records; and case work when a council sets
  `access.case_scope` to "team").
- QA: a quality-assurance reader (import column `access = qa`: a senior manager or an
  auditor): reads case preparation and case records, read-only, every read audited.
- An administrator (`Viewer.admin`: whoever can open the database, i.e. the CLI without
  `--as`) may do everything; every administrator action is audited with the OS login.

For case records the subject is the case: SUPERVISOR and LINE_MANAGER are then those of
the worker the case is allocated to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from storage.records import Case, Person

QA_ACCESS = "qa"
MAX_CHAIN = 32  # supervisor chains deeper than this are treated as broken (or cyclic)


class RecordKind(StrEnum):
    PERSONAL = "personal"  # personal records, unshared wellbeing, the person's own reflections
    SHARED_WELLBEING = "shared-wellbeing"  # what the supervisee chose to share; personal record
    AGENDA = "agenda"  # the agenda draft (line management sees it without shared wellbeing)
    ACTION = "action"  # actions agreed in supervision
    CASE_PREP = "case-prep"  # case preparation notes
    CASE_RECORD = "case-record"  # case supervision records
    DECISION = "decision"  # management decisions on a case
    GROUP = "group"  # group supervision rota and records
    AUDIT = "audit"  # who has read a person's records


class Action(StrEnum):
    READ = "read"
    CHANGE = "change"


class Relation(StrEnum):
    SELF = "self"
    SUPERVISOR = "supervisor"
    LINE_MANAGER = "line-manager"
    ALLOCATED = "allocated"
    TEAM = "team"
    QA = "qa"


S, SUP, LINE, ALLOC, TEAM, QA = (
    Relation.SELF,
    Relation.SUPERVISOR,
    Relation.LINE_MANAGER,
    Relation.ALLOCATED,
    Relation.TEAM,
    Relation.QA,
)
R, C = Action.READ, Action.CHANGE

# THE table (README "Who may see what"). A (kind, action) missing here is refused.
TABLE: dict[tuple[RecordKind, Action], frozenset[Relation]] = {
    (RecordKind.PERSONAL, R): frozenset({S}),
    (RecordKind.PERSONAL, C): frozenset({S}),
    (RecordKind.SHARED_WELLBEING, R): frozenset({S, SUP}),
    (RecordKind.SHARED_WELLBEING, C): frozenset({S}),
    (RecordKind.AGENDA, R): frozenset({S, SUP, LINE}),
    (RecordKind.AGENDA, C): frozenset({S, SUP}),
    (RecordKind.ACTION, R): frozenset({S, SUP, LINE}),
    (RecordKind.ACTION, C): frozenset({S, SUP}),
    (RecordKind.CASE_PREP, R): frozenset({ALLOC, SUP, LINE, QA}),
    (RecordKind.CASE_PREP, C): frozenset({ALLOC, SUP, LINE}),
    (RecordKind.CASE_RECORD, R): frozenset({ALLOC, SUP, LINE, QA}),
    (RecordKind.CASE_RECORD, C): frozenset({SUP, LINE}),
    (RecordKind.DECISION, R): frozenset({ALLOC, SUP, LINE}),
    (RecordKind.DECISION, C): frozenset({ALLOC, SUP, LINE}),
    (RecordKind.GROUP, R): frozenset({TEAM}),
    (RecordKind.GROUP, C): frozenset({TEAM}),
    (RecordKind.AUDIT, R): frozenset({S}),
}
# With access.case_scope = "team", any member of the allocated worker's team may also
# prepare a case and log a decision on it.
TEAM_SCOPED = {(RecordKind.CASE_PREP, C), (RecordKind.DECISION, C)}


@dataclass(frozen=True, slots=True)
class AccessSettings:
    """`case_scope` ("allocated" or "team") for everyone, or per council (policy pack)."""

    case_scope: str = "allocated"
    case_scope_by_policy: Mapping[str, str] = field(default_factory=dict)

    def scope_for(self, policy: str | None) -> str:
        return self.case_scope_by_policy.get(policy or "", self.case_scope)


class Directory(Protocol):
    """What `may` reads: the imported people and cases (a storage `Transaction` is one)."""

    def person(self, person_id: str) -> Person | None: ...

    def case(self, ref: str) -> Case | None: ...


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a person from the directory, or an administrator (OS login).

    Attributes:
        person_id: the person, or None for an administrator.
        os_user: the operating-system login the process runs as.
        via: the channel or command ("console", "slack", "cli:agenda", ...).
    """

    person_id: str | None
    os_user: str
    via: str

    @classmethod
    def person(cls, person_id: str, *, via: str, os_user: str = "") -> Viewer:
        return cls(person_id=person_id, os_user=os_user, via=via)

    @classmethod
    def admin(cls, os_user: str, *, via: str) -> Viewer:
        return cls(person_id=None, os_user=os_user, via=via)

    @property
    def is_admin(self) -> bool:
        return self.person_id is None

    @property
    def actor(self) -> str:
        """How the audit trail names this viewer: the person id, or "os:LOGIN"."""
        return self.person_id if self.person_id is not None else f"os:{self.os_user}"


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose record: a person, a case (by reference) or a team."""

    person_id: str | None = None
    case_ref: str | None = None
    team: str | None = None

    @property
    def record_id(self) -> str:
        return self.case_ref or self.person_id or self.team or ""


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of `may`: allowed or not, through which relation, and whether to audit.

    `audit` is True for every administrator action, every change, and every read of
    another person's record (reading your own is not audited)."""

    allowed: bool
    relation: Relation | None
    audit: bool
    admin: bool = False


class _Lookups:
    """The directory as one access check reads it: each person and case once (the owner is
    read for the chain and again for the team; a supervisor may be the viewer)."""

    __slots__ = ("_cases", "_directory", "_people")

    def __init__(self, directory: Directory) -> None:
        self._directory = directory
        self._people: dict[str, Person | None] = {}
        self._cases: dict[str, Case | None] = {}

    def person(self, person_id: str) -> Person | None:
        if person_id not in self._people:
            self._people[person_id] = self._directory.person(person_id)
        return self._people[person_id]

    def case(self, ref: str) -> Case | None:
        if ref not in self._cases:
            self._cases[ref] = self._directory.case(ref)
        return self._cases[ref]


def relations(directory: Directory, viewer_id: str, subject: Subject) -> set[Relation]:
    """Every relation the viewer has to the subject, derived from the directory."""
    directory = _Lookups(directory)
    viewer = directory.person(viewer_id)
    if viewer is None:
        return _outsider(directory, viewer_id, subject)
    found: set[Relation] = set()
    owner = subject.person_id
    if subject.case_ref is not None:
        case = directory.case(subject.case_ref)
        owner = case.worker_id if case is not None else None
    if owner is not None:
        if owner == viewer_id:
            found |= {Relation.SELF, Relation.ALLOCATED}  # their own record, their own cases
        found |= _chain(directory, viewer_id, owner)
    team = subject.team or _team_of(directory, owner)
    if viewer is not None and team is not None and viewer.team == team:
        found.add(Relation.TEAM)
    if viewer is not None and viewer.access == QA_ACCESS:
        found.add(Relation.QA)
    return found


def may(
    directory: Directory,
    viewer: Viewer,
    action: Action,
    kind: RecordKind,
    subject: Subject,
    *,
    case_scope: str = "allocated",
) -> Decision:
    """May `viewer` do `action` on the `kind` record of `subject`? Looks the answer up in
    `TABLE`; `case_scope="team"` widens case preparation and decisions to the team."""
    if viewer.person_id is None:
        return Decision(allowed=True, relation=None, audit=True, admin=True)
    allowed = set(TABLE.get((kind, action), frozenset()))
    if case_scope == "team" and (kind, action) in TEAM_SCOPED:
        allowed.add(Relation.TEAM)
    have = relations(directory, viewer.person_id, subject)
    granted = next((r for r in Relation if r in have and r in allowed), None)
    own = granted in (Relation.SELF, Relation.ALLOCATED)
    return Decision(
        allowed=granted is not None,
        relation=granted,
        audit=action is Action.CHANGE or not own,
    )


def _outsider(directory: Directory, viewer_id: str, subject: Subject) -> set[Relation]:
    """Someone not in the directory: only the console's demo person reaches the assistant
    so (the console refuses unknown logins once anyone is imported). They have their own
    records and cases the directory does not know, nothing else."""
    if subject.case_ref is not None:
        return {Relation.ALLOCATED} if directory.case(subject.case_ref) is None else set()
    return {Relation.SELF, Relation.ALLOCATED} if subject.person_id == viewer_id else set()


def _chain(directory: Directory, viewer_id: str, owner: str) -> set[Relation]:
    """SUPERVISOR if the viewer supervises `owner`; LINE_MANAGER if further up the chain."""
    seen = {owner}
    current = directory.person(owner)
    for depth in range(MAX_CHAIN):
        boss = current.supervisor_id if current is not None else None
        if boss is None or boss in seen:
            return set()
        if boss == viewer_id:
            return {Relation.SUPERVISOR if depth == 0 else Relation.LINE_MANAGER}
        seen.add(boss)
        current = directory.person(boss)
    return set()


def _team_of(directory: Directory, person_id: str | None) -> str | None:
    person = directory.person(person_id) if person_id is not None else None
    return person.team if person is not None else None


def below(directory: Directory, manager_id: str, person_id: str) -> bool:
    """Is `person_id` supervised by `manager_id`, directly or further down the chain?"""
    return bool(_chain(directory, manager_id, person_id))
