"""Record sign-off: the events of a session's record, appended, and the dates reminders read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from storage.directory import SESSION_COLUMNS
from storage.records import Session
from storage.tables import SessionEventRow, SessionRow

# Built once: its compiled form is reused from the engine's cache.
SESSIONS_ON = (
    select(*SESSION_COLUMNS)
    .where(
        SessionRow.kind.in_(("individual", "case")),
        SessionRow.status == "held",
        SessionRow.supervisee_id == bindparam("who"),
        SessionRow.date == bindparam("day"),
    )
    .order_by(SessionRow.key)
)
SETS = {"written": "recorded_on", "agreed": "signed_off_on", "closed-as-agreed": "signed_off_on"}


class SignoffSql:
    """Sign-off queries on one open connection."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def sessions_on(self, supervisee_id: str, day: date) -> list[Session]:
        """The person's held individual and case sessions on a day.

        The sweep asks this once per queued record reminder: `kind IN (…)` rather than
        `kind != 'group'` lets it seek (kind, status, supervisee_id, date) instead of
        scanning every session (the import accepts no other kinds)."""
        return [
            Session(*row)
            for row in self._db.execute(SESSIONS_ON, {"who": supervisee_id, "day": day})
        ]

    def add_event(
        self, session: Session, kind: str, person_id: str, text: str | None, now: datetime
    ) -> None:
        """Append an event; written, agreed and closed-as-agreed also set the session's dates."""
        self._db.execute(
            insert(SessionEventRow).values(
                session_key=session.key, kind=kind, person_id=person_id, text=text, created_at=now
            )
        )
        if kind in SETS:
            self._db.execute(
                update(SessionRow)
                .where(SessionRow.key == session.key)
                .values({SETS[kind]: now.date()})
            )

    def events(self, session: Session) -> list[tuple[str, str, str | None]]:
        query = (
            select(SessionEventRow.kind, SessionEventRow.person_id, SessionEventRow.text)
            .where(SessionEventRow.session_key == session.key)
            .order_by(SessionEventRow.id)
        )
        return [(k, p, t) for k, p, t in self._db.execute(query).all()]
