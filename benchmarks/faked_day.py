"""Run a benchmark, and every process it starts, on another day: the same time of day,
`days` later (or earlier), through libfaketime (Debian's `faketime` package).

`sva serve` sweeps reminders only on working days, so a benchmark of what its daily sweep
leaves in memory needs a working day. The whole benchmark moves, not only the server: the
Slack requests it signs carry its clock, which the server checks against its own. The
monotonic clock moves by the same amount, which leaves every interval as it was: leaving it
alone (FAKETIME_DONT_FAKE_MONOTONIC) makes Python's `time.sleep` fail with EINVAL.
"""

from __future__ import annotations

import glob
import os
import sys
from datetime import date

MOVED = "SVA_BENCH_MOVED_TO"  # set in the moved process: the day it now believes it is
LIBRARY = "/usr/lib/*/faketime/libfaketimeMT.so.1"


def library() -> str:
    """libfaketime's thread-safe build, or a clear error naming the package to install."""
    found = sorted(glob.glob(LIBRARY))
    if not found:
        raise SystemExit("moving the clock needs libfaketime: apt-get install faketime")
    return found[0]


def environment(days: int, day: date) -> dict[str, str]:
    """The environment of a process whose wall clock runs `days` ahead of this one's."""
    preload = " ".join(p for p in (library(), os.environ.get("LD_PRELOAD", "")) if p)
    return dict(
        os.environ,
        LD_PRELOAD=preload,
        FAKETIME=f"{days:+d}d",
        **{MOVED: day.isoformat()},
    )


def move_to(day: date) -> None:
    """Start this program again with its clock on `day`, unless it already is there.

    Returns only in the process that is on `day`; the original is replaced (exec)."""
    if date.today() == day:
        return
    if os.environ.get(MOVED) == day.isoformat():
        raise SystemExit(f"libfaketime did not move the clock to {day} (today is {date.today()})")
    days = (day - date.today()).days
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environment(days, day))
