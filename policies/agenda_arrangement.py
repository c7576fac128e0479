"""A supervisee's own arrangement of their agenda: items added, removed and reordered.

Item keys: "s3" is the pack's third standing item, "o2" the person's second own item.
Positions are the 1-based numbers the person sees.
"""

from __future__ import annotations

from dataclasses import replace

from policies.packs import AgendaItem, PolicyPack
from storage.records import AgendaEdits

OWN = "Added by the supervisee"


class ArrangementError(ValueError):
    """An edit that does not fit the agenda as it stands; the message says why."""


def start(pack: PolicyPack, person_id: str) -> AgendaEdits:
    """The pack's standing items in the pack's order, nothing added."""
    return AgendaEdits(
        person_id, tuple(f"s{n}" for n in range(1, len(pack.standing_agenda) + 1)), ()
    )


def items(pack: PolicyPack, edits: AgendaEdits | None) -> tuple[AgendaItem, ...]:
    """The agenda's items in the person's order (the pack's order if they changed nothing)."""
    if edits is None:
        return pack.standing_agenda
    arranged = []
    for key in edits.order:
        index = int(key[1:]) - 1
        if key.startswith("s") and index < len(pack.standing_agenda):
            arranged.append(pack.standing_agenda[index])
        elif key.startswith("o") and index < len(edits.own_items):
            arranged.append(AgendaItem(title=edits.own_items[index], cite=OWN))
    return tuple(arranged)


def add(edits: AgendaEdits, text: str) -> AgendaEdits:
    """Add an item of the person's own, before "Any other business" if it is last."""
    own = (*edits.own_items, text)
    key = f"o{len(own)}"
    order = list(edits.order)
    order.insert(len(order) - 1 if order and order[-1].startswith("s") else len(order), key)
    return replace(edits, order=tuple(order), own_items=own)


def remove(edits: AgendaEdits, position: int) -> AgendaEdits:
    order = list(edits.order)
    _check(position, len(order))
    del order[position - 1]
    return replace(edits, order=tuple(order))


def move(edits: AgendaEdits, position: int, to: int) -> AgendaEdits:
    order = list(edits.order)
    _check(position, len(order))
    _check(to, len(order))
    order.insert(to - 1, order.pop(position - 1))
    return replace(edits, order=tuple(order))


def _check(position: int, count: int) -> None:
    if not 1 <= position <= count:
        raise ArrangementError(f"There is no item {position}; the agenda has {count} item(s).")
