"""CSV imports of people, cases and sessions: validate everything, then import all or nothing.

Problems are reported as `FILE:LINE: column: problem`, every one of them, and a file with any
problem imports nothing. Files are read twice (validate, then import) so that even a file of
millions of sessions never has to be held in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from bot.operations.import_spellings import spelled

T = TypeVar("T")
SPELLINGS = "spellings"  # a references key: values read in another spelling, for the report
CHANNELS = {"slack", "telegram", "teams", "console"}
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0", ""}


class RowProblem(ValueError):
    """One column of one row is wrong."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column


class RowProblems(ValueError):
    """Every problem found in one row."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class Row:
    """One CSV row being read: each column reader's problem is kept, so all are reported."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.problems: list[RowProblem] = []

    def read(self, reader: Callable[..., Any], column: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return reader(self.values, column, *args, **kwargs)
        except RowProblem as problem:
            self.problems.append(problem)
            return None

    def problem(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(column, message))

    def done(self) -> None:
        """Raise every problem found, if any."""
        if self.problems:
            raise RowProblems(self.problems)


@dataclass
class Parsed(Generic[T]):
    """A file read through: the problems found and the references to check."""

    problems: list[str] = field(default_factory=list)
    references: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> value -> line
    rows: int = 0


@dataclass(frozen=True)
class Format(Generic[T]):
    """A CSV format: its columns and how one row becomes a record."""

    columns: tuple[str, ...]
    optional: tuple[str, ...]
    parse: Callable[[dict[str, str], dict[str, dict[str, int]], int], T]


def read(
    path: Path,
    fmt: Format[T],
    *,
    sink: Callable[[T], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Parsed[T]:
    """Read and validate every row, handing each valid record to `sink` if given."""
    result: Parsed[T] = Parsed()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not _header_ok(path, reader.fieldnames, fmt, result):
                return result
            for row in reader:
                result.rows += 1
                _one_row(path, reader.line_num, row, fmt, result, sink)
                if progress and result.rows % 10_000 == 0:
                    progress(10_000)
    except UnicodeDecodeError:
        result.problems.append(f"{path}:{_first_undecodable(path)}: file: not UTF-8 text")
    except csv.Error as exc:
        result.problems.append(f"{path}: file: not a readable CSV file: {exc}")
    return result


def _first_undecodable(path: Path) -> int:
    """The number of the first line that is not UTF-8 (the decoder's offset is into a
    buffer, not the file)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _header_ok(
    path: Path, header: Sequence[str] | None, fmt: Format[Any], result: Parsed[Any]
) -> bool:
    if not header:
        result.problems.append(
            f"{path}:1: file: is empty; expected a header row ({','.join(fmt.columns)})"
        )
        return False
    if len(header) == 1 and ";" in header[0]:
        result.problems.append(
            f"{path}:1: file: the columns are separated by ';'; save it as comma-separated CSV"
        )
        return False
    names = [h.strip() for h in header]
    missing = [c for c in fmt.columns if c not in names]
    unknown = [c for c in names if c not in fmt.columns and c not in fmt.optional]
    for column in missing:
        result.problems.append(f"{path}:1: {column}: column missing from the header")
    for column in unknown:
        result.problems.append(
            f"{path}:1: {column}: unknown column (expected {', '.join(fmt.columns)})"
        )
    return not missing and not unknown


def _one_row(
    path: Path,
    line: int,
    row: dict[str, Any],
    fmt: Format[T],
    result: Parsed[T],
    sink: Callable[[T], None] | None,
) -> None:
    if None in row:
        result.problems.append(f"{path}:{line}: row: more values than columns")
        return
    clean = {k.strip(): (v or "").strip() for k, v in row.items()}
    try:
        record = fmt.parse(clean, result.references, line)
    except RowProblems as problems:
        result.problems.extend(f"{path}:{line}: {problem}" for problem in problems.problems)
        return
    if sink is not None:
        sink(record)


# -- column readers ------------------------------------------------------------------------


def text(row: dict[str, str], column: str, *, required: bool = True, limit: int = 200) -> str:
    value = row.get(column, "")
    if required and not value:
        raise RowProblem(column, "is empty")
    if len(value) > limit:
        raise RowProblem(column, f"is {len(value)} characters; at most {limit}")
    if any(not c.isprintable() for c in value):
        raise RowProblem(column, "contains control characters")
    return value


def day(row: dict[str, str], column: str, *, required: bool = True) -> date | None:
    value = row.get(column, "")
    if not value and not required:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowProblem(column, f"{value!r} is not a date (YYYY-MM-DD)") from None


def choice(row: dict[str, str], column: str, allowed: Sequence[str], whose: str = "") -> str:
    """An allowed value, as written or in a common spelling (see import_spellings); `whose`
    says whose list it is ("a role of the southwark pack") when the value is refused."""
    value = row.get(column, "")
    found = spelled(value, allowed)
    if found is None:
        listed = ", ".join(allowed)
        raise RowProblem(
            column,
            f"{value!r} is not {whose} (one of {listed})"
            if whose
            else f"{value!r} is not one of {listed}",
        )
    return found


def note_spelling(
    refs: dict[str, dict[str, int]], column: str, raw: str, read_as: str | None, line: int
) -> None:
    """Remember, for the import's report, a value read in another spelling."""
    if read_as is not None and raw != read_as:
        refer(refs, SPELLINGS, f"{column}: {raw!r} read as {read_as}", line)


def refer(references: dict[str, dict[str, int]], kind: str, value: str, line: int) -> str:
    references.setdefault(kind, {}).setdefault(value, line)
    return value
