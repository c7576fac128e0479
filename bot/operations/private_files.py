"""Files that hold people's data are created owner-only (0600) and never silently replaced."""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


class FileExists(Exception):
    """The file is there already and replacing it was not asked for."""


def refuse_overwrite(path: Path, *, force: bool) -> None:
    """Raise FileExists unless `path` is free or `force` says it may be replaced."""
    if path.exists() and not force:
        raise FileExists(f"{path} already exists; choose another file or add --force")


def write_private(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write `data` to a new owner-only file (or replace one, with `force`).

    Raises:
        FileExists: `path` exists and `force` is false (checked atomically on creation).
    """
    refuse_overwrite(path, force=force)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, OWNER_ONLY)
    except FileExistsError as exc:
        raise FileExists(f"{path} already exists; choose another file or add --force") from exc
    os.fchmod(descriptor, OWNER_ONLY)  # an existing file replaced with --force, too
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)


def append_private(path: Path, text: str) -> None:
    """Append to an owner-only log file (one that was readable by others is made private)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, OWNER_ONLY)
    os.fchmod(descriptor, OWNER_ONLY)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(text)


def private_directory(path: Path) -> None:
    """Create `path` (and parents) if missing; the directory itself is owner-only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def drop_entries(path: Path, marks: list[str], separator: str = "=== to ") -> int:
    """Rewrite a log of "=== to …" entries without those mentioning any of `marks`;
    returns how many were dropped (0 if there is no log)."""
    if not path.exists() or not marks:
        return 0
    text = path.read_text(encoding="utf-8")
    head, *entries = text.split(separator)
    kept = [e for e in entries if not any(m in separator + e for m in marks)]
    if len(kept) != len(entries):
        replacement = path.with_name(path.name + ".new")
        replacement.unlink(missing_ok=True)
        write_private(replacement, head + "".join(separator + e for e in kept))
        replacement.replace(path)
    return len(entries) - len(kept)
