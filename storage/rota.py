"""The stored group supervision rota."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, delete, insert, select, update

from storage.records import RotaEntry
from storage.tables import RotaSessionRow


class RotaSql:
    """Rota queries on one open connection."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def save(self, entries: Sequence[RotaEntry]) -> None:
        """Store a plan, replacing whatever was planned for the same team and dates."""
        for entry in entries:
            self._db.execute(
                delete(RotaSessionRow).where(
                    RotaSessionRow.team == entry.team, RotaSessionRow.date == entry.date
                )
            )
            self._db.execute(
                insert(RotaSessionRow).values(
                    team=entry.team,
                    date=entry.date,
                    roles=dict(entry.roles),
                    case_ref=entry.case_ref,
                )
            )

    def sessions(
        self, *, team: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[RotaEntry]:
        """Stored sessions, by team and date, within the bounds given (inclusive)."""
        query = select(RotaSessionRow.__table__).order_by(RotaSessionRow.team, RotaSessionRow.date)
        if team is not None:
            query = query.where(RotaSessionRow.team == team)
        if start is not None:
            query = query.where(RotaSessionRow.date >= start)
        if end is not None:
            query = query.where(RotaSessionRow.date <= end)
        return [
            RotaEntry(r.team, r.date, r.roles, r.case_ref) for r in self._db.execute(query).all()
        ]

    def set_roles(
        self, team: str, day: date, roles: dict[str, str | None], case_ref: str | None
    ) -> None:
        """Store who holds each role on `day`, and the case presented."""
        self._db.execute(
            update(RotaSessionRow)
            .where(RotaSessionRow.team == team, RotaSessionRow.date == day)
            .values(roles=roles, case_ref=case_ref)
        )

    def set_case(self, team: str, day: date, case_ref: str) -> int:
        """Choose the case to present; returns how many sessions were changed (0 or 1)."""
        result = self._db.execute(
            update(RotaSessionRow)
            .where(RotaSessionRow.team == team, RotaSessionRow.date == day)
            .values(case_ref=case_ref)
        )
        return int(result.rowcount)
