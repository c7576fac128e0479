"""Intervals as the seeds write them, and how they are added to dates.

Readings (from the policy packs issue, kept exactly):
- "every N weeks", "weekly", "fortnightly": last date + 7·N days.
- "monthly", "every other month", "N months": the same day N calendar months later, clamped
  to the month's last day (31 January + 1 month = 28 February).
- "calendar month" ("at least once per calendar month"): by the last day of the calendar
  month after the last one.
- "N working days": Monday to Friday, excluding England and Wales bank holidays;
  "next working day" is 1 working day.
- A due date that falls on a weekend or bank holiday is the last working day before it: the
  seeds set a most ("at least every 4 weeks", "within one month"), and no seed says a
  deadline moves later when it lands on a day nobody works, so supervision is due by the
  working day before. Agendas, reminders, `sva policy due` and the dashboard all show that day.
"""

from __future__ import annotations

import calendar
import importlib.util
import re
import sys
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import cast

import holidays

WORDS = {
    "weekly": "1 week",
    "fortnightly": "2 weeks",
    "monthly": "1 month",
    "every other month": "2 months",
    "next working day": "1 working day",
    "calendar month": "1 calendar month",
    "once a year": "12 months",
    "annually": "12 months",
}
PATTERN = re.compile(r"(?:every )?(\d+) (day|week|month|working day|calendar month)s?")


class Unit(StrEnum):
    DAYS = "day"
    WEEKS = "week"
    MONTHS = "month"
    WORKING_DAYS = "working day"
    CALENDAR_MONTHS = "calendar month"


@dataclass(frozen=True, slots=True)
class Interval:
    """A count of a unit, e.g. 2 weeks or 5 working days."""

    count: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Read "fortnightly", "every 4 weeks", "3 months", "5 working days" and the like."""
        phrase = WORDS.get(text.strip().lower(), text.strip().lower())
        match = PATTERN.fullmatch(phrase)
        if not match or int(match.group(1)) < 1:
            raise ValueError(
                f"{text!r} is not an interval; write e.g. 'weekly', 'fortnightly', 'monthly', "
                "'every other month', '4 weeks', '3 months', '5 working days', 'calendar month'"
            )
        return cls(int(match.group(1)), Unit(match.group(2)))

    # Reports and sweeps ask the same (interval, date) hundreds of thousands of times; there
    # are only a handful of intervals, so the cache cannot grow without bound in practice.
    @lru_cache(maxsize=65536)  # noqa: B019
    def after(self, start: date) -> date:
        """The date this interval after `start`."""
        if self.unit is Unit.DAYS:
            return start + timedelta(days=self.count)
        if self.unit is Unit.WEEKS:
            return start + timedelta(weeks=self.count)
        if self.unit is Unit.MONTHS:
            return add_months(start, self.count)
        if self.unit is Unit.CALENDAR_MONTHS:
            return end_of_month(add_months(start.replace(day=1), self.count))
        return add_working_days(start, self.count)

    @property
    def min_days(self) -> int:
        """The fewest calendar days this interval can span (months count as 28 days)."""
        per_unit = {
            Unit.DAYS: 1,
            Unit.WEEKS: 7,
            Unit.MONTHS: 28,
            Unit.CALENDAR_MONTHS: 28,
            Unit.WORKING_DAYS: 1,
        }
        return self.count * per_unit[self.unit]

    def __str__(self) -> str:
        return f"{self.count} {self.unit.value}{'s' if self.count != 1 else ''}"


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to that month's last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# The `holidays` object fills a year in on its first lookup, and marks it done before it
# is: a lookup from another thread meanwhile (the sweep computes on one while the server
# answers on another) would find no holiday that year, for good once cached below.
_LOOKUP = threading.Lock()


@lru_cache(maxsize=1)
def _bank_holidays() -> holidays.HolidayBase:
    """England and Wales bank holidays (the `holidays` package, subdivision ENG)."""
    united_kingdom = _united_kingdom_alone(_UK_MODULE)
    if united_kingdom is None:  # the package laid out otherwise: its own, heavier way
        return holidays.country_holidays("GB", subdiv="ENG")
    return united_kingdom(subdiv="ENG")


# `holidays.country_holidays` imports the package of every country the library knows (about
# 280 modules: 7.6 MiB resident and 0.1 s in every process that asks, `sva serve` and its
# sweep included) to use one of them. Loaded on its own, the United Kingdom's module costs
# 0.4 MiB. tests/unit/policies/test_intervals.py checks the two give the same days.
_UK_MODULE = "holidays.countries.united_kingdom"


def _united_kingdom_alone(name: str) -> type[holidays.HolidayBase] | None:
    """The library's United Kingdom calendar class, its module loaded without the rest of
    the library's countries; None when this version keeps or writes it otherwise."""
    if name in sys.modules:  # already imported the library's own way
        return cast(type[holidays.HolidayBase], sys.modules[name].UnitedKingdom)
    path = Path(holidays.__file__).parent.joinpath(*name.split(".")[1:]).with_suffix(".py")
    return _class_alone(name, path, "UnitedKingdom")


def _class_alone(name: str, path: Path, attribute: str) -> type[holidays.HolidayBase] | None:
    """`attribute` of the module at `path`, loaded as `name` but not registered; None when
    there is no such file, it cannot load on its own, or it has no such class."""
    spec = importlib.util.spec_from_file_location(name, path)
    if not path.is_file() or spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        return cast(type[holidays.HolidayBase], getattr(module, attribute))
    except (ImportError, AttributeError):  # a release that needs its package loaded first
        return None


def bank_holiday(day: date) -> str | None:
    """The name of the England and Wales bank holiday on `day`, if it is one."""
    with _LOOKUP:
        name: str | None = _bank_holidays().get(day)
        return name


@lru_cache(maxsize=4096)  # the sweep asks about the same few weeks of days many times
def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and bank_holiday(day) is None


@lru_cache(maxsize=65536)  # a sweep counts from the same few hundred days many times
def working_day_on_or_before(day: date) -> date:
    """`day` if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
