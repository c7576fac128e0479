"""Policy packs: one TOML file per council in `policies/packs/`, read into validated models.

Every rule carries `cite`, a pointer into the council's seed. Where the seed has no rule for
a role, case type or service, the pack says so with `none = "why"`; validation insists that
every role, case type and service is covered one way or the other, so a pack can never
silently borrow another council's rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, ValidationError, model_validator

from policies.overrides import OverrideError, apply_overrides
from policies.pack_base import Cited, Every, Strict
from policies.pack_problems import describe_problems
from policies.pack_terms import (
    CaseAdvice,
    ClientNames,
    Escalation,
    FirstDiscussion,
    NotKeyWorker,
    Subject,
    Term,
    Terms,
)
from policies.vocabulary import CaseType, Role, Service

PACKS_DIR = Path(__file__).with_name("packs")
LOCAL_DIR = Path(__file__).with_name("local")


class PolicyError(Exception):
    """A pack is missing or invalid; the message names the file, the key and the problem."""


class Rule(Cited):
    """An interval rule, or `none` saying why the seed has no such rule. A council's local
    override may decide it instead (`local`, see `policies.overrides`)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    every: Every | None = None
    none: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        given = [self.every is not None, self.none is not None, bool(getattr(self, "phases", ()))]
        if sum(given) != 1:
            raise ValueError(f"rule {self.id!r}: give exactly one of 'every', 'phases' and 'none'")
        return self


class Phase(Strict):
    """A phase since starting, e.g. the ASYE's first six weeks; the last has no `until`."""

    until: Every | None = None
    every: Every


class IndividualRule(Rule):
    roles: tuple[str, ...] = Field(min_length=1)
    phases: tuple[Phase, ...] = ()
    first: Every | None = None  # the first session after starting, when sooner than the phases

    @model_validator(mode="after")
    def _phases_increase(self) -> Self:
        ends = [p.until.min_days for p in self.phases if p.until is not None]
        if any(p.until is None for p in self.phases[:-1]) or ends != sorted(set(ends)):
            raise ValueError(
                f"rule {self.id!r}: phases must end later and later, and only the last may "
                "have no 'until'"
            )
        return self


class CaseRule(Rule):
    case_types: tuple[str, ...] = Field(min_length=1)
    high: Every | None = None  # the interval for high-risk cases, where the seed gives one


class GroupRule(Rule):
    services: tuple[str, ...] = Field(min_length=1)


class Deadline(Cited):
    """A deadline counted from an event (a session held, a record sent, a cancellation).

    `kinds` says which sessions it governs where the seed limits it (e.g. case records only).
    """

    within: Every | None = None
    none: str | None = None
    kinds: tuple[Literal["individual", "case", "group"], ...] = ("individual", "case")
    # Rebooking after sickness counts from the return to work (Central Bedfordshire).
    after_sickness_from_return: bool = False
    # The agreement is due again after a change of supervisor (Somerset 7.2).
    on_supervisor_change: bool = False


class AgendaItem(Cited):
    """A standing agenda item. `slot` says what the assistant fills in under it."""

    title: str = Field(min_length=1)
    detail: str = ""
    slot: Literal["wellbeing", "cases", "actions"] | None = None


class Headings(Cited):
    """The headings of one kind of supervision record, and which answers the supervisee gave
    in the assistant (preparation tool or shared check-in) pre-fill which heading."""

    headings: tuple[str, ...] = Field(min_length=1)
    prefill: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _prefill_names_headings(self) -> Self:
        unknown = [h for h in self.prefill if h not in self.headings]
        if unknown:
            raise ValueError(
                f"prefill names headings the record does not have: {', '.join(unknown)}"
            )
        return self


class GroupModel(Cited):
    """How group supervision runs: its model, the roles that rotate (the first presents the
    case), and what the presenter prepares."""

    model: str
    roles: tuple[str, ...] = Field(min_length=1)
    prepare: str = ""


class DecisionNote(Cited):
    """How the council's case management system names a decision recorded between sessions."""

    title: str = Field(min_length=1)


class ProbationReviews(Cited):
    """Probation reviews, in months after starting, where the policy sets them."""

    months: tuple[int, ...] = ()
    none: str | None = None


class SessionLength(Cited):
    """How long an individual supervision session lasts, where the policy says."""

    minutes: int | None = Field(default=None, ge=15, le=480)
    none: str | None = None


class Signposting(Cited):
    """Where a supervisee is pointed for support (never the assistant itself)."""

    text: str = Field(min_length=1)


class Deadlines(Strict):
    record: Deadline
    signoff: Deadline
    rebook: Deadline
    agreement: Deadline
    first_case_discussion: FirstDiscussion


class Records(Strict):
    case: Headings
    personal: Headings
    group: Headings | None = None


