"""The audit trail: one append-only row per audited access, chained by SHA-256.

Each row stores the hash of the row before it (`prev_hash`) and its own hash over its
fields and `prev_hash`. Editing a row changes its hash; deleting one breaks the next row's
link; `verify` finds both. Rows that record a decision or a response to one also keep a
digest of that decision row, so an UPDATE on the decision log is found too.

Appending serialises writers: SQLite's BEGIN IMMEDIATE already does; on PostgreSQL a
transaction-scoped advisory lock is taken just before the tail is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text

from storage.db import create_engine
from storage.prepared import Prepared
from storage.tables import AuditRow, DecisionResponseRow, DecisionRow

GENESIS = "0" * 64
DIGESTED: dict[str, type[DecisionRow] | type[DecisionResponseRow]] = {
    "decision": DecisionRow,
    "decision-response": DecisionResponseRow,
}
AUDIT_LOCK = 0x5356_4102  # pg_advisory_xact_lock key shared by every sva process
_COLUMNS = ("at", "actor", "action", "record_kind", "record_id", "subject", "via", "allowed",
            "digest", "prev_hash", "hash")  # fmt: skip
# Built once: every change of a record appends a row, so on every turn that stores one; the
# tail and the append run as Prepared statements (storage/prepared.py).
LOCK = text("SELECT pg_advisory_xact_lock(:key)")
TAIL = Prepared(select(AuditRow.hash).order_by(AuditRow.id.desc()).limit(1))
APPEND = Prepared(
    insert(AuditRow).values({name: bindparam(name) for name in _COLUMNS}).returning(AuditRow.id)
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited access. `actor` is a person id, or `os:LOGIN` for an administrator.

    Attributes:
        at: when (UTC).
        actor: who: a person id, or "os:<login>" for an administrator.
        action: "read", "change", "export" or "admin".
        record_kind: an `access.RecordKind` value (agenda, case-record, decision, ...).
        record_id: which record: a person id, a case reference or a decision number.
        subject: whose record it is (a person id), when there is one.
        via: the channel or command (console, slack, cli:agenda ...).
        allowed: False when the access was refused.
        digest: for decision rows, the SHA-256 of the decision as stored.
    """

    at: datetime
    actor: str
    action: str
    record_kind: str
    record_id: str
    subject: str | None
    via: str
    allowed: bool
    digest: str | None = None
    id: int = 0
    prev_hash: str = ""
    hash: str = ""


