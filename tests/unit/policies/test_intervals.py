"""How intervals are read and added (the policy packs issue's reading rules)."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from policies import intervals
from policies.intervals import Interval, Unit, add_working_days, is_working_day


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("weekly", 1, Unit.WEEKS),
        ("fortnightly", 2, Unit.WEEKS),
        ("every 4 weeks", 4, Unit.WEEKS),
        ("monthly", 1, Unit.MONTHS),
        ("every other month", 2, Unit.MONTHS),
        ("every 3 months", 3, Unit.MONTHS),
        ("calendar month", 1, Unit.CALENDAR_MONTHS),
        ("5 working days", 5, Unit.WORKING_DAYS),
        ("next working day", 1, Unit.WORKING_DAYS),
        ("Once a year", 12, Unit.MONTHS),
    ],
)
def test_seed_phrases_are_read(text: str, count: int, unit: Unit) -> None:
    assert Interval.parse(text) == Interval(count, unit)


@pytest.mark.parametrize("text", ["", "sometimes", "0 weeks", "-1 weeks", "4 fortnights"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not an interval"):
        Interval.parse(text)


@pytest.mark.parametrize(
    ("interval", "start", "due"),
    [
        ("fortnightly", date(2026, 1, 1), date(2026, 1, 15)),
        ("4 weeks", date(2026, 12, 20), date(2027, 1, 17)),
        ("monthly", date(2026, 1, 31), date(2026, 2, 28)),  # clamped to the month's last day
        ("monthly", date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        ("every other month", date(2026, 12, 31), date(2027, 2, 28)),
        ("3 months", date(2026, 11, 30), date(2027, 2, 28)),
        ("calendar month", date(2026, 1, 1), date(2026, 2, 28)),  # by the end of next month
        ("calendar month", date(2026, 1, 31), date(2026, 2, 28)),
        ("calendar month", date(2026, 12, 15), date(2027, 1, 31)),
    ],
)
def test_adding_intervals(interval: str, start: date, due: date) -> None:
    assert Interval.parse(interval).after(start) == due


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day, observed on Monday
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)  # Good Friday, Easter Monday
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Friday + 5 = Friday
    assert Interval.parse("next working day").after(date(2026, 8, 28)) == date(2026, 9, 1)


def test_bank_holidays_are_found_by_threads_looking_at_once() -> None:
    """The holidays object fills a year in on first lookup; threads asking meanwhile (the
    sweep computing on one, the server answering on another) must not find none."""
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to meet the race
    try:
        for year in range(2030, 2050):
            intervals._bank_holidays.cache_clear()  # a fresh object: no year filled in
            with ThreadPoolExecutor(8) as pool:
                names = list(pool.map(intervals.bank_holiday, [date(year, 12, 25)] * 8))
            assert names == ["Christmas Day"] * 8, year
    finally:
        sys.setswitchinterval(switching)
        intervals._bank_holidays.cache_clear()


def test_the_united_kingdom_alone_gives_the_librarys_own_bank_holidays() -> None:
    """The calendar is loaded without the library's other countries (a memory saving), in a
    fresh interpreter so that nothing has loaded them before; every England and Wales bank
    holiday of thirty years is then the one the library itself names, and no other day is."""
    script = """
import json, sys
from datetime import date, timedelta
from policies import intervals
days = [date(2015, 1, 1) + timedelta(days=n) for n in range(31 * 366)]
ours = {d.isoformat(): intervals.bank_holiday(d) for d in days}
alone = "holidays.countries" not in sys.modules
import holidays
library = holidays.country_holidays("GB", subdiv="ENG")
print(json.dumps([alone, ours == {d.isoformat(): library.get(d) for d in days}, len(library)]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    alone, same, holidays_found = json.loads(done.stdout)
    assert alone and same and holidays_found > 200


def test_a_library_laid_out_otherwise_falls_back_to_its_own_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert intervals._united_kingdom_alone("holidays.countries.nowhere") is None
    monkeypatch.setattr(intervals, "_UK_MODULE", "holidays.countries.nowhere")
    intervals._bank_holidays.cache_clear()
    try:
        assert intervals._bank_holidays().get(date(2026, 12, 28)) == "Boxing Day (observed)"
    finally:
        intervals._bank_holidays.cache_clear()


@pytest.mark.parametrize(
    "source",
    ["from holidays.countries.nowhere_at_all import X\n", "class Renamed:\n    pass\n"],
)
def test_a_module_that_will_not_load_on_its_own_or_has_no_such_class_is_not_used(
    tmp_path: Path, source: str
) -> None:
    """A later release whose module needs the rest of its package, or renames the class."""
    module = tmp_path / "elsewhere.py"
    module.write_text(source)
    assert intervals._class_alone("holidays.countries.elsewhere", module, "UnitedKingdom") is None
