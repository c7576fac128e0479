"""The next supervision session as an iCalendar invitation (RFC 5545) both parties can import."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

LONDON = ZoneInfo("Europe/London")


def invitation(
    *,
    supervisee: str,
    supervisor: str,
    start: datetime,
    minutes: int,
    description: str,
    stamp: datetime,
) -> bytes:
    """One event in Europe/London time. The UID is fixed per supervisee and start time, so
    importing a re-sent invitation updates the event instead of adding another."""
    local = start if start.tzinfo else start.replace(tzinfo=LONDON)
    event = Event()
    event.add("uid", f"sva-{supervisee}-{local:%Y%m%dT%H%M}@supervision-assistant")
    event.add("dtstamp", stamp)
    event.add("dtstart", local)
    event.add("dtend", local + timedelta(minutes=minutes))
    event.add("summary", f"Supervision: {supervisee} with {supervisor}")
    event.add("description", description)
    calendar = Calendar()
    calendar.add("prodid", "-//Supervision Assistant//sva//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
