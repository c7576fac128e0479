"""Case events a pack wants discussed in supervision (Bexley: closure, transfer, CP or legal
planning decisions; Manchester: a case summary at transfer or closure), by case reference."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from dialogs.definition import Outcome
from storage.records import CaseEvent
from storage.tables import CaseEventRow, CaseRow, SessionRow

NO_EVENT = "none"  # the decision dialog's "none of these"


class CaseEventsSql:
    """Case event queries on one open connection: appended, never updated."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, events: Sequence[tuple[str, str, date]], source: str) -> None:
        """Record (case ref, event, day) once each; a repeat (a re-import) changes nothing."""
        if not events:
            return
        dialect = postgresql if self._db.dialect.name == "postgresql" else sqlite
        rows = [{"case_ref": r, "event": e, "event_on": d, "source": source} for r, e, d in events]
        self._db.execute(dialect.insert(CaseEventRow).on_conflict_do_nothing(), rows)

    def from_decision(self, outcome: Outcome) -> None:
        """The event a recorded management decision names, if any."""
        event = outcome.answers.get("event")
        if isinstance(event, str) and event and event != NO_EVENT:
            day = outcome.completed_at.date()
            self.add([(outcome.context["case_ref"], event, day)], "decision")

    def open(self, worker_ids: Sequence[str] | None = None) -> list[CaseEvent]:
        """Events of open cases not yet followed by a held case supervision of the case (on
        or after the event's day), for these workers or everyone."""
        discussed = exists().where(
            and_(
                SessionRow.kind == "case",
                SessionRow.status == "held",
                SessionRow.case_ref == CaseEventRow.case_ref,
                SessionRow.date >= CaseEventRow.event_on,
            )
        )
        query = (
            select(
                CaseEventRow.case_ref, CaseRow.worker_id, CaseEventRow.event, CaseEventRow.event_on
            )
            .join(CaseRow, CaseRow.ref == CaseEventRow.case_ref)
            .where(~discussed)
            .order_by(CaseEventRow.event_on, CaseEventRow.case_ref, CaseEventRow.event)
        )
        if worker_ids is not None:
            query = query.where(CaseRow.worker_id.in_(worker_ids))
        return [CaseEvent(*row) for row in self._db.execute(query).all()]
