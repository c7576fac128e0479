"""Actions from supervision: added, listed while open, closed (never deleted)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, insert, select, update

from storage.records import Action
from storage.tables import ActionRow


class ActionsSql:
    """Action queries on one open connection."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, action: Action, now: datetime) -> int:
        values = {
            "supervisee_id": action.supervisee_id,
            "case_ref": action.case_ref,
            "owner": action.owner,
            "what": action.what,
            "why": action.why,
            "due": action.due,
            "created_at": now,
        }
        return int(
            self._db.execute(
                insert(ActionRow).values(**values).returning(ActionRow.id)
            ).scalar_one()
        )

    def open_for(self, supervisee_id: str | None = None, owner: str | None = None) -> list[Action]:
        """Open actions of a supervisee's supervision, or owned by someone; earliest due first."""
        query = (
            select(
                ActionRow.id,
                ActionRow.supervisee_id,
                ActionRow.case_ref,
                ActionRow.owner,
                ActionRow.what,
                ActionRow.why,
                ActionRow.due,
            )
            .where(ActionRow.closed_at.is_(None))
            .order_by(ActionRow.due.is_(None), ActionRow.due, ActionRow.id)
        )
        if supervisee_id is not None:
            query = query.where(ActionRow.supervisee_id == supervisee_id)
        if owner is not None:
            query = query.where(ActionRow.owner == owner)
        return [Action(*row) for row in self._db.execute(query).all()]

    def close(self, action_id: int, person_id: str, now: datetime) -> Action | None:
        """Close an open action; None if there is no such open action."""
        row = self._db.execute(
            update(ActionRow)
            .where(ActionRow.id == action_id, ActionRow.closed_at.is_(None))
            .values(closed_by=person_id, closed_at=now)
            .returning(
                ActionRow.id,
                ActionRow.supervisee_id,
                ActionRow.case_ref,
                ActionRow.owner,
                ActionRow.what,
                ActionRow.why,
                ActionRow.due,
            )
        ).one_or_none()
        return Action(*row, closed_by=person_id) if row else None


def parse_due(text: str) -> date | None:
    """An optional ISO date."""
    return date.fromisoformat(text) if text else None
