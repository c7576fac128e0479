"""The console fault scenario's accounting: a person who got no answer looks at their agenda
before typing again, and every agenda shown is checked against what they were told."""

from __future__ import annotations

from benchmarks.faults.console import VIEW, Faults, Tally


def agenda(*items: str) -> str:
    own = "".join(f"\n\n{n}. {item}" for n, item in enumerate(items, start=7))
    return f"{VIEW} (Southwark supervision policy)\n\n1. Check-in{own}\n\n99. Any other business"


def test_an_acknowledged_item_missing_from_a_later_agenda_is_lost() -> None:
    tally, faults = Tally(0, []), Faults(set(), set())
    tally.answered("/agenda add k0x0", agenda("k0x0"), faults)
    tally.answered("/agenda add k0x1", agenda("k0x0", "k0x1"), faults)
    tally.answered("/agenda", agenda("k0x1"), faults)
    assert (tally.acknowledged, faults.lost, faults.duplicated) == (2, {"0:k0x0"}, set())


def test_a_line_whose_console_died_is_looked_up_then_typed_again_only_if_missing() -> None:
    tally, faults = Tally(0, []), Faults(set(), set())
    tally.answered("/agenda add k0x0", None, faults)  # killed: was it saved?
    assert tally.next_line() == "/agenda"
    tally.answered("/agenda", agenda(), faults)  # it was not
    assert tally.next_line() == "/agenda add k0x0"  # the same item, typed again
    tally.answered("/agenda add k0x0", None, faults)
    tally.answered("/agenda", agenda("k0x0"), faults)  # saved before the kill
    assert tally.next_line() == "/agenda add k0x1"
    assert (tally.acknowledged, tally.slowed, faults.lost) == (0, 0, set())


def test_items_twice_unknown_or_reordered_are_counted() -> None:
    tally, faults = Tally(3, ["k3x0", "k3x1"], seq=2), Faults(set(), set())
    shown = agenda("k3x1", "k3x0", "k3x2", "k3x2", "k3x9")
    tally.answered("/agenda add k3x2", shown, faults)
    assert faults.duplicated == {"3:k3x2", "3:k3x9"}
    assert faults.out_of_order == 1


def test_a_full_agenda_is_reset_and_a_reset_in_doubt_is_settled_by_looking() -> None:
    tally, faults = Tally(1, [f"k1x{n}" for n in range(20)], seq=20), Faults(set(), set())
    assert tally.next_line() == "/agenda reset"
    busy = "Sorry, I couldn't save that; please send it again."
    tally.answered("/agenda reset", busy, faults)
    assert tally.slowed == 1 and tally.next_line() == "/agenda"
    tally.answered("/agenda", agenda(), faults)  # the reset had been saved
    assert tally.items == [] and tally.next_line() == "/agenda add k1x20"
    assert faults.lost == set()
