"""Adding deadlines in place (`Accumulator.deadline`, what a council-wide report uses) gives
the figures of judging each one as a tally (`deadline`) and adding them up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.operations.reports.load import ReportError, begun, month, so_far
from bot.operations.reports.measures import Accumulator, Tally, deadline
from bot.operations.reports.model import Period
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
        expected = expected.plus(deadline(due, done, END))
        accumulator.deadline(due, done, END)
    assert accumulator.tally() == expected


def test_a_month_still_running_is_measured_so_far_and_one_to_come_is_refused() -> None:
    november = month("2026-11")
    assert so_far(november, date(2026, 11, 27)) == Period(date(2026, 11, 1), date(2026, 11, 27))
    assert so_far(november, date(2026, 12, 2)) == november
    assert begun(november, date(2026, 11, 1)) == november
    with pytest.raises(ReportError, match="has not begun yet"):
        begun(month("2026-12"), date(2026, 11, 27))
