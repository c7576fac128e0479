"""`sva policy due`: the JSON Lines contract for asking when something is due.

Input, one JSON object a line: `policy`, `on`, `subject` and the subject's fields. Output,
one line per input line, in order: `{"due", "overdue", "rule", "cite"}` or `{"error"}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from policies.due import (
    Due,
    NoRule,
    agreement_due,
    case_due,
    deadline_due,
    group_due,
    individual_due,
)
from policies.packs import PolicyError, PolicyPack
from policies.subjects import SubjectFacts, subject_due
from policies.vocabulary import Risk, Service

# Roles, case types and services are checked against the pack asked about: a pack may
# declare words of its own (`[terms]`), so the contract takes any non-empty word.
Word = Annotated[str, Field(min_length=1, max_length=60)]


class _Query(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)

    policy: str
    on: date


class IndividualQuery(_Query):
    subject: Literal["individual"]
    role: Word
    started: date
    last: date | None = None

    def due(self, pack: PolicyPack) -> Due:
        return individual_due(pack, self.role, self.started, self.last)


class CaseQuery(_Query):
    subject: Literal["case"]
    case_type: Word
    risk: Risk = Risk.STANDARD
    allocated: date
    last: date | None = None
    key_worker: bool = True  # false: involved in the case but not its key worker

    def due(self, pack: PolicyPack) -> Due:
        return case_due(
            pack, self.case_type, self.risk, self.allocated, self.last, key_worker=self.key_worker
        )


class GroupQuery(_Query):
    subject: Literal["group"]
    service: Word = Service.DEFAULT.value
    last: date

    def due(self, pack: PolicyPack) -> Due:
        return group_due(pack, self.service, self.last)


class RecordQuery(_Query):
    subject: Literal["record"]
    held: date

    def due(self, pack: PolicyPack) -> Due:
        return deadline_due(pack, "record", self.held)


class SignoffQuery(_Query):
    subject: Literal["signoff"]
    sent: date

    def due(self, pack: PolicyPack) -> Due:
        return deadline_due(pack, "signoff", self.sent)


class RebookQuery(_Query):
    subject: Literal["rebook"]
    cancelled: date
    returned: date | None = None  # the return to work, when the cancellation was sickness

    def due(self, pack: PolicyPack) -> Due:
        return deadline_due(pack, "rebook", self.cancelled, returned=self.returned)


class AgreementQuery(_Query):
    subject: Literal["agreement"]
    started: date
    supervisor_changed: date | None = None

    def due(self, pack: PolicyPack) -> Due:
        return agreement_due(pack, self.started, self.supervisor_changed)


class SubjectQuery(_Query):
    """Any subject the pack declares (`[[subjects]]`), by its id."""

    subject: Word
    started: date | None = None
    allocated: date | None = None
    last: date | None = None
    event: date | None = None
    next_session: date | None = None
    role: Word | None = None
    case_type: Word | None = None

    def due(self, pack: PolicyPack) -> Due:
        if pack.subject(self.subject) is None:
            declared = ", ".join(s.id for s in pack.subjects) or "none"
            raise NoRule(
                f"{pack.name} has no subject {self.subject!r}; the subjects: "
                f"{', '.join(FIXED_SUBJECTS)}; and those {pack.name} declares: {declared}"
            )
        facts = SubjectFacts(
            start=self.started or self.allocated,
            last=self.last,
            event=self.event,
            next_session=self.next_session,
            role=self.role,
            case_type=self.case_type,
        )
        return subject_due(pack, self.subject, facts)


Query = Annotated[
    IndividualQuery
    | CaseQuery
    | GroupQuery
    | RecordQuery
    | SignoffQuery
    | RebookQuery
    | AgreementQuery,
    Field(discriminator="subject"),
]
QUERY: TypeAdapter[Any] = TypeAdapter(Query)
FIXED_SUBJECTS = tuple(
    get_args(model.model_fields["subject"].annotation)[0] for model in get_args(get_args(Query)[0])
)
SUBJECT: TypeAdapter[SubjectQuery] = TypeAdapter(SubjectQuery)


def answer(
    line: str, packs: Mapping[str, PolicyPack], broken: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The output object for one input line (never raises for bad input). A query to a
    broken pack says it is broken; the other packs keep answering."""
    if not line.strip():
        return {"error": "empty line: expected one JSON object"}
    try:
        query = _read(line)
    except ValidationError as exc:
        return {"error": _problems(exc)}
    pack = packs.get(query.policy)
    if pack is None and broken and query.policy in broken:
        return {"error": f"policy: pack {query.policy!r} is broken: {broken[query.policy]}"}
    if pack is None:
        return {
            "error": f"policy: unknown pack {query.policy!r}; packs: {', '.join(sorted(packs))}"
        }
    try:
        due = query.due(pack)
    except PolicyError as exc:
        return {"error": str(exc)}
    return {
        "due": due.due.isoformat(),
        "overdue": due.overdue_on(query.on),
        "rule": due.rule,
        "cite": due.cite,
    }


def _read(line: str) -> Any:
    """A query of a fixed subject, or else of a subject the pack declares."""
    try:
        return QUERY.validate_json(line)
    except ValidationError as exc:
        if any(e["type"] == "union_tag_invalid" for e in exc.errors()):
            return SUBJECT.validate_json(line)
        raise


def _problems(error: ValidationError) -> str:
    problems = []
    for e in error.errors(include_url=False):
        if e["type"] == "json_invalid":
            return f"not valid JSON: {e['ctx'].get('error', e['msg'])}"
        where = ".".join(str(p) for p in e["loc"][1:] if p) or "subject"
        problems.append(f"{where}: {e['msg']}")
    return "; ".join(problems)
