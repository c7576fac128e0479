"""Person events a pack follows: a change of supervisor (Somerset 7.2: a new supervision
agreement within one month; Bexley, Manchester: the records pass to the new supervisor),
recorded when a people import gives someone another supervisor; and the leave periods that
make a supervisor absent (Central Bedfordshire, Southwark: cover for their supervisees); and
a session cancelled through sickness (Central Bedfordshire: rebooked from the return to work)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.directory import BATCH, _chunks
from storage.records import Person, SupervisorChange
from storage.tables import LeaveRow, PersonEventRow, PersonRow, SicknessRow

SUPERVISOR_CHANGED = "supervisor_changed"
_CHUNK = 1_000


class PersonEventsSql:
    """Person event queries on one open connection: appended, never updated."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def note_supervisors(
        self, people: Sequence[Person], since: Mapping[str, date], today: date, source: str
    ) -> None:
        """Before `people` are upserted: record a change of supervisor for each already
        known person given another (non-empty) supervisor, on `since[id]` or else `today`.
        A repeat (a re-import of the same file) changes nothing."""
        wanted = {p.id: p.supervisor_id for p in people if p.supervisor_id}
        ids = sorted(wanted)
        rows = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = select(PersonRow.id, PersonRow.supervisor_id).where(PersonRow.id.in_(chunk))
            for person_id, before in self._db.execute(query).all():
                if before != wanted[person_id]:
                    rows.append(
                        {
                            "person_id": person_id,
                            "event": SUPERVISOR_CHANGED,
                            "event_on": since.get(person_id, today),
                            "previous_id": before,
                            "supervisor_id": wanted[person_id],
                            "source": source,
                        }
                    )
        if rows:
            dialect = postgresql if self._db.dialect.name == "postgresql" else sqlite
            self._db.execute(dialect.insert(PersonEventRow).on_conflict_do_nothing(), rows)

    def supervisor_changes(self, person_ids: Sequence[str] | None = None) -> list[SupervisorChange]:
        """Every recorded change of supervisor, oldest first, for these people or everyone."""
        query = (
            select(
                PersonEventRow.person_id,
                PersonEventRow.event_on,
                PersonEventRow.previous_id,
                PersonEventRow.supervisor_id,
            )
            .where(PersonEventRow.event == SUPERVISOR_CHANGED)
            .order_by(PersonEventRow.event_on, PersonEventRow.id)
        )
        if person_ids is None:
            return [SupervisorChange(*row) for row in self._db.execute(query).all()]
        found: list[SupervisorChange] = []
        for chunk in _chunks(list(person_ids), BATCH):  # a council is more ids than one query takes
            rows = self._db.execute(query.where(PersonEventRow.person_id.in_(chunk)))
            found += [SupervisorChange(*row) for row in rows]
        return sorted(found, key=lambda c: c.on)  # oldest first across the chunks (stable)

    def absences(self, start: date, end: date) -> list[tuple[str, date, date]]:
        """Leave periods (person, first day, last day) overlapping `start`..`end`."""
        query = (
            select(LeaveRow.person_id, LeaveRow.starts_on, LeaveRow.ends_on)
            .where(LeaveRow.starts_on <= end, LeaveRow.ends_on >= start)
            .order_by(LeaveRow.starts_on, LeaveRow.person_id)
        )
        return [(p, s, e) for p, s, e in self._db.execute(query).all()]

    def note_sickness(self, keys: Sequence[str], sick: Mapping[str, date | None]) -> None:
        """The sessions a file lists (`keys`): those in `sick` were cancelled through
        sickness (with the return to work, if known); the others were not (a re-import that
        drops the reason drops it here too)."""
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            self._db.execute(delete(SicknessRow).where(SicknessRow.session_key.in_(chunk)))
        rows = [{"session_key": k, "returned_on": on} for k, on in sick.items()]
        if rows:
            self._db.execute(insert(SicknessRow), rows)

    def sickness(self, keys: Sequence[str]) -> dict[str, date | None]:
        """Which of these sessions were cancelled through sickness, with the return to work."""
        found: dict[str, date | None] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            query = select(SicknessRow.session_key, SicknessRow.returned_on).where(
                SicknessRow.session_key.in_(chunk)
            )
            found.update({key: on for key, on in self._db.execute(query).all()})
        return found
