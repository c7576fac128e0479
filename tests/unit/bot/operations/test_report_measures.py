"""Adding deadlines in place (`Accumulator.deadline`, what a council-wide report uses) gives
the figures of judging each one as a tally (`deadline`) and adding them up."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.operations.reports.measures import Accumulator, Tally, deadline
from policies.due import Due

END = date(2026, 11, 30)
days = st.integers(min_value=-40, max_value=40).map(lambda n: END + timedelta(days=n))
judged = st.tuples(days, st.none() | days, st.sampled_from(["a.record", "b.record"]))


@given(st.lists(judged, max_size=30))
def test_deadlines_added_in_place_equal_tallies_added(
    items: list[tuple[date, date | None, str]],
) -> None:
    expected, accumulator = Tally(), Accumulator()
    for due_on, done, rule in items:
        due = Due(due_on, rule, f"cite of {rule}")
        expected = expected + deadline(due, done, END)
        accumulator.deadline(due, done, END)
    assert accumulator.tally() == expected
