"""`sva leave`: a manager's leave typed in twice, a day recorded by mistake taken out, and
the result listed; someone not in the directory is refused."""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli.test_cli_contracts import sva
from tests.integration.cli.test_cli_dayone import imported


def test_leave_is_extended_listed_and_corrected(tmp_path: Path, database_url: str) -> None:
    imported(tmp_path, database_url)

    def leave(*args: str) -> list[str]:
        result = sva("leave", *args, cwd=tmp_path, database_url=database_url)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    assert leave("list", "tm1") == ["tm1 has no leave recorded"]
    assert leave("add", "tm1", "--from", "2026-12-21", "--to", "2026-12-24") == [
        "tm1 is on leave from 2026-12-21 to 2026-12-24"
    ]
    assert leave("add", "tm1", "--from", "2026-12-23", "--to", "2027-01-04") == [
        "tm1 is on leave from 2026-12-21 to 2027-01-04 (joined with leave already recorded)"
    ]
    assert leave("remove", "tm1", "--from", "2026-12-29", "--to", "2026-12-30") == [
        "tm1: leave from 2026-12-29 to 2026-12-30 taken out",
        "tm1 on leave from 2026-12-21 to 2026-12-28",
        "tm1 on leave from 2026-12-31 to 2027-01-04",
    ]
    assert leave("list", "tm1") == [
        "tm1 on leave from 2026-12-21 to 2026-12-28",
        "tm1 on leave from 2026-12-31 to 2027-01-04",
    ]
    assert leave("remove", "tm1", "--from", "2027-12-29", "--to", "2027-12-30")[0] == (
        "tm1 had no leave from 2027-12-29 to 2027-12-30: nothing changed"
    )  # a mistyped year is said, not passed over
    assert leave("list", "sw1") == ["sw1 has no leave recorded"]


def test_leave_of_someone_unknown_or_backwards_is_refused(
    tmp_path: Path, database_url: str
) -> None:
    imported(tmp_path, database_url)
    for command in (
        ("list", "zz9"),
        ("remove", "zz9", "--from", "2026-12-01", "--to", "2026-12-02"),
    ):
        result = sva("leave", *command, cwd=tmp_path, database_url=database_url)
        assert result.returncode == 1 and "no person with id 'zz9'" in result.stderr
    backwards = sva(
        "leave", "remove", "tm1", "--from", "2026-12-02", "--to", "2026-12-01",
        cwd=tmp_path, database_url=database_url,
    )  # fmt: skip
    assert backwards.returncode == 2 and "--to is before --from" in backwards.stderr
