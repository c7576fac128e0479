"""Everything held about one person: read for a subject access request, or erased.

`PERSON_COLUMNS` says, for every table, which columns name a person and what erasure does
with a row naming the person being erased:

- "delete": the row is theirs (a check-in, a dialog, their identities) and goes;
- "replace": the row belongs to a case file or the organisation's record (a decision, a
  disagreement with it, a session, a case action), so it stays, with the person replaced by
  a pseudonym that names only their role;
- "keep": the audit trail, whose rows are chained by hash (editing one would break the
  chain); it holds person ids only, never text.

A test checks every table in the schema is listed here, so a new table must decide.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, false, func, literal, or_, select, update

from storage.tables import Base

PERSON_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    # Chat events and replies name a conversation "channel:user id": before the identities go.
    "inbox": ("delete", ("conversation",)),
    "replies": ("delete", ("conversation",)),
    "people": ("delete", ("id",)),
    "chat_identities": ("delete", ("person_id",)),
    "chat_references": ("delete", ("person_id",)),
    "conversations": ("delete", ("person_id",)),
    "prep_notes": ("delete", ("person_id",)),
    "ears_reflections": ("delete", ("person_id",)),
    "wellbeing_checkins": ("delete", ("person_id",)),
    "leave_periods": ("delete", ("person_id",)),
    "outbox": ("delete", ("person_id", "subject")),
    "agenda_edits": ("delete", ("person_id",)),
    "sign_in_uses": ("delete", ("person_id",)),
    "received_messages": ("keep", ()),  # channel message ids only, pruned by age
    "sweeps": ("keep", ()),  # days swept and how many reminders: nobody named
    "case_events": ("keep", ()),  # case reference, event and day: nobody named
    "report_versions": ("keep", ()),  # team names and counters: nobody named
    # Each team's computed report figures name its members inside a JSON text; deleting a
    # person's `people` row (as erasure does) drops their team's by trigger (migration 0021).
    # A subject access export adds the person's own row of each (bot.operations.subject_access).
    "kept_report_figures": ("keep", ()),
    # A change of supervisor is the supervisee's history and names both supervisors.
    "person_events": ("replace", ("person_id", "previous_id", "supervisor_id")),
    # A cancellation through sickness names the supervisee in its session key only.
    "sickness_cancellations": ("replace", ()),
    "cases": ("replace", ("worker_id",)),
    "sessions": ("replace", ("supervisee_id", "supervisor_id")),
    "decisions": ("replace", ("recorded_by", "acknowledge_by")),
    "decision_responses": ("replace", ("person_id",)),
    "session_events": ("replace", ("person_id",)),
    "actions": ("replace", ("supervisee_id", "owner", "closed_by")),
    "audit_findings": ("replace", ("supervisee_id", "recorded_by")),
    "rota_sessions": ("replace", ()),  # person ids inside `roles`, handled below
    "audit_log": ("keep", ("actor", "subject")),
}
KEY_COLUMNS = {  # "kind|date|who|case"
    "sessions": "key",
    "session_events": "session_key",
    "sickness_cancellations": "session_key",
}


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _naming(table: Table, columns: tuple[str, ...], person_id: str) -> Any:
    if columns == ("conversation",):
        identities = _table("chat_identities")
        mine = select(identities.c.channel + ":" + identities.c.channel_user_id).where(
            identities.c.person_id == person_id
        )
        return table.c.conversation.in_(mine.scalar_subquery())
    return or_(false(), *(table.c[c] == person_id for c in columns))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def held_about(db: Connection, person_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row naming the person, by table (sealed values opened), JSON-ready.

    Only rows naming them are read, so another person's check-in is never included; the
    supervisor's copy of an agenda a supervisee shared is the supervisor's, not theirs.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for name, (_, columns) in PERSON_COLUMNS.items():
        table = _table(name)
        if name == "rota_sessions":
            rows = [r for r in db.execute(select(table)).mappings() if person_id in _people(r)]
        elif columns:
            rows = list(
                db.execute(select(table).where(_naming(table, columns, person_id))).mappings()
            )
        elif name in KEY_COLUMNS:
            key = table.c[KEY_COLUMNS[name]]
            rows = list(db.execute(select(table).where(key.like(f"%|{person_id}|%"))).mappings())
        else:
            continue
        if name == "decisions":
            rows += _responded_to(db, person_id, {r["id"] for r in rows})
        found[name] = [{k: _plain(v) for k, v in r.items()} for r in rows]
    return found


def _responded_to(db: Connection, person_id: str, known: set[int]) -> list[Any]:
    """Decisions the person acknowledged or disputed without being named on them."""
    responses = _table("decision_responses")
    ids = select(responses.c.decision_id).where(responses.c.person_id == person_id)
    decisions = _table("decisions")
    rows = db.execute(select(decisions).where(decisions.c.id.in_(ids))).mappings()
    return [r for r in rows if r["id"] not in known]


def _people(row: Any) -> set[str]:
    roles = row["roles"] or {}
    return {v for v in roles.values() if isinstance(v, str)}


def pseudonym(role: str) -> str:
    """What replaces an erased person on the records that stay: their role, and a random
    tag so that rows about the same erased person still read as one person."""
    return f"erased {role} {secrets.token_hex(3)}"


def erase(db: Connection, person_id: str, replacement: str) -> dict[str, int]:
    """Delete the person's own rows and put `replacement` in their place on the rest.

    Returns how many rows each table lost ("table: deleted") or had changed ("replaced").
    """
    done: dict[str, int] = {"outbox: deleted": _messages_mentioning(db, person_id)}
    for name, (what, columns) in PERSON_COLUMNS.items():
        table = _table(name)
        if what == "delete":
            result = db.execute(delete(table).where(_naming(table, columns, person_id)))
            done[f"{name}: deleted"] = result.rowcount
        elif what == "replace":
            done[f"{name}: replaced"] = _replace(db, table, columns, person_id, replacement)
    return {k: v for k, v in done.items() if v}


def _messages_mentioning(db: Connection, person_id: str) -> int:
    """Delete messages to others that name the person (by id or name) in their text: an
    agenda they sent, a decision they disputed. The text is sealed, so it is read here."""
    people, outbox = _table("people"), _table("outbox")
    name = db.scalar(select(people.c.name).where(people.c.id == person_id))
    marks = [m for m in (person_id, name) if m]
    doomed = [
        key
        for key, text in db.execute(select(outbox.c.key, outbox.c.text))
        if any(m in text for m in marks)
    ]
    for start in range(0, len(doomed), 500):
        db.execute(delete(outbox).where(outbox.c.key.in_(doomed[start : start + 500])))
    return len(doomed)


def _replace(
    db: Connection, table: Table, columns: tuple[str, ...], person_id: str, replacement: str
) -> int:
    """Put `replacement` wherever the person is named; returns how many rows that changed."""
    if table.name == "rota_sessions":
        return _replace_in_roles(db, table, person_id, replacement)
    key = KEY_COLUMNS.get(table.name)
    naming = _naming(table, columns, person_id)
    if key:
        naming = or_(naming, table.c[key].like(f"%|{person_id}|%"))
    rows = db.scalar(select(func.count()).select_from(table).where(naming)) or 0
    if "answers" in table.c:
        _replace_in_answers(db, table, person_id, replacement)
    if key:
        db.execute(
            update(table)
            .where(table.c[key].like(f"%|{person_id}|%"))
            .values({key: func.replace(table.c[key], f"|{person_id}|", f"|{replacement}|")})
        )
    for column in columns:
        db.execute(
            update(table).where(table.c[column] == person_id).values({column: literal(replacement)})
        )
    return rows


def _replace_in_answers(db: Connection, table: Table, person_id: str, replacement: str) -> None:
    """A decision names who should acknowledge it among its answers, too."""
    rows = db.execute(
        select(table.c.id, table.c.answers).where(
            _naming(table, PERSON_COLUMNS[table.name][1], person_id)
        )
    ).all()
    for row_id, answers in rows:
        fixed = {k: replacement if v == person_id else v for k, v in answers.items()}
        if fixed != answers:
            db.execute(update(table).where(table.c.id == row_id).values(answers=fixed))


def _replace_in_roles(db: Connection, table: Table, person_id: str, replacement: str) -> int:
    touched = 0
    for row in list(db.execute(select(table)).mappings()):
        if person_id not in _people(row):
            continue
        swap: Callable[[Any], Any] = lambda v: replacement if v == person_id else v  # noqa: E731
        roles = {k: swap(v) for k, v in (row["roles"] or {}).items()}
        db.execute(
            update(table)
            .where(table.c.team == row["team"], table.c.date == row["date"])
            .values(roles=roles)
        )
        touched += 1
    return touched


class SubjectSql:
    """Subject access and erasure on one open connection (inside the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def held_about(self, person_id: str) -> dict[str, list[dict[str, Any]]]:
        return held_about(self._db, person_id)

    def erase(self, person_id: str, replacement: str) -> dict[str, int]:
        return erase(self._db, person_id, replacement)
