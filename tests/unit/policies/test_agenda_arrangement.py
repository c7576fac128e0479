"""Adding, removing and reordering agenda items."""

import pytest

from policies.agenda_arrangement import ArrangementError, add, items, move, remove, start
from policies.packs import load_packs

SOUTHWARK = load_packs()["southwark"]


def titles(edits: object) -> list[str]:
    return [i.title for i in items(SOUTHWARK, edits)]  # type: ignore[arg-type]


def test_unchanged_is_the_packs_order() -> None:
    assert titles(None) == [i.title for i in SOUTHWARK.standing_agenda]
    assert titles(start(SOUTHWARK, "alice")) == titles(None)


def test_an_own_item_goes_before_any_other_business_and_can_be_moved_and_removed() -> None:
    edits = add(start(SOUTHWARK, "alice"), "My secondment request")
    assert titles(edits)[-2:] == ["My secondment request", "Any other business"]
    edits = move(edits, 7, 1)
    assert titles(edits)[0] == "My secondment request"
    edits = remove(edits, 3)  # was item 2, workload
    assert "Workload management" not in titles(edits)
    assert len(titles(edits)) == 7


def test_positions_outside_the_agenda_are_refused() -> None:
    with pytest.raises(ArrangementError, match="There is no item 9; the agenda has 7 item"):
        remove(start(SOUTHWARK, "alice"), 9)
    with pytest.raises(ArrangementError):
        move(start(SOUTHWARK, "alice"), 1, 0)
