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
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)

from policies.intervals import Interval
from policies.vocabulary import CaseType, Role, Service

PACKS_DIR = Path(__file__).with_name("packs")


class PolicyError(Exception):
    """A pack is missing or invalid; the message names the file, the key and the problem."""


def _interval(value: object) -> object:
    return Interval.parse(value) if isinstance(value, str) else value


Every = Annotated[Interval, BeforeValidator(_interval), PlainSerializer(str)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Strict):
    """Anything taken from a seed: where it was read, and how where the seed is unclear."""

    cite: str = Field(min_length=1)
    reading: str = ""  # the reading taken where the seed is ambiguous


class Rule(Cited):
    """An interval rule, or `none` saying why the seed has no such rule."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    every: Every | None = None
    none: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        given = [self.every is not None, self.none is not None, bool(getattr(self, "phases", ()))]
        if sum(given) != 1:
            raise ValueError(f"rule {self.id!r}: give exactly one of 'every', 'phases' and 'none'")
        return self


class Phase(_Strict):
    """A phase since starting, e.g. the ASYE's first six weeks; the last has no `until`."""

    until: Every | None = None
    every: Every


class IndividualRule(Rule):
    roles: tuple[Role, ...] = Field(min_length=1)
    phases: tuple[Phase, ...] = ()
    first: Every | None = None  # the first session after starting, when sooner than the phases


class CaseRule(Rule):
    case_types: tuple[CaseType, ...] = Field(min_length=1)
    high: Every | None = None  # the interval for high-risk cases, where the seed gives one


class GroupRule(Rule):
    services: tuple[Service, ...] = Field(min_length=1)


class Deadline(Cited):
    """A deadline counted from an event (a session held, a record sent, a cancellation).

    `kinds` says which sessions it governs where the seed limits it (e.g. case records only).
    """

    within: Every | None = None
    none: str | None = None
    kinds: tuple[Literal["individual", "case", "group"], ...] = ("individual", "case")


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


class Deadlines(_Strict):
    record: Deadline
    signoff: Deadline
    rebook: Deadline
    agreement: Deadline
    first_case_discussion: Deadline


class Records(_Strict):
    case: Headings
    personal: Headings
    group: Headings | None = None


class PolicyPack(_Strict):
    """One council's supervision policy, as data."""

    name: str = Field(pattern=r"^[a-z][a-z-]*$")
    council: str
    seed: str
    individual: tuple[IndividualRule, ...]
    case: tuple[CaseRule, ...]
    group: tuple[GroupRule, ...]
    deadlines: Deadlines
    observations: Deadline
    standing_agenda: tuple[AgendaItem, ...] = Field(min_length=1)
    records: Records
    group_supervision: GroupModel | None = None
    signposting: Signposting
    decision_note: DecisionNote
    session_length: SessionLength
    probation_reviews: ProbationReviews
    escalate_after_days: int = Field(default=14, ge=1)

    @model_validator(mode="after")
    def _covers_everything_once(self) -> Self:
        _once("individual", "roles", [r.roles for r in self.individual], Role)
        _once("case", "case_types", [r.case_types for r in self.case], CaseType)
        _once("group", "services", [r.services for r in self.group], Service)
        return self

    def individual_rule(self, role: Role) -> IndividualRule:
        return next(r for r in self.individual if role in r.roles)

    def case_rule(self, case_type: CaseType) -> CaseRule:
        return next(r for r in self.case if case_type in r.case_types)

    def group_rule(self, service: Service) -> GroupRule:
        return next(r for r in self.group if service in r.services)


def _once(section: str, key: str, groups: list[tuple[str, ...]], vocabulary: Iterable[str]) -> None:
    seen = [item for group in groups for item in group]
    missing = [v for v in vocabulary if v not in seen]
    repeated = sorted({v for v in seen if seen.count(v) > 1})
    if missing:
        raise ValueError(
            f'{section}: {key} not covered (add a rule or none = "why"): {", ".join(missing)}'
        )
    if repeated:
        raise ValueError(f"{section}: {key} covered twice: {', '.join(repeated)}")


def load_pack(path: Path) -> PolicyPack:
    """Read and validate one pack file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        pack = PolicyPack.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise PolicyError(_describe(path, exc)) from exc
    if pack.name != path.stem:
        raise PolicyError(f"{path}: name: is {pack.name!r} but the file is named {path.stem!r}")
    return pack


def load_packs(directory: Path = PACKS_DIR) -> dict[str, PolicyPack]:
    """Every pack in `directory`, by name."""
    return {p.stem: load_pack(p) for p in sorted(directory.glob("*.toml"))}


def _describe(path: Path, error: ValidationError) -> str:
    problems = []
    for e in error.errors():
        where = ".".join(str(part) for part in e["loc"]) or "(top level)"
        problems.append(f"{path}: {where}: {e['msg'].removeprefix('Value error, ')}")
    return "\n".join(problems)
