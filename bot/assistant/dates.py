"""Dates and times as people type them: "2026-12-02", "2 Dec", "2 December 2026", "today",
"tomorrow", with a time "10am", "2.30pm", "14:00" or "10:00"; always echoed back as read."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
DAY_MONTH = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)? (?P<month>[a-z]+)\.?(?: (?P<year>\d{4}))?"
)
CLOCK = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))? ?(?P<half>am|pm)?")


class DateError(ValueError):
    """Not a date (or time) this reader understands; the message gives the forms it takes."""


def read_day(text: str, today: date) -> date:
    """A date: ISO, "2 Dec 2026", "2 Dec" (the 2 Dec nearest today), today, tomorrow."""
    words = " ".join(text.strip().casefold().replace(",", " ").split())
    if words == "today":
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(words)
    except ValueError:
        pass
    found = DAY_MONTH.fullmatch(words)
    if found is None or found["month"] not in MONTHS:
        raise DateError(
            f"'{text.strip()[:40]}' is not a date I can read: write e.g. 2026-12-02 or 2 Dec."
        )
    month, day = MONTHS[found["month"]], int(found["day"])
    try:
        if found["year"]:
            return date(int(found["year"]), month, day)
        years = (today.year - 1, today.year, today.year + 1)
        candidates = [date(y, month, day) for y in years if month != 2 or day < 29 or y % 4 == 0]
        return min(candidates, key=lambda d: abs((d - today).days))
    except ValueError as exc:
        raise DateError(f"'{text.strip()[:40]}' is not a day of the calendar.") from exc


def read_clock(text: str) -> time:
    """A time of day: "10am", "2.30pm", "14:00", "10:00"."""
    found = CLOCK.fullmatch(text.strip().casefold())
    if found is None:
        raise DateError(
            f"'{text.strip()[:40]}' is not a time I can read: write e.g. 10am or 14:00."
        )
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if found["half"]:
        if not 1 <= hour <= 12:
            raise DateError(f"'{text.strip()}' is not a time of day.")
        hour = hour % 12 + (12 if found["half"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DateError(f"'{text.strip()}' is not a time of day.")
    return time(hour, minute)


def read_moment(text: str, today: date) -> datetime:
    """A date and a time: "2026-12-02T10:00", "2026-12-02 10:00", "2 Dec 10am", "tomorrow 2pm"."""
    cleaned = " ".join(text.strip().replace("T", " ", 1).split())
    if " at " in cleaned:
        cleaned = cleaned.replace(" at ", " ")
    head, _, last = cleaned.rpartition(" ")
    if not head:
        raise DateError(
            f"'{text.strip()[:40]}' needs a date and a time: write e.g. 2026-12-02 10:00 or 2 Dec 10am."
        )
    return datetime.combine(read_day(head, today), read_clock(last))


def spoken(moment: datetime | date) -> str:
    """How a date (and time) is echoed back: "Wed 2 Dec 2026, 10:00"."""
    day = moment.date() if isinstance(moment, datetime) else moment
    text = f"{day:%a} {day.day} {day:%b %Y}"
    return f"{text}, {moment:%H:%M}" if isinstance(moment, datetime) else text
