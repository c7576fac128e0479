"""Arranging and sending one's agenda draft, in chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.assistant.commands import Command
from dialogs.answers import InvalidAnswer, clean_text
from dialogs.messages import Outbound
from policies import agenda_arrangement as arrangement
from policies.packs import PolicyPack
from storage.records import AgendaEdits
from storage.store import Transaction

MAX_ITEM = 500
MAX_OWN_ITEMS = 20  # items of one's own on the agenda at once
MAX_OWN_KEPT = 60  # own items kept with the arrangement, removed ones included (reset clears)
USAGE = "Write /agenda add TEXT, /agenda remove N, /agenda move N M, /agenda reset or /agenda send."


def edit(
    tx: Transaction,
    pack: PolicyPack,
    person_id: str,
    command: Command,
    now: datetime,
    render: Callable[[], str],
) -> list[Outbound]:
    """Apply one edit and show the agenda as it now stands; `send` also tells the supervisor."""
    edits = tx.agenda_edits(person_id) or arrangement.start(pack, person_id)
    op, args = command.context["op"], command.context["args"].split()
    try:
        if op == "send":
            return [_send(tx, edits, person_id, now, render())]
        changed = _apply(pack, edits, op, command.context["args"], args)
    except (arrangement.ArrangementError, InvalidAnswer, ValueError) as problem:
        message = (
            str(problem)
            if isinstance(problem, (arrangement.ArrangementError, InvalidAnswer))
            else USAGE
        )
        return [Outbound(message)]
    tx.save_agenda_edits(changed)
    return [Outbound(render())]


def _apply(
    pack: PolicyPack, edits: AgendaEdits, op: str, text: str, args: list[str]
) -> AgendaEdits:
    if op == "add":
        shown = sum(key.startswith("o") for key in edits.order)
        if shown >= MAX_OWN_ITEMS or len(edits.own_items) >= MAX_OWN_KEPT:
            raise InvalidAnswer(
                f"Your agenda already has the most items of your own it takes ({shown}). "
                "Remove one first (/agenda remove N), or start again with /agenda reset."
            )
        return arrangement.add(edits, clean_text(text, max_chars=MAX_ITEM))
    if op == "reset":
        return arrangement.start(pack, edits.person_id)
    numbers = [int(a) for a in args]  # ValueError: not numbers
    if op == "remove" and len(numbers) == 1:
        return arrangement.remove(edits, numbers[0])
    if op == "move" and len(numbers) == 2:
        return arrangement.move(edits, numbers[0], numbers[1])
    raise ValueError(op)


def _send(
    tx: Transaction, edits: AgendaEdits, person_id: str, now: datetime, text: str
) -> Outbound:
    person = tx.person(person_id)
    tx.save_agenda_edits(AgendaEdits(edits.person_id, edits.order, edits.own_items, text, now))
    if person is None or not person.supervisor_id:
        return Outbound("Saved as sent, but you have no supervisor on record to send it to.")
    tx.notify(
        person.supervisor_id,
        "agenda",
        person_id,
        f"{person.name} sent their agenda draft:\n\n{text}",
        now,
    )
    return Outbound(
        f"Sent to your supervisor ({person.supervisor_id}). They will have it again before the session."
    )
