"""Checking a pack's citations against the councils' published policy texts.

`check_sources(pack, folder)` reads the pack's seed from `folder` and, for every cited rule,
checks that the cited lines exist and that each number the rule encodes (weeks, days,
months, minutes) appears in those lines — unless the rule carries a `reading` saying how it
was read, or is a council's local decision. The texts are never copied into the repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from policies.intervals import Interval, Unit
from policies.pack_base import Cited
from policies.packs import PolicyPack

LINES = re.compile(r"\blines?\s+(\d+(?:\s*(?:-|–|,|and)\s*\d+)*)")
RANGE = re.compile(r"(\d+)(?:\s*[-–]\s*(\d+))?")
WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight"}
WORDS |= {10: "ten", 12: "twelve"}
SYNONYMS: dict[tuple[int, Unit], tuple[str, ...]] = {
    (1, Unit.WEEKS): ("weekly", "each week", "a week"),
    (2, Unit.WEEKS): ("fortnight",),
    (1, Unit.MONTHS): ("monthly", "a month"),
    (1, Unit.CALENDAR_MONTHS): ("calendar month",),
    (2, Unit.MONTHS): ("every other month", "2 monthly", "bi-monthly"),
    (3, Unit.MONTHS): ("quarter",),
    (12, Unit.MONTHS): ("year", "annual"),
}


def check_sources(pack: PolicyPack, folder: Path) -> list[str]:
    """Problems with the pack's citations, one sentence each naming the rule by its id."""
    seed = folder / pack.seed
    if not seed.is_file():
        return [f"{pack.name}: seed: {pack.seed} is not in {folder}"]
    lines = seed.read_text(encoding="utf-8").split("\n")
    problems = []
    for where, item in cited_items(pack):
        problems += [f"{pack.name}: {where}: {p}" for p in _check(item, lines, pack.seed)]
    return problems


def cited_items(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Cited]]:
    """Every cited part of a pack, with a name a reader can find it by."""
    for name, value in model:
        where = f"{prefix}{name}"
        if isinstance(value, tuple):
            for index, item in enumerate(value, start=1):
                if isinstance(item, BaseModel):
                    label = getattr(item, "id", None) or getattr(item, "title", None) or index
                    yield from _walk(item, f"{where}[{label}]")
        elif isinstance(value, BaseModel):
            yield from _walk(value, where)


def _walk(model: BaseModel, where: str) -> Iterator[tuple[str, Cited]]:
    if isinstance(model, Cited):
        yield where, model
    yield from cited_items(model, f"{where}.")


def _check(item: Cited, lines: list[str], seed: str) -> Iterator[str]:
    cited = cited_lines(item.cite)
    past = [n for n in cited if n < 1 or n > len(lines)]
    if past:
        yield f"cites line {past[0]}, but {seed} has {len(lines)} lines"
        return
    if item.reading or item.local is not None:
        return
    text = " ".join(lines[n - 1] for n in cited).lower()
    for number, tokens in encoded(item):
        if not cited:
            yield f"encodes {number} but its cite gives no lines to check it against"
        elif not any(_found(token, text) for token in tokens):
            yield f"encodes {number}, which is not in the cited lines {_span(cited)}; fix the cite or add a reading"


def cited_lines(cite: str) -> list[int]:
    """The line numbers a cite names: "(lines 97-99, 102)" gives 97, 98, 99, 102."""
    found: list[int] = []
    for group in LINES.findall(cite):
        for part in re.split(r"\s*(?:,|and)\s*", group):
            match = RANGE.fullmatch(part.strip())
            if match:
                first = int(match.group(1))
                found += range(first, max(first, int(match.group(2) or first)) + 1)
    return found


def encoded(item: Cited) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The numbers a rule encodes, each with the words that would show it in a seed."""
    for key in ("every", "high", "within", "first"):
        value = getattr(item, key, None)
        if isinstance(value, Interval):
            yield str(value), _tokens(value)
    for phase in getattr(item, "phases", ()):
        for value in (phase.until, phase.every):
            if value is not None:
                yield str(value), _tokens(value)
    minutes = getattr(item, "minutes", None)
    if isinstance(minutes, int):
        yield f"{minutes} minutes", (str(minutes), f"{minutes / 60:g}")
    for month in getattr(item, "months", ()):
        yield f"month {month}", (str(month),)


def _tokens(interval: Interval) -> tuple[str, ...]:
    count = interval.count
    words = (str(count), WORDS.get(count, str(count)))
    return words + SYNONYMS.get((count, interval.unit), ())


def _found(token: str, text: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(token)}(?![\d])", text) is not None


def _span(cited: list[int]) -> str:
    return f"{cited[0]}-{cited[-1]}" if len(cited) > 1 else str(cited[0])
