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
- a driver error is raised as SQLAlchemy's (`DBAPIError` and its subclasses, parameters
  hidden as the engine hides them), and a lost connection is invalidated, so callers and the
  group committer see exactly what they saw before.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

Processor = Callable[[Any], Any] | None


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
        rows = self._fetch(db, values, 1)
        return rows[0] if rows else None

    def scalar(self, db: Connection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None when there is no row."""
        row = self.first(db, values)
        return None if row is None else row[0]

    def all(self, db: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row the statement returns, their values read by the column types."""
        return self._fetch(db, values, None)

    def _fetch(
        self, db: Connection, values: Mapping[str, Any], limit: int | None
    ) -> list[tuple[Any, ...]]:
        compiled = self._for(db.dialect)
        cursor = _execute(db, compiled, values)
        try:
            rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
        finally:
            cursor.close()
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

    def rowcount(self, db: Connection, values: Mapping[str, Any]) -> int:
        """Run a write; how many rows it changed."""
        cursor = _execute(db, self._for(db.dialect), values)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = _compile(self.statement, dialect)
        return compiled


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    binds = {
        name: bind.type.dialect_impl(dialect).bind_processor(dialect)
        for name, bind in compiled.binds.items()
    }
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in getattr(statement, "selected_columns", ())
    )
    fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
    order = tuple(compiled.positiontup) if dialect.positional else None
    return _Compiled(compiled.string, order, binds, fixed, results)


def _execute(db: Connection, compiled: _Compiled, values: Mapping[str, Any]) -> Any:
    if not db.in_transaction():
        db.begin()  # as SQLAlchemy's autobegin would: this statement belongs to a transaction
    given = {**compiled.fixed, **values} if compiled.fixed else values
    processed = {
        name: value if (write := compiled.binds.get(name)) is None else write(value)
        for name, value in given.items()
    }
    parameters: Sequence[Any] | Mapping[str, Any] = (
        processed if compiled.order is None else [processed[name] for name in compiled.order]
    )
    pooled = db.connection
    cursor = pooled.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.sql, parameters)
    except db.dialect.loaded_dbapi.Error as exc:
        cursor.close()
        raise _wrapped(db, compiled.sql, parameters, exc, cursor) from exc
    return cursor


def _wrapped(
    db: Connection, sql: str, parameters: Any, exc: Exception, cursor: Any
) -> BaseException:
    """The driver's error as SQLAlchemy would raise it, the connection invalidated if lost."""
    dialect = db.dialect
    lost = dialect.is_disconnect(cast(Any, exc), db.connection, cursor)
    if lost:
        db.invalidate(exc)
    wrapped = DBAPIError.instance(
        sql,
        parameters,
        exc,
        dialect.loaded_dbapi.Error,
        hide_parameters=db.engine.hide_parameters,
        connection_invalidated=lost,
        dialect=dialect,
    )
    return cast(BaseException, wrapped)  # a driver error is always wrapped (no DontWrapMixin)
