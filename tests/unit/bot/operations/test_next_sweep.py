"""When `sva serve` runs the daily sweep."""

from datetime import datetime, timedelta

from bot.operations.reminders import next_after_sweep, next_sweep

AT = datetime(2000, 1, 1, 7, 30)


def test_later_today_when_the_time_is_still_ahead() -> None:
    assert next_sweep(datetime(2026, 11, 23, 6, 0), AT) == datetime(2026, 11, 23, 7, 30)


def test_tomorrow_once_the_time_has_passed() -> None:
    assert next_sweep(datetime(2026, 11, 23, 7, 30), AT) == datetime(2026, 11, 24, 7, 30)
    assert next_sweep(datetime(2026, 12, 31, 23, 59), AT) == datetime(2027, 1, 1, 7, 30)


def test_what_follows_the_sweep_runs_today_when_the_server_starts_between_them() -> None:
    after = timedelta(minutes=2)
    assert next_after_sweep(datetime(2026, 11, 23, 7, 31), AT, after) == datetime(
        2026, 11, 23, 7, 32
    )
    assert next_after_sweep(datetime(2026, 11, 23, 7, 32), AT, after) == datetime(
        2026, 11, 24, 7, 32
    )
