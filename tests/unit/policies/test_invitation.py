"""The next session as an iCalendar invitation (issue 19 item 15; issue 15 item 8)."""

from datetime import UTC, datetime

from icalendar import Calendar

from policies.invitation import Attendee, invitation

SAM = Attendee("Sam Worker", "sam.worker@council.example")
TOM = Attendee("Tom Manager")


def invite(start: datetime = datetime(2026, 12, 2, 10, 0), minutes: int = 90) -> bytes:
    return invitation(
        supervisee=SAM,
        supervisor=TOM,
        start=start,
        minutes=minutes,
        stamp=datetime(2026, 11, 23, tzinfo=UTC),
        key="sw1",
    )


def test_an_invitation_in_london_time_with_its_timezone_and_a_stable_uid() -> None:
    calendar = Calendar.from_ical(invite())
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    [event] = calendar.walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-02T10:00:00+00:00",
        "2026-12-02T11:30:00+00:00",
    )
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert str(event["uid"]) == str(Calendar.from_ical(invite()).walk("VEVENT")[0]["uid"])
    assert "sw1" not in invite().decode()


def test_organizer_and_attendees_by_name_and_e_mail_where_known() -> None:
    [event] = Calendar.from_ical(invite()).walk("VEVENT")
    assert event["organizer"].params["CN"] == "Tom Manager"
    attendees = {str(a.params["CN"]): str(a) for a in event["attendee"]}
    assert attendees == {
        "Sam Worker": "mailto:sam.worker@council.example",
        "Tom Manager": "invalid:nomail",
    }


def test_only_date_time_people_and_a_short_title() -> None:
    [event] = Calendar.from_ical(invite()).walk("VEVENT")
    assert str(event["summary"]) == "Supervision"
    assert "description" not in event and "location" not in event


def test_summer_time_is_kept() -> None:
    [event] = Calendar.from_ical(invite(datetime(2027, 6, 1, 9, 30), 120)).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2027-06-01T09:30:00+01:00"
