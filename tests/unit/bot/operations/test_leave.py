"""Leave kept tidy: added leave joins what it overlaps or touches, removed days are cut out."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from bot.operations.leave import Leave, joined, without

NOV = date(2026, 11, 1)


def days(first: int, last: int) -> Leave:
    return Leave(NOV + timedelta(days=first - 1), NOV + timedelta(days=last - 1))


def covered(periods: list[Leave]) -> set[date]:
    found: set[date] = set()
    for p in periods:
        found |= {
            p.starts_on + timedelta(days=n) for n in range((p.ends_on - p.starts_on).days + 1)
        }
    return found


def test_leave_extended_by_a_second_entry_becomes_one_period() -> None:
    assert joined([days(1, 20), days(15, 30)]) == [days(1, 30)]
    assert joined([days(21, 30), days(1, 20)]) == [days(1, 30)]  # the next day follows on
    assert joined([days(1, 10), days(12, 20)]) == [days(1, 10), days(12, 20)]  # a day between


def test_days_taken_out_of_the_middle_split_the_leave() -> None:
    assert without([days(1, 30)], days(10, 12)) == [days(1, 9), days(13, 30)]
    assert without([days(1, 30)], days(1, 30)) == []
    assert without([days(5, 9)], days(20, 25)) == [days(5, 9)]


periods = st.builds(lambda a, n: days(a, a + n), st.integers(1, 40), st.integers(0, 10))


@given(st.lists(periods, max_size=8), periods)
def test_tidy_leave_covers_the_same_days(leave: list[Leave], change: Leave) -> None:
    tidy = joined(leave)
    assert covered(tidy) == covered(leave)
    assert all(a.ends_on + timedelta(days=1) < b.starts_on for a, b in pairwise(tidy))
    assert covered(joined([*leave, change])) == covered(leave) | covered([change])
    assert covered(without(leave, change)) == covered(leave) - covered([change])
