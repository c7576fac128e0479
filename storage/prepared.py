"""Statements run straight on the driver's cursor: for the few that run on every message.

Executing a cached statement through SQLAlchemy costs about 20 µs of its own (the execution
context, parameter and result set-up) around a 3 µs SQLite call; a conversation turn sends
two or three such statements, so that was a fifth of a turn (issue 16; SQLAlchemy's own
performance notes point to the DBAPI for the hottest paths). A `Prepared` statement keeps
everything else of SQLAlchemy:

- it is built with SQLAlchemy and compiled by the connection's dialect, once per dialect;
- values pass through the columns' own types (sealed columns stay sealed, SQLite dates are
  written as SQLAlchemy writes them);
- it runs in the connection's transaction, beginning one as SQLAlchemy would;
- anything that goes wrong sending it or fetching its rows (the driver, a column type
  refusing a value, a missing value) is handed to SQLAlchemy's own handling of a failed
  statement: the same exceptions with parameters hidden, a lost connection invalidated with
  the rest of its pool, the `handle_error` events. Reading the rows' values is left outside,
  as SQLAlchemy leaves it: a value sealed with another key raises the sealing error itself.

While anyone listens to statements (`before_cursor_execute`: a tracer, the sweep benchmark,
a test counting statements), they run through SQLAlchemy's execution, so nothing goes unseen.

Statements whose SQL SQLAlchemy finishes only at execution (expanding `IN`, literal-execute
values) are refused when first compiled, and a result column whose type needs the driver's
type code fails there too; the tests compile every module's statements on both databases.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql.expression import Executable

Processor = Callable[[Any], Any] | None
# psycopg reports -1 for an INSERT's rowcount unless SQLAlchemy is asked to keep it
_KEEP_ROWCOUNT = {"preserve_rowcount": True}
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # bind names in place order (positional drivers), or None
    binds: Mapping[str, Processor]
    fixed: Mapping[str, Any]  # values written into the statement (`.values(payload={})`)
    results: tuple[Processor, ...]  # one per selected column


class Prepared:
    """One SQLAlchemy statement, compiled per dialect and executed on the driver's cursor."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    def first(self, db: Connection, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row the statement returns, its values read by the column types."""
        rows = self._rows(db, values, lambda cursor: cursor.fetchmany(1))
        return rows[0] if rows else None

    def scalar(self, db: Connection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None when there is no row."""
        row = self.first(db, values)
        return None if row is None else row[0]

    def all(self, db: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row the statement returns, their values read by the column types."""
        return self._rows(db, values, lambda cursor: cursor.fetchall())

    def rowcount(self, db: Connection, values: Mapping[str, Any]) -> int:
        """Run a write; how many rows it changed."""
        if _observed(db):
            result = db.execute(self.statement, values, execution_options=_KEEP_ROWCOUNT)
            return int(result.rowcount)
        return _run(db, self.compiled(db.dialect), values, lambda cursor: int(cursor.rowcount))

    def many(
        self,
        db: Connection,
        rows: Sequence[Mapping[str, Any]],
        same: Mapping[str, Any] | None = None,
    ) -> None:
        """Run a write once per row of values (the driver's executemany); `same` holds values
        common to every row, passed through their column types once, not once a row."""
        if not rows:
            return
        if _observed(db):
            db.execute(self.statement, [{**same, **row} for row in rows] if same else list(rows))
            return
        _run(db, self.compiled(db.dialect), (rows, same or {}), lambda cursor: None, many=True)

    def compiled(self, dialect: Dialect) -> _Compiled:
        """The statement as compiled for `dialect` (compiled on first use)."""
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = _compile(self.statement, dialect)
        return compiled

    def _rows(
        self, db: Connection, values: Mapping[str, Any], fetch: Callable[[Any], list[Any]]
    ) -> list[tuple[Any, ...]]:
        if _observed(db):
            return [tuple(row) for row in fetch(db.execute(self.statement, values))]
        compiled = self.compiled(db.dialect)
        rows = _run(db, compiled, values, fetch)
        # Read by the column types outside `_run`, as SQLAlchemy reads a result: an error
        # here (a value sealed with another key) reaches the caller as itself, not wrapped.
        reads = compiled.results
        if not any(reads):
            return [tuple(row) for row in rows]
        return [
            tuple(
                value if read is None else read(value)
                for value, read in zip(row, reads, strict=True)
            )
            for row in rows
        ]


def _observed(db: Connection) -> bool:
    """Whether someone listens to this connection's statements."""
    dispatch = db.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    late = compiled.post_compile_params | compiled.literal_execute_params
    if late:
        names = ", ".join(sorted(bind.key for bind in late))
        raise ValueError(f"SQLAlchemy finishes this statement's SQL when it runs ({names})")
    binds = {
        name: bind.type.dialect_impl(dialect).bind_processor(dialect)
        for name, bind in compiled.binds.items()
    }
    # exported_columns: a SELECT's columns, or what an INSERT/UPDATE … RETURNING returns
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in getattr(statement, "exported_columns", ())
    )
    fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
    order = tuple(compiled.positiontup) if dialect.positional else None
    return _Compiled(compiled.string, order, binds, fixed, results)


def _run(
    db: Connection,
    compiled: _Compiled,
    values: Any,
    read: Callable[[Any], T],
    *,
    many: bool = False,
) -> T:
    """Execute on the connection's driver cursor (`many`: `values` is the rows and the values
    they share, executed once per row) and `read` it; what goes wrong is raised as
    SQLAlchemy raises it."""
    if not db.in_transaction():
        db.begin()  # as SQLAlchemy's autobegin would: this statement belongs to a transaction
    parameters: Any = values
    cursor = None
    try:
        cursor = db.connection.driver_connection.cursor()  # type: ignore[union-attr]
        if many:
            parameters = _many_parameters(compiled, *values)
            cursor.executemany(compiled.sql, parameters)
        else:
            parameters = _parameters(compiled, values)
            cursor.execute(compiled.sql, parameters)
        result = read(cursor)
        cursor.close()
        return result
    except BaseException as exc:
        if many:  # shown as the rows it ran with, as SQLAlchemy shows an executemany
            parameters = [{**values[1], **row} for row in values[0]]
        # SQLAlchemy's own handling of a failed statement (private, and the one thing here
        # that is): it wraps and hides exactly as before, and on a lost connection it
        # invalidates the connection and the rest of its pool, which nothing public does.
        db._handle_dbapi_exception(exc, compiled.sql, parameters, cursor, None)


def _many_parameters(
    compiled: _Compiled, rows: Sequence[Mapping[str, Any]], same: Mapping[str, Any]
) -> list[Any]:
    """Each row's values (which win over `same`, as in `{**same, **row}`), then `same`, then
    the statement's own, through the column types; `same` and the statement's once."""
    binds = compiled.binds
    shared = _parameters(compiled, same, named=True)  # with the statement's own values
    named = [
        {
            **shared,
            **{
                name: value if (write := binds.get(name)) is None else write(value)
                for name, value in row.items()
            },
        }
        for row in rows
    ]
    if compiled.order is None:
        return named
    return [[row[name] for name in compiled.order] for row in named]


def _parameters(compiled: _Compiled, values: Mapping[str, Any], *, named: bool = False) -> Any:
    """`values` through their columns' types, as the driver takes them (`named`: by name)."""
    given = {**compiled.fixed, **values} if compiled.fixed else values
    processed = {
        name: value if (write := compiled.binds.get(name)) is None else write(value)
        for name, value in given.items()
    }
    if named or compiled.order is None:
        return processed
    return [processed[name] for name in compiled.order]
