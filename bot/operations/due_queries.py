"""`sva policy due`: the JSON Lines contract for asking when something is due.

Input, one JSON object a line: `policy`, `on`, `subject` and the subject's fields. Output,
one line per input line, in order: `{"due", "overdue", "rule", "cite"}` or `{"error"}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from policies.due import Due, case_due, deadline_due, group_due, individual_due
from policies.packs import PolicyError, PolicyPack
from policies.vocabulary import CaseType, Risk, Role, Service


class _Query(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)

    policy: str
    on: date


class IndividualQuery(_Query):
    subject: Literal["individual"]
    role: Role
    started: date
    last: date | None = None

    def due(self, pack: PolicyPack) -> Due:
        return individual_due(pack, self.role, self.started, self.last)


class CaseQuery(_Query):
    subject: Literal["case"]
    case_type: CaseType
    risk: Risk = Risk.STANDARD
    allocated: date
    last: date | None = None

    def due(self, pack: PolicyPack) -> Due:
        return case_due(pack, self.case_type, self.risk, self.allocated, self.last)


class GroupQuery(_Query):
    subject: Literal["group"]
    service: Service = Service.DEFAULT
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

    def due(self, pack: PolicyPack) -> Due:
        return deadline_due(pack, "rebook", self.cancelled)


Query = Annotated[
    IndividualQuery | CaseQuery | GroupQuery | RecordQuery | SignoffQuery | RebookQuery,
    Field(discriminator="subject"),
]
QUERY: TypeAdapter[Any] = TypeAdapter(Query)


def answer(line: str, packs: Mapping[str, PolicyPack]) -> dict[str, Any]:
    """The output object for one input line (never raises for bad input)."""
    if not line.strip():
        return {"error": "empty line: expected one JSON object"}
    try:
        query = QUERY.validate_json(line)
    except ValidationError as exc:
        return {"error": _problems(exc)}
    pack = packs.get(query.policy)
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


def _problems(error: ValidationError) -> str:
    problems = []
    for e in error.errors(include_url=False):
        if e["type"] == "json_invalid":
            return f"not valid JSON: {e['ctx'].get('error', e['msg'])}"
        where = ".".join(str(p) for p in e["loc"][1:] if p) or "subject"
        problems.append(f"{where}: {e['msg']}")
    return "; ".join(problems)