class PolicyPack(Strict):
    """One council's supervision policy, as data."""

    name: str = Field(pattern=r"^[a-z][a-z-]*$")
    council: str
    seed: str
    individual: tuple[IndividualRule, ...]
    case: tuple[CaseRule, ...]
    group: tuple[GroupRule, ...]
    deadlines: Deadlines
    standing_agenda: tuple[AgendaItem, ...] = Field(min_length=1)
    records: Records
    group_supervision: GroupModel | None = None
    signposting: Signposting
    decision_note: DecisionNote
    session_length: SessionLength
    probation_reviews: ProbationReviews
    escalation: Escalation
    not_key_worker: NotKeyWorker | None = None
    client_names: ClientNames | None = None
    case_advice: CaseAdvice | None = None
    terms: Terms = Terms()
    subjects: tuple[Subject, ...] = ()

    @model_validator(mode="after")
    def _covers_everything_once(self) -> Self:
        _once("individual", "roles", [r.roles for r in self.individual], self.roles)
        _once("case", "case_types", [r.case_types for r in self.case], self.case_types)
        _once("group", "services", [r.services for r in self.group], self.services)
        advisers = (
            [r for r in self.case_advice.roles if r not in self.roles] if self.case_advice else []
        )
        if advisers:
            raise ValueError(f"case_advice: roles not known: {', '.join(advisers)}")
        known = set(self.case_types)
        for subject in self.subjects:
            unknown = [t for t in subject.case_types if t not in known]
            if unknown:
                raise ValueError(
                    f"subjects: {subject.id}: case_types not known: {', '.join(unknown)}"
                )
        return self

    @property
    def escalate_after_days(self) -> int:
        return self.escalation.after_days

    @property
    def roles(self) -> tuple[str, ...]:
        """The shared roles and the ones this pack declares."""
        return _words(Role, self.terms.roles)

    @property
    def case_types(self) -> tuple[str, ...]:
        return _words(CaseType, self.terms.case_types)

    @property
    def services(self) -> tuple[str, ...]:
        return _words(Service, self.terms.services)

    def individual_rule(self, role: str) -> IndividualRule:
        return next(r for r in self.individual if role in r.roles)

    def case_rule(self, case_type: str) -> CaseRule:
        return next(r for r in self.case if case_type in r.case_types)

    def group_rule(self, service: str) -> GroupRule:
        return next(r for r in self.group if service in r.services)

    @property
    def case_events(self) -> tuple[str, ...]:
        """The events on a case some subject of this pack follows (closure, transfer, …)."""
        found = (
            e
            for s in self.subjects
            if s.applies_to == "event" and s.event_of == "case" and s.none is None
            for e in s.events
        )
        return tuple(dict.fromkeys(found))

    def subject(self, subject_id: str) -> Subject | None:
        return next((s for s in self.subjects if s.id == subject_id), None)


def _words(shared: Iterable[str], declared: tuple[Term, ...]) -> tuple[str, ...]:
    return (*shared, *(t.id for t in declared))


def _once(section: str, key: str, groups: list[tuple[str, ...]], vocabulary: Iterable[str]) -> None:
    seen = [item for group in groups for item in group]
    known = list(vocabulary)
    missing = [v for v in known if v not in seen]
    repeated = sorted({v for v in seen if seen.count(v) > 1})
    unknown = sorted({v for v in seen if v not in known})
    if unknown:
        raise ValueError(
            f"{section}: {key} not known (declare them under [terms]): {', '.join(unknown)}"
        )
    if missing:
        raise ValueError(
            f'{section}: {key} not covered (add a rule or none = "why"): {", ".join(missing)}'
        )
    if repeated:
        raise ValueError(f"{section}: {key} covered twice: {', '.join(repeated)}")


def load_pack(path: Path, local: Path | None = None) -> PolicyPack:
    """Read and validate one pack file, with the council's local overrides from `local`
    (a folder of `<name>.toml`) applied where there is a file for it."""
    data = _read(path)
    override = local / path.name if local is not None else None
    if override is not None and override.exists():
        try:
            data = apply_overrides(data, _read(override), override)
        except OverrideError as exc:
            raise PolicyError(str(exc)) from exc
    try:
        pack = PolicyPack.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(describe_problems(path, exc, data)) from exc
    if pack.name != path.stem:
        raise PolicyError(f"{path}: name: is {pack.name!r} but the file is named {path.stem!r}")
    return pack


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise PolicyError(f"{path}: cannot be read: {exc.strerror}") from exc


def load_packs(
    directory: Path = PACKS_DIR, local: Path | None = LOCAL_DIR
) -> dict[str, PolicyPack]:
    """Every pack in `directory`, by name; raises on the first broken one."""
    packs, broken = load_packs_reporting(directory, local)
    if broken:
        raise PolicyError("\n".join(broken.values()))
    return packs


def load_packs_reporting(
    directory: Path = PACKS_DIR, local: Path | None = LOCAL_DIR
) -> tuple[dict[str, PolicyPack], dict[str, str]]:
    """The valid packs by name, and the broken ones by name with their problems: one broken
    pack does not take the others down."""
    packs: dict[str, PolicyPack] = {}
    broken: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            packs[path.stem] = load_pack(path, local)
        except PolicyError as exc:
            broken[path.stem] = str(exc)
    return packs, broken
