"""Issue 19 item 14: a due date on a weekend or bank holiday is the working day before it,
the same in every place that shows it (they all read `Due`)."""

from datetime import date

from policies.due import Due, individual_due
from policies.packs import load_packs


def test_a_weekend_or_bank_holiday_due_date_is_the_working_day_before() -> None:
    assert Due(date(2026, 11, 29), "r", "c").due == date(2026, 11, 27)  # Sunday -> Friday
    assert Due(date(2026, 12, 28), "r", "c").due == date(2026, 12, 24)  # bank holidays 25-28
    assert Due(date(2026, 11, 26), "r", "c").due == date(2026, 11, 26)  # a Thursday stays


def test_the_rule_that_gives_a_sunday_gives_the_friday() -> None:
    # Bexley, every 4 weeks: last held Sun 1 Nov 2026 + 28 days = Sun 29 Nov -> Fri 27 Nov.
    due = individual_due(
        load_packs()["bexley"], "social_worker", date(2020, 1, 1), date(2026, 11, 1)
    )
    assert due.due == date(2026, 11, 27)
    assert not due.overdue_on(date(2026, 11, 27)) and due.overdue_on(date(2026, 11, 28))
