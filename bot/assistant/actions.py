"""Actions from supervision, in chat: listing one's open actions and closing one."""

from __future__ import annotations

from datetime import datetime

from dialogs.messages import Outbound
from storage.records import Action
from storage.store import Transaction


def line(action: Action) -> str:
    """One action as a person reads it: number, case, who, what, why, by when."""
    case = f" ({action.case_ref})" if action.case_ref else ""
    due = f", by {action.due:%d %b %Y}" if action.due else ""
    return f"{action.id}.{case} {action.owner} to {action.what}, because {action.why}{due}"


def listing(tx: Transaction, person_id: str) -> Outbound:
    """The open actions of the person's supervision."""
    actions = tx.open_actions(person_id)
    if not actions:
        return Outbound("You have no open actions from supervision.")
    return Outbound(
        "Open actions from your supervision:\n"
        + "\n".join(line(a) for a in actions)
        + "\nType /done N when one is done."
    )


def close(tx: Transaction, person_id: str, action_id: int, now: datetime) -> Outbound:
    """Close an action: its owner, the supervisee, or the supervisee's supervisor may."""
    person = tx.person(person_id)
    mine = tx.open_actions(person_id) + tx.open_actions_owned_by(person_id)
    candidates = [a for a in mine if a.id == action_id]
    if not candidates:
        return Outbound(f"There is no open action {action_id} in your supervision.")
    closed = tx.close_action(action_id, person_id, now)
    assert closed is not None
    who = person.name if person else person_id
    return Outbound(f"Action {action_id} is closed ({who}). It no longer appears on the agenda.")
