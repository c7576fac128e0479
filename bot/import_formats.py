"""The three import formats: people, cases and sessions (columns as documented in the README)."""

from __future__ import annotations

from bot.commands import CASE_REF
from bot.imports import CHANNELS, FALSE, TRUE, Format, RowProblem, choice, day, refer, text
from policies.vocabulary import CaseType, Risk, Role
from storage.records import Case, Person, Session

Refs = dict[str, dict[str, int]]


def _person(row: dict[str, str], refs: Refs, line: int) -> Person:
    person_id = text(row, "id")
    refer(refs, "id", person_id, line)
    supervisor = text(row, "supervisor_id", required=False)
    if supervisor == person_id:
        raise RowProblem("supervisor_id", "a person cannot supervise themselves")
    case_holding = row["case_holding"].lower()
    if case_holding not in TRUE | FALSE:
        raise RowProblem("case_holding", f"{row['case_holding']!r} is not true or false")
    started = day(row, "started_on")
    assert started is not None
    return Person(
        id=person_id,
        name=text(row, "name"),
        role=choice(row, "role", Role),
        team=text(row, "team"),
        policy=_policy(row, refs, line),
        supervisor_id=refer(refs, "supervisor_id", supervisor, line) if supervisor else None,
        started_on=started,
        case_holding=case_holding in TRUE,
        chat=_chat(row.get("chat", "")),
    )


def _policy(row: dict[str, str], refs: Refs, line: int) -> str | None:
    name = text(row, "policy", required=False)
    return refer(refs, "policy", name, line) if name else None


def _chat(value: str) -> tuple[tuple[str, str], ...]:
    identities = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        channel, _, user = part.partition(":")
        if channel not in CHANNELS or not user:
            raise RowProblem(
                "chat",
                f"{part!r} is not CHANNEL:ID with CHANNEL one of {', '.join(sorted(CHANNELS))}",
            )
        identities.append((channel, user))
    return tuple(identities)


def _case(row: dict[str, str], refs: Refs, line: int) -> Case:
    ref = text(row, "ref", limit=40)
    if not CASE_REF.fullmatch(ref):
        raise RowProblem("ref", f"{ref!r} is not a case reference (letters, digits and - / _ .)")
    allocated = day(row, "allocated_on")
    assert allocated is not None
    return Case(
        ref=ref,
        worker_id=refer(refs, "worker_id", text(row, "worker_id"), line),
        case_type=choice(row, "case_type", CaseType),
        risk=choice(row, "risk", Risk),
        allocated_on=allocated,
    )


def _session(row: dict[str, str], refs: Refs, line: int) -> Session:
    kind = row.get("kind", "")
    if kind not in {"individual", "case", "group"}:
        raise RowProblem("kind", f"{kind!r} is not individual, case or group")
    status = row.get("status", "")
    if status not in {"held", "cancelled"}:
        raise RowProblem("status", f"{status!r} is not held or cancelled")
    case_ref = text(row, "case_ref", required=False, limit=40) or None
    if (kind == "case") != (case_ref is not None):
        raise RowProblem("case_ref", "is required for case sessions and must be empty otherwise")
    supervisee = text(row, "supervisee_id", required=kind != "group") or None
    held = day(row, "date")
    assert held is not None
    recorded, signed = (
        day(row, "recorded_on", required=False),
        day(row, "signed_off_on", required=False),
    )
    if signed and not recorded:
        raise RowProblem("signed_off_on", "a record cannot be signed off before it is written")
    return Session(
        kind=kind,
        date=held,
        supervisee_id=refer(refs, "supervisee_id", supervisee, line) if supervisee else None,
        supervisor_id=refer(refs, "supervisor_id", text(row, "supervisor_id"), line),
        case_ref=refer(refs, "case_ref", case_ref, line) if case_ref else None,
        status=status,
        recorded_on=recorded,
        signed_off_on=signed,
    )


PEOPLE = Format(
    ("id", "name", "role", "team", "policy", "supervisor_id", "started_on", "case_holding", "chat"),
    (),
    _person,
)
CASES = Format(("ref", "worker_id", "case_type", "risk", "allocated_on"), (), _case)
SESSIONS = Format(
    ("kind", "date", "supervisee_id", "supervisor_id", "case_ref", "status"),
    ("recorded_on", "signed_off_on"),
    _session,
)
