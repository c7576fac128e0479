"""The next session as an iCalendar invitation."""

from datetime import UTC, datetime

from icalendar import Calendar

from policies.invitation import invitation


def test_an_invitation_in_london_time_with_a_stable_uid_and_literal_text() -> None:
    text = "1. Check-in\n{{ 7*7 }} <script>alert(1)</script>; commas, and semicolons"
    ics = invitation(
        supervisee="sw1",
        supervisor="tm1",
        start=datetime(2026, 12, 2, 10, 0),
        minutes=90,
        description=text,
        stamp=datetime(2026, 11, 23, tzinfo=UTC),
    )
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-02T10:00:00+00:00",
        "2026-12-02T11:30:00+00:00",
    )
    assert str(start.tzinfo) == "Europe/London"
    assert str(event["uid"]) == "sva-sw1-20261202T1000@supervision-assistant"
    assert str(event["summary"]) == "Supervision: sw1 with tm1"
    assert str(event["description"]) == text


def test_summer_time_is_kept() -> None:
    ics = invitation(
        supervisee="sw1",
        supervisor="tm1",
        start=datetime(2027, 6, 1, 9, 30),
        minutes=120,
        description="",
        stamp=datetime(2026, 11, 23, tzinfo=UTC),
    )
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2027-06-01T09:30:00+01:00"
