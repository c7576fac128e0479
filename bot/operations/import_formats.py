"""The three import formats: people, cases and sessions (columns as documented in the README)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Generic, TypeVar

from bot.assistant.access import QA_ACCESS
from bot.assistant.commands import CASE_REF
from bot.assistant.identity import DEMO_PREFIX
from bot.operations.import_spellings import key, spelled
from bot.operations.imports import (
    CHANNELS,
    FALSE,
    TRUE,
    Format,
    Row,
    RowProblem,
    choice,
    day,
    note_spelling,
    refer,
    text,
)
from policies.assignment import PackAssignment
from policies.vocabulary import Risk, Role
from storage.records import Case, Person, Session

Refs = dict[str, dict[str, int]]
R = TypeVar("R", Person, Case)
WORKER_CASE_TYPE = "worker case_type"  # references: worker id and case type, checked per pack
CASE_EVENT = "case event"  # references: worker id, case ref, event and day (checked, then added)
SICKNESS = "sickness"  # references: a cancelled session's key and the return to work, if known
SUPERVISOR_SINCE = "supervisor since"  # references: person id and the day their supervisor changed
TEAM = "team"  # references: the teams a people file lists (its unlisted members leave)
SUPERVISES = "supervises"  # references: person id and their supervisor's id
IDENTITY = "chat identity"  # references: channel:user, console logins lower-cased
LISTED = "listed once: "  # references: each key a file may list once, by column
_PAIR = "\x00"  # joins them (ids and case types cannot hold control characters)


@dataclass(frozen=True, slots=True)
class PackWords:
    """The roles and case types a person's council pack allows: the shared vocabulary and the
    words the pack declares under `[terms]` (a person is checked against their own pack)."""

    assignment: PackAssignment
    # Nothing is held after today: the later of the UTC and the local date, so that a record
    # dated today on a server in British Summer Time is not "in the future" after midnight.
    today: date = field(default_factory=lambda: max(datetime.now(UTC).date(), date.today()))

    def roles(self, policy: str | None, team: str) -> tuple[str, Sequence[str]]:
        """The pack a person row falls under (its `policy`, else the team's) and its roles;
        the shared roles if that pack is not loaded (the import reports the pack)."""
        name = policy or self.assignment.team_pack_name(team)
        pack = self.assignment.packs.get(name)
        return name, pack.roles if pack is not None else tuple(Role)

    def any_case_type(self) -> tuple[str, ...]:
        """Every case type some pack allows, for reading spellings before the worker's pack
        is known (cases are checked against it with the database, `worker_case_types`)."""
        return tuple(dict.fromkeys(t for p in self.assignment.packs.values() for t in p.case_types))


def case_events(refs: Refs) -> Iterator[tuple[str, str, str, date, int]]:
    """Each worker id, case ref, event and day a cases file names, with its line."""
    for joined, line in sorted(refs.get(CASE_EVENT, {}).items(), key=lambda item: item[1]):
        worker, ref, event, day_ = joined.split(_PAIR)
        yield worker, ref, event, date.fromisoformat(day_), line


def supervisors(refs: Refs) -> dict[str, tuple[str, int]]:
    """Each person's supervisor in a people file, with the line."""
    found = ((joined.split(_PAIR), line) for joined, line in refs.get(SUPERVISES, {}).items())
    return {person: (boss, line) for (person, boss), line in found}


def supervisor_since(refs: Refs) -> dict[str, date]:
    """The day each person's supervisor changed, where a people file gives it."""
    found = (joined.split(_PAIR) for joined in refs.get(SUPERVISOR_SINCE, {}))
    return {person: date.fromisoformat(day_) for person, day_ in found}


def sickness(refs: Refs) -> dict[str, date | None]:
    """Each session cancelled through sickness (by key), with the return to work if known."""
    found = (joined.split(_PAIR) for joined in refs.get(SICKNESS, {}))
    return {key_: date.fromisoformat(on) if on else None for key_, on in found}


def worker_case_types(refs: Refs) -> Iterator[tuple[str, str, int]]:
    """Each worker id and case type a cases file pairs, with the first line doing so."""
    for pair, line in sorted(refs.get(WORKER_CASE_TYPE, {}).items(), key=lambda item: item[1]):
        worker, _, case_type = pair.partition(_PAIR)
        yield worker, case_type, line


def _person(
    words: PackWords, values: dict[str, str], refs: Refs, line: int
) -> Person | Baselined[Person]:
    row = Row(values)
    pack, roles = words.roles(values.get("policy") or None, values.get("team", ""))
    person_id = row.read(text, "id")
    supervisor = row.read(text, "supervisor_id", required=False)
    _listed_once(row, refs, line, "id", person_id)
    if person_id and person_id.lower().startswith(DEMO_PREFIX):
        row.problem("id", f"ids starting with {DEMO_PREFIX!r} are kept for the console's demo")
    if person_id and supervisor == person_id:
        row.problem("supervisor_id", "a person cannot supervise themselves")
    case_holding = values["case_holding"].lower()
    if case_holding not in TRUE | FALSE:
        row.problem("case_holding", f"{values['case_holding']!r} is not true or false")
    policy = row.read(text, "policy", required=False)
    access = (values.get("access") or "").strip().lower()
    if access not in {"", QA_ACCESS}:
        row.problem("access", f"{values['access']!r} is not empty or {QA_ACCESS!r}")
    person = Person(
        id=person_id,
        name=row.read(text, "name"),
        role=_choice(row, refs, line, "role", roles, f"a role of the {pack} pack"),
        team=row.read(text, "team"),
        policy=policy or None,
        supervisor_id=supervisor or None,
        started_on=row.read(day, "started_on"),
        case_holding=case_holding in TRUE,
        chat=row.read(_chat, "chat") or (),
        access=access or None,
    )
    _refer_all(refs, line, id=person.id, supervisor_id=person.supervisor_id, policy=person.policy)
    _refer_identities(row, refs, line, person.chat)
    if person.id and person.supervisor_id:
        refer(refs, SUPERVISES, f"{person.id}{_PAIR}{person.supervisor_id}", line)
    if person.team:
        refer(refs, TEAM, person.team, line)
    last = _past(row, words.today, "last_supervised")
    if last is not None and not person.supervisor_id:
        row.problem("last_supervised", "needs the person's supervisor_id (who supervised them)")
    since = row.read(day, "supervisor_since", required=False)
    if since is not None and not person.supervisor_id:
        row.problem("supervisor_since", "needs the person's supervisor_id (who supervises them)")
    elif since is not None and person.id:
        refer(refs, SUPERVISOR_SINCE, f"{person.id}{_PAIR}{since.isoformat()}", line)
    row.done()
    return Baselined(person, last) if last is not None else person


def identity_key(channel: str, user: str) -> str:
    """A chat identity as the directory matches it: console logins in any case."""
    return f"{channel}:{user.lower() if channel == 'console' else user}"


def _refer_identities(
    row: Row, refs: Refs, line: int, identities: Sequence[tuple[str, str]]
) -> None:
    """Note each chat identity (checked against other people's in the database); one on
    two rows would silently sign the second person in as the first."""
    found = refs.setdefault(IDENTITY, {})
    for channel, user in identities:
        first = found.setdefault(identity_key(channel, user), line)
        if first != line:
            row.problem("chat", f"'{channel}:{user}' is also on line {first}")
    if len({identity_key(c, u) for c, u in identities}) < len(identities):
        row.problem("chat", "lists the same identity twice")


def _chat(values: dict[str, str], column: str) -> tuple[tuple[str, str], ...]:
    identities = []
    for part in filter(None, (p.strip() for p in values.get(column, "").split(";"))):
        channel, _, user = part.partition(":")
        if channel not in CHANNELS or not user:
            raise RowProblem(
                column,
                f"{part!r} is not CHANNEL:ID with CHANNEL one of {', '.join(sorted(CHANNELS))}",
            )
        identities.append((channel, user))
    return tuple(identities)


def _case_ref(values: dict[str, str], column: str, *, required: bool = True) -> str | None:
    ref = text(values, column, required=required, limit=40)
    if ref and not CASE_REF.fullmatch(ref):
        raise RowProblem(column, f"{ref!r} is not a case reference (letters, digits and - / _ .)")
    return ref or None


def _case(
    words: PackWords, values: dict[str, str], refs: Refs, line: int
) -> Case | Baselined[Case]:
    row = Row(values)
    case = Case(
        ref=row.read(_case_ref, "ref"),
        worker_id=row.read(text, "worker_id"),
        case_type=_case_type(row, refs, line, words.any_case_type()),
        risk=_choice(row, refs, line, "risk", tuple(Risk)),
        allocated_on=row.read(day, "allocated_on"),
        key_worker=row.read(_key_worker, "key_worker"),
    )
    _refer_all(refs, line, worker_id=case.worker_id)
    if case.worker_id and case.case_type:
        refer(refs, WORKER_CASE_TYPE, f"{case.worker_id}{_PAIR}{case.case_type}", line)
    _case_event(row, refs, line, case)
    last = _past(row, words.today, "last_supervised")
    if last is not None and case.allocated_on is not None and last < case.allocated_on:
        row.problem("last_supervised", "is before the case was allocated (allocated_on)")
    _case_listed_once(row, refs, line, case, last)
    row.done()
    return Baselined(case, last) if last is not None else case


def _case_listed_once(row: Row, refs: Refs, line: int, case: Case, last: date | None) -> None:
    """A case on two rows must say the same on both (each row can carry one more decision
    event, `event`): otherwise the last row would silently win, mixing the two."""
    if not case.ref:
        return
    first = refs.setdefault(f"{LISTED}ref", {}).setdefault(case.ref, line)
    details = _PAIR.join(
        map(
            str,
            (
                case.ref,
                case.worker_id,
                case.case_type,
                case.risk,
                case.allocated_on,
                case.key_worker,
                last,
            ),
        )
    )
    seen = refs.setdefault(f"{LISTED}case", {})
    if first != line and seen.get(details) != first:
        row.problem(
            "ref",
            f"{case.ref!r} is also on line {first} with other details (a case on two rows, "
            "for two decision events, must repeat them)",
        )
    seen.setdefault(details, line)


def _case_event(row: Row, refs: Refs, line: int, case: Case) -> None:
    """A decision on the case a pack wants discussed (`event`, `event_on`): noted to check
    against the worker's pack and, once the file is clean, to record."""
    event, raw_on = key(row.values.get("event", "")), row.values.get("event_on", "")
    on = row.read(day, "event_on", required=False)
    if event and not raw_on:
        row.problem("event_on", "is needed with event (the day of the decision)")
    if raw_on and not event:
        row.problem("event", "is needed with event_on (closure, transfer, …)")
    if event and on is not None and case.worker_id and case.ref:
        joined = _PAIR.join((case.worker_id, case.ref, event, on.isoformat()))
        refer(refs, CASE_EVENT, joined, line)


def _sickness(row: Row, refs: Refs, line: int, session: Session) -> None:
    """A cancellation through sickness (`reason`), rebooked from the return to work
    (`returned_on`) where the pack says so (Central Bedfordshire)."""
    reason = row.values.get("reason", "").strip().lower()
    returned = row.read(day, "returned_on", required=False)
    if reason and reason != "sickness":
        row.problem("reason", f"{row.values['reason']!r} is not sickness (or empty)")
    elif reason and session.status != "cancelled":
        row.problem("reason", "is only for a cancelled session")
    elif returned is not None and not reason:
        row.problem("returned_on", "is only for a cancellation through sickness (reason)")
    elif returned is not None and session.date and returned < session.date:
        row.problem("returned_on", "is before the cancelled session")
    elif reason and session.date:
        on = returned.isoformat() if returned else ""
        refer(refs, SICKNESS, f"{session.key}{_PAIR}{on}", line)


def _key_worker(values: dict[str, str], column: str) -> bool:
    """Whether the worker is the case's key worker (or lead professional); empty: they are."""
    value = values.get(column, "").lower()
    if value not in TRUE | FALSE:
        raise RowProblem(column, f"{values[column]!r} is not true or false (empty: true)")
    return value in TRUE or value == ""


# A signed supervision agreement and a direct observation of practice are recorded as held
# sessions of their own kind (the date signed, the date observed); they have no record to
# write up, and only ever count as agreements and observations.
ONCE_HELD = frozenset({"agreement", "observation"})
SESSION_KINDS = frozenset({"individual", "case", "group"}) | ONCE_HELD


def _past(row: Row, today: date, column: str) -> date | None:
    """An optional date that cannot be after `today` (something already done)."""
    found: date | None = row.read(day, column, required=False)
    if found is not None and found > today:
        row.problem(column, f"{found} is in the future")
    return found


def _session(today: date, values: dict[str, str], refs: Refs, line: int) -> Session:
    row = Row(values)
    kind, status = values.get("kind", ""), values.get("status", "")
    if kind not in SESSION_KINDS:
        row.problem("kind", f"{kind!r} is not individual, case, group, agreement or observation")
    if status not in {"held", "cancelled", "booked"}:
        row.problem("status", f"{status!r} is not held, cancelled or booked")
    elif kind in ONCE_HELD and status != "held":
        row.problem("status", f"an {kind} is recorded once held (status held)")
    case_ref = row.read(_case_ref, "case_ref", required=False)
    if kind in SESSION_KINDS and (kind == "case") != (case_ref is not None):
        row.problem("case_ref", "is required for case sessions and must be empty otherwise")
    held_on = row.read(day, "date")
    if status == "held" and held_on is not None and held_on > today:
        row.problem("date", f"{held_on} is in the future: a session to come is booked")
    recorded = _past(row, today, "recorded_on")
    signed = _past(row, today, "signed_off_on")
    if signed and not recorded:
        row.problem("signed_off_on", "a record cannot be signed off before it is written")
    if recorded and held_on and recorded < held_on:
        row.problem("recorded_on", "is before the session (date): a record follows it")
    if signed and recorded and signed < recorded:
        row.problem("signed_off_on", "is before the record was written (recorded_on)")
    session = Session(
        kind=kind,
        date=held_on,
        supervisee_id=row.read(text, "supervisee_id", required=kind != "group") or None,
        supervisor_id=row.read(text, "supervisor_id"),
        case_ref=case_ref,
        status=status,
        recorded_on=recorded,
        signed_off_on=signed,
    )
    _refer_all(
        refs,
        line,
        supervisee_id=session.supervisee_id,
        supervisor_id=session.supervisor_id,
        case_ref=case_ref,
    )
    if session.kind and session.date and (session.supervisee_id or session.supervisor_id):
        _listed_once(
            row, refs, line, "date", session.key, "the same session (kind, date, person, case)"
        )
    _sickness(row, refs, line, session)
    row.done()
    return session


@dataclass(frozen=True, slots=True)
class Baselined(Generic[R]):
    """A person or case imported with the date they were last supervised (column
    `last_supervised`): the import records a held session on that day, its record written and
    agreed, so reminders count from it and nothing before it is chased."""

    record: R
    last_supervised: date

    def session(self, supervisor_of: Callable[[str], str | None]) -> Session:
        """The held session that stands for the last supervision before the import."""
        last = self.last_supervised
        if isinstance(self.record, Person):
            person = self.record
            boss = person.supervisor_id or ""
            return Session("individual", last, person.id, boss, None, "held", last, last)
        assert isinstance(self.record, Case)
        case = self.record
        boss = supervisor_of(case.worker_id) or case.worker_id
        return Session("case", last, case.worker_id, boss, case.ref, "held", last, last)


def _choice(
    row: Row, refs: Refs, line: int, column: str, allowed: Sequence[str], whose: str = ""
) -> str:
    """An allowed value; a value given in another spelling is noted for the report."""
    value: str | None = row.read(choice, column, allowed, whose)
    note_spelling(refs, column, row.values.get(column, ""), value, line)
    return value or ""


def _case_type(row: Row, refs: Refs, line: int, known: Sequence[str]) -> str:
    """The case type in the assistant's spelling; whether the worker's pack allows it is
    checked against the database (`worker_case_types`), where the worker's pack is known."""
    raw = row.values.get("case_type", "")
    if not raw:
        row.problem("case_type", "is empty")
        return ""
    found = spelled(raw, known)
    note_spelling(refs, "case_type", raw, found, line)
    return found or key(raw)


def _listed_once(
    row: Row, refs: Refs, line: int, column: str, key: str | None, what: str | None = None
) -> None:
    """Refuse a row whose key an earlier row of the file has: the last row would silently
    win (people by id, cases by ref, sessions by kind, date, person and case)."""
    if not key:
        return
    first = refs.setdefault(f"{LISTED}{column}", {}).setdefault(key, line)
    if first != line:
        row.problem(column, f"{what or repr(key)} is also on line {first}")


def _refer_all(refs: Refs, line: int, **values: Any) -> None:
    """Note references to check against the database, even from rows with other problems."""
    for column, value in values.items():
        if value:
            refer(refs, column, value, line)


def people_format(words: PackWords) -> Format[Person | Baselined[Person]]:
    return Format(
        (
            "id",
            "name",
            "role",
            "team",
            "policy",
            "supervisor_id",
            "started_on",
            "case_holding",
            "chat",
        ),
        ("access", "last_supervised", "supervisor_since"),
        partial(_person, words),
    )


def cases_format(words: PackWords) -> Format[Case | Baselined[Case]]:
    return Format(
        ("ref", "worker_id", "case_type", "risk", "allocated_on"),
        ("last_supervised", "key_worker", "event", "event_on"),
        partial(_case, words),
    )


def sessions_format(today: date) -> Format[Session]:
    return Format(
        ("kind", "date", "supervisee_id", "supervisor_id", "case_ref", "status"),
        ("recorded_on", "signed_off_on", "reason", "returned_on"),
        partial(_session, today),
    )
