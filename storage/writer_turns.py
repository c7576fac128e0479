"""Our processes take turns at a SQLite file's write lock, woken by the kernel.

SQLite waits for a write lock held by another process by sleeping between tries (1, 2, 5 …
100 ms: `busy_timeout`). A process that commits back to back takes the lock again before the
sleeper looks. With `sva serve --workers`, the server's inbox inserts waited behind a worker's
turns for up to 2 s (py-spy: most of the server's store thread was in BEGIN IMMEDIATE).

So each transaction of our store first takes an exclusive `flock` on a file beside the
database (`<database>-writer`). A process waiting for it sleeps in the kernel and is woken when
the holder lets go. The kernel does not queue waiters, so a holder committing back to back may
still take it again first, but a waiter gets in within milliseconds, not SQLite's hundreds.
SQLite's own lock stays the guard: other tools don't take ours, and the kernel drops the flock
of a process that died. The wait is bounded by SQLite's busy timeout; past it, or if the file
cannot be opened, the transaction goes ahead without its turn and SQLite's own wait decides.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path

SUFFIX = "-writer"


def _mode_of(database: Path) -> int:
    """The database file's permissions, which SQLite also gives its -wal and -shm files."""
    try:
        return database.stat().st_mode & 0o777
    except OSError:
        return 0o600


class WriterTurn:
    """One connection's way to take its turn (its own open file: flock is per open file).

    Raises OSError when the file beside the database cannot be opened."""

    def __init__(self, database: Path, wait: float) -> None:
        self._path = database.with_name(database.name + SUFFIX)
        self._mode = _mode_of(database)
        self._wait = wait
        self._fd: int | None = self._open()
        self._held = False

    def take(self) -> bool:
        """Wait (at most the busy timeout) for this connection's turn; False if it did not
        come (the transaction goes ahead anyway, on SQLite's own lock)."""
        if self._fd is None:
            return False
        if not self.try_take():
            self._held = self._wait_for_turn(self._fd)
        return self._held

    def try_take(self) -> bool:
        """Take the turn only if nobody holds it now; never waits."""
        if self._fd is None:
            return False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._held = True
        return True

    def give_back(self) -> None:
        if self._held and self._fd is not None:
            self._held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # lets the turn go too
            self._fd, self._held = None, False

    def _open(self) -> int:
        return os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, self._mode)

    def _wait_for_turn(self, fd: int) -> bool:
        """A blocking flock has no timeout, so a helper thread waits in it while this thread
        waits for the helper, up to the busy timeout. A helper given up on owns `fd` from
        then on: it closes it (letting the turn go) whenever its flock returns, and this
        connection takes a new file for its next turns."""
        got, lock = threading.Event(), threading.Lock()
        given_up = False

        def wait() -> None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with lock:
                if given_up:
                    os.close(fd)
                    return
                got.set()

        threading.Thread(target=wait, name="sva-writer-turn", daemon=True).start()
        if got.wait(self._wait):
            return True
        replacement: int | None = None
        with contextlib.suppress(OSError):  # none: the next transactions go without turns
            replacement = self._open()
        with lock:
            if got.is_set():  # it came just now
                if replacement is not None:
                    os.close(replacement)
                return True
            given_up = True
            self._fd = replacement
        return False
