"""Case file audit findings against a supervision record (a session, by its key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from storage.directory import SESSION_COLUMNS
from storage.records import Session
from storage.tables import AuditFindingRow, SessionRow


@dataclass(frozen=True, slots=True)
class Finding:
    id: int
    supervisee_id: str
    session_key: str
    case_ref: str | None
    finding: str
    recorded_by: str
    created_at: datetime


class FindingsSql:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def session(self, key: str) -> Session | None:
        """The session a record belongs to, by its key (as `sva report sample` lists it)."""
        row = self._db.execute(select(*SESSION_COLUMNS).where(SessionRow.key == key)).one_or_none()
        return Session(*row) if row is not None else None

    def add(self, session: Session, finding: str, recorded_by: str, now: datetime) -> int:
        assert session.supervisee_id is not None
        values = {
            "supervisee_id": session.supervisee_id,
            "session_key": session.key,
            "case_ref": session.case_ref,
            "finding": finding,
            "recorded_by": recorded_by,
            "created_at": now,
        }
        return int(
            self._db.execute(
                insert(AuditFindingRow).values(**values).returning(AuditFindingRow.id)
            ).scalar_one()
        )

    def of(self, supervisee_id: str | None = None) -> list[Finding]:
        """Findings, oldest first (of one supervisee, or everyone's)."""
        query = select(
            AuditFindingRow.id,
            AuditFindingRow.supervisee_id,
            AuditFindingRow.session_key,
            AuditFindingRow.case_ref,
            AuditFindingRow.finding,
            AuditFindingRow.recorded_by,
            AuditFindingRow.created_at,
        ).order_by(AuditFindingRow.id)
        if supervisee_id is not None:
            query = query.where(AuditFindingRow.supervisee_id == supervisee_id)
        return [Finding(*row) for row in self._db.execute(query).all()]
