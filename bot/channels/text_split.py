"""Splitting long text for channels with a per-message limit, at line breaks where possible."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, broken after a newline where one falls
    in the second half of a piece, else at a space, else anywhere. Nothing is dropped:
    joining the pieces gives `text` back."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut(rest, limit)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


def _cut(text: str, limit: int) -> int:
    window = text[:limit]
    for separator in ("\n", " "):
        at = window.rfind(separator)
        if at >= limit // 2:
            return at + 1
    return limit
