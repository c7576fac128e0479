"""People by name wherever a person reads about them (ids stay for machines: keys, JSON, the
id column of a CSV), and counts in words."""

from __future__ import annotations

from dataclasses import replace

from storage.records import Action, Decision
from storage.store import Transaction

ACKNOWLEDGE_BY = "acknowledge_by"  # the decision dialog's answer naming who acknowledges


def counted(count: int, one: str, many: str | None = None) -> str:
    """ "1 row", "2 rows", "1,000 people": a count with its noun, for people to read."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def name_of(tx: Transaction, person_id: str) -> str:
    """The person's name from the directory; the id itself for someone not (or no longer) in it."""
    person = tx.person(person_id)
    return person.name if person is not None else person_id


def named_actions(tx: Transaction, actions: list[Action]) -> list[Action]:
    """Actions as a record shows them: each owner by name."""
    return [replace(a, owner=name_of(tx, a.owner)) for a in actions]


def named_decision(tx: Transaction, decision: Decision) -> Decision:
    """A decision as a case note shows it: recorder, who acknowledges and who responded, by
    name."""
    answers = dict(decision.answers)
    if isinstance(answers.get(ACKNOWLEDGE_BY), str):  # the dialog asks for a person id
        answers[ACKNOWLEDGE_BY] = name_of(tx, str(answers[ACKNOWLEDGE_BY]))
    return replace(
        decision,
        answers=answers,
        recorded_by=name_of(tx, decision.recorded_by),
        acknowledge_by=(
            name_of(tx, decision.acknowledge_by) if decision.acknowledge_by is not None else None
        ),
        responses=tuple(replace(r, person_id=name_of(tx, r.person_id)) for r in decision.responses),
    )
