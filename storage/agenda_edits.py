"""Supervisees' agenda arrangements and the agenda they last sent."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from storage.records import AgendaEdits
from storage.tables import AgendaEditRow


class AgendaEditsSql:
    """Agenda edit queries on one open connection."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def get(self, person_id: str) -> AgendaEdits | None:
        row = self._db.execute(
            select(AgendaEditRow.__table__).where(AgendaEditRow.person_id == person_id)
        ).one_or_none()
        return _edits(row) if row else None

    def save(self, edits: AgendaEdits) -> None:
        self._db.execute(delete(AgendaEditRow).where(AgendaEditRow.person_id == edits.person_id))
        self._db.execute(
            insert(AgendaEditRow).values(
                person_id=edits.person_id,
                order=list(edits.order),
                own_items=list(edits.own_items),
                sent_text=edits.sent_text,
                sent_at=edits.sent_at,
            )
        )

    def sent(self) -> dict[str, str]:
        """Everyone's last sent agenda text, by person (for the reminder sweep)."""
        rows = self._db.execute(
            select(AgendaEditRow.person_id, AgendaEditRow.sent_text).where(
                AgendaEditRow.sent_text.is_not(None)
            )
        ).all()
        return {person: text for person, text in rows if text is not None}


def _edits(row: Any) -> AgendaEdits:
    sent_at = (
        row.sent_at
        if row.sent_at is None or row.sent_at.tzinfo
        else row.sent_at.replace(tzinfo=UTC)
    )
    return AgendaEdits(
        row.person_id, tuple(row.order), tuple(row.own_items), row.sent_text, sent_at
    )
