"""The next supervision session as an iCalendar invitation (RFC 5545) both parties can import.

What a calendar holds is seen by whoever can see the person's calendar, so it carries the
date, the time, the two people and a short title only: never agenda text, case references
or anything a supervisee prepared (data protection; issue 15 item 8).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # icalendar is imported on first use (a server that sends none keeps ~5 MiB)
    from icalendar import vCalAddress

LONDON = ZoneInfo("Europe/London")
TITLE = "Supervision"


@dataclass(frozen=True, slots=True)
class Attendee:
    """Someone invited: their name, and their e-mail address where the directory knows it."""

    name: str
    email: str | None = None

    def address(self, role: str) -> vCalAddress:
        """The ORGANIZER or ATTENDEE value: mailto when an e-mail is known, with the name."""
        from icalendar import vCalAddress, vText

        address = vCalAddress(f"mailto:{self.email}" if self.email else "invalid:nomail")
        address.params["CN"] = vText(self.name)
        if role == "attendee":
            address.params["ROLE"] = vText("REQ-PARTICIPANT")
        return address


def invitation(
    *,
    supervisee: Attendee,
    supervisor: Attendee,
    start: datetime,
    minutes: int,
    stamp: datetime,
    key: str,
) -> bytes:
    """One event in Europe/London time with its VTIMEZONE; the supervisor organises, both
    attend. The UID is fixed per `key` (a person id) and start time, so importing a re-sent
    invitation updates the event; it is a digest, so it does not show the id."""
    from icalendar import Calendar, Event

    local = start if start.tzinfo else start.replace(tzinfo=LONDON)
    digest = hashlib.sha256(f"{key}|{local:%Y%m%dT%H%M}".encode()).hexdigest()[:24]
    event = Event()
    event.add("uid", f"sva-{digest}@supervision-assistant")
    event.add("dtstamp", stamp)
    event.add("dtstart", local)
    event.add("dtend", local + timedelta(minutes=minutes))
    event.add("summary", TITLE)
    event.add("organizer", supervisor.address("organizer"))
    for person in (supervisee, supervisor):
        event.add("attendee", person.address("attendee"), encode=False)
    calendar = Calendar()
    calendar.add("prodid", "-//Supervision Assistant//sva//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()
    return ical
