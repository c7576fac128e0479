"""Management decisions: append-only rows and the responses to them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select

from dialogs.definition import Outcome
from storage.records import Decision, DecisionResponse
from storage.tables import DecisionResponseRow, DecisionRow


class DecisionsSql:
    """Decision queries on one open connection. There is no update and no delete."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, outcome: Outcome) -> int:
        corrects = outcome.context.get("corrects")
        values = {
            "case_ref": outcome.context["case_ref"],
            "recorded_by": outcome.person_id,
            "acknowledge_by": outcome.answers.get("acknowledge_by"),
            "answers": recorded_answers(outcome),
            "corrects_id": int(corrects) if corrects else None,
            "created_at": outcome.completed_at,
        }
        new_id = self._db.execute(
            insert(DecisionRow).values(**values).returning(DecisionRow.id)
        ).scalar_one()
        return int(new_id)

    def respond(
        self, decision_id: int, person_id: str, kind: str, text: str | None, now: datetime
    ) -> int:
        new_id = self._db.execute(
            insert(DecisionResponseRow)
            .values(
                decision_id=decision_id, person_id=person_id, kind=kind, text=text, created_at=now
            )
            .returning(DecisionResponseRow.id)
        ).scalar_one()
        return int(new_id)

    def get(self, decision_id: int) -> Decision | None:
        found = self.find(ids=[decision_id])
        return found[0] if found else None

    def find(
        self,
        *,
        ids: list[int] | None = None,
        case_ref: str | None = None,
        person_id: str | None = None,
        since: datetime | None = None,
    ) -> list[Decision]:
        """Decisions matching every filter given, oldest first, with their responses."""
        query = select(DecisionRow.__table__).order_by(DecisionRow.id)
        if ids is not None:
            query = query.where(DecisionRow.id.in_(ids))
        if case_ref is not None:
            query = query.where(DecisionRow.case_ref == case_ref)
        if person_id is not None:
            query = query.where(
                or_(DecisionRow.recorded_by == person_id, DecisionRow.acknowledge_by == person_id)
            )
        if since is not None:
            query = query.where(DecisionRow.created_at >= since)
        rows = self._db.execute(query).all()
        responses = self._responses([r.id for r in rows])
        return [_decision(r, responses.get(r.id, ())) for r in rows]

    def _responses(self, ids: list[int]) -> dict[int, tuple[DecisionResponse, ...]]:
        if not ids:
            return {}
        query = (
            select(DecisionResponseRow.__table__)
            .where(DecisionResponseRow.decision_id.in_(ids))
            .order_by(DecisionResponseRow.id)
        )
        grouped: dict[int, list[DecisionResponse]] = {}
        for r in self._db.execute(query).all():
            grouped.setdefault(r.decision_id, []).append(
                DecisionResponse(r.person_id, r.kind, r.text, _aware(r.created_at))
            )
        return {k: tuple(v) for k, v in grouped.items()}


def _decision(r: Any, responses: tuple[DecisionResponse, ...]) -> Decision:
    return Decision(
        r.id,
        r.case_ref,
        r.recorded_by,
        r.acknowledge_by,
        r.answers,
        r.corrects_id,
        _aware(r.created_at),
        responses,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def recorded_answers(outcome: Outcome) -> dict[str, Any]:
    """A decision's answers as stored: advice and guidance says so (`recorded_as`)."""
    advice = {"recorded_as": "advice"} if outcome.context.get("advice") else {}
    return dict(outcome.answers) | advice