def chain_hash(entry: AuditEntry, prev_hash: str) -> str:
    """The row's hash over every field it stores and the previous row's hash."""
    fields = [
        _utc(entry.at).isoformat(timespec="microseconds"),
        entry.actor,
        entry.action,
        entry.record_kind,
        entry.record_id,
        entry.subject or "",
        entry.via,
        "1" if entry.allowed else "0",
        entry.digest or "",
        prev_hash,
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def decision_digest(values: Mapping[str, Any]) -> str:
    """A digest of a decision (or response) row's content, as recorded."""
    plain = {k: (_utc(v).isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    """Something `verify` found: the audit row (or decision) and what is wrong."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def verify_chain(entries: Iterable[AuditEntry]) -> list[Problem]:
    """Every broken link and every row whose content no longer matches its hash."""
    problems: list[Problem] = []
    previous = GENESIS
    for entry in entries:
        if entry.prev_hash != previous:
            problems.append(Problem(f"audit row {entry.id}", "a row before it was deleted"))
        if chain_hash(entry, entry.prev_hash) != entry.hash:
            problems.append(Problem(f"audit row {entry.id}", "edited after it was written"))
        previous = entry.hash
    return problems


class AuditSql:
    """The audit table on one open connection (inside the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def append(self, entry: AuditEntry) -> AuditEntry:
        """Chain and store one entry; returns it with its id and hashes. A change of a
        decision or a response to one also gets the digest of that row as stored."""
        if (
            entry.action == "change"
            and entry.record_kind in DIGESTED
            and entry.digest is None
            and entry.record_id.isdecimal()
        ):
            entry = replace(entry, digest=self._digest(entry.record_kind, entry.record_id))
        if self._db.dialect.name == "postgresql":
            self._db.execute(LOCK, {"key": AUDIT_LOCK})
        prev = TAIL.scalar(self._db, {}) or GENESIS
        chained = replace(entry, prev_hash=prev, hash=chain_hash(entry, prev))
        new_id = APPEND.scalar(self._db, _values(chained))
        return replace(chained, id=int(new_id))

    def append_many(self, entries: Sequence[AuditEntry]) -> None:
        """Chain and store several entries (a dashboard page's views) in one lock, one read
        of the tail and one insert. Not for decision changes, whose digest `append` adds."""
        if not entries:
            return
        if any(e.action == "change" and e.record_kind in DIGESTED for e in entries):
            raise ValueError("append decision changes one by one: they carry a digest")
        if self._db.dialect.name == "postgresql":
            self._db.execute(LOCK, {"key": AUDIT_LOCK})
        prev = TAIL.scalar(self._db, {}) or GENESIS
        rows = []
        for entry in entries:  # inserted in this order, so ids follow the chain
            chained = replace(entry, prev_hash=prev, hash=chain_hash(entry, prev))
            rows.append(_values(chained))
            prev = chained.hash
        self._db.execute(insert(AuditRow).values(rows))

    def entries(
        self,
        *,
        actor: str | None = None,
        subject: str | None = None,
        record_kind: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Entries matching every filter given, oldest first (`limit`: the newest N)."""
        query = select(AuditRow.__table__)
        for column, value in (
            (AuditRow.actor, actor),
            (AuditRow.subject, subject),
            (AuditRow.record_kind, record_kind),
        ):
            if value is not None:
                query = query.where(column == value)
        if since is not None:
            query = query.where(AuditRow.at >= since)
        query = query.order_by(AuditRow.id.desc() if limit else AuditRow.id)
        if limit:
            query = query.limit(limit)
        rows = [_entry(r) for r in self._db.execute(query).all()]
        return sorted(rows, key=lambda e: e.id)

    def _digest(self, kind: str, record_id: str) -> str | None:
        table = DIGESTED[kind]
        row = (
            self._db.execute(select(table.__table__).where(table.id == int(record_id)))
            .mappings()
            .one_or_none()
        )
        return decision_digest(dict(row)) if row is not None else None

    def records_naming(self, person_id: str) -> list[tuple[str, int]]:
        """The decisions and responses that name a person (before an erasure replaces the
        name, so the erasure can record their new digests)."""
        decisions = select(DecisionRow.id).where(
            (DecisionRow.recorded_by == person_id) | (DecisionRow.acknowledge_by == person_id)
        )
        responses = select(DecisionResponseRow.id).where(DecisionResponseRow.person_id == person_id)
        return [("decision", i) for i in self._db.scalars(decisions)] + [
            ("decision-response", i) for i in self._db.scalars(responses)
        ]

    def count(self) -> int:
        return int(self._db.scalar(select(func.count()).select_from(AuditRow)) or 0)

    def verify(self) -> list[Problem]:
        """Check the chain, then every decision and response against the digest recorded."""
        entries = self.entries()
        problems = verify_chain(entries)
        recorded = {(e.record_kind, e.record_id): e.digest for e in entries if e.digest}
        for kind, table in DIGESTED.items():
            for row in self._db.execute(select(table.__table__)).mappings():
                key = (kind, str(row["id"]))
                digest = recorded.pop(key, None)
                if digest is None:
                    problems.append(Problem(f"{kind} {row['id']}", "not in the audit trail"))
                elif digest != decision_digest(dict(row)):
                    problems.append(Problem(f"{kind} {row['id']}", "changed after it was recorded"))
        problems += [Problem(f"{k} {i}", "deleted after it was recorded") for k, i in recorded]
        return problems


def _values(chained: AuditEntry) -> dict[str, Any]:
    return {
        "at": chained.at,
        "actor": chained.actor,
        "action": chained.action,
        "record_kind": chained.record_kind,
        "record_id": chained.record_id,
        "subject": chained.subject,
        "via": chained.via,
        "allowed": chained.allowed,
        "digest": chained.digest,
        "prev_hash": chained.prev_hash,
        "hash": chained.hash,
    }


def _entry(r: Any) -> AuditEntry:
    return AuditEntry(
        at=_utc(r.at),
        actor=r.actor,
        action=r.action,
        record_kind=r.record_kind,
        record_id=r.record_id,
        subject=r.subject,
        via=r.via,
        allowed=bool(r.allowed),
        digest=r.digest,
        id=r.id,
        prev_hash=r.prev_hash,
        hash=r.hash,
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def record_admin_action(url: str, login: str, via: str, what: str) -> None:
    """Append one administrator row on its own connection (database maintenance commands,
    which run without the assistant)."""
    engine = create_engine(url)
    entry = AuditEntry(datetime.now(UTC), f"os:{login}", "admin", "database", what, None, via, True)
    try:
        with engine.begin() as connection:
            AuditSql(connection).append(entry)
    finally:
        engine.dispose()
