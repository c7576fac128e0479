"""Re-seal every sealed column under the current data key, in small committed batches.

Each batch is its own transaction and picks only values not yet sealed with the current key,
so an interrupted run is resumed by running it again. A value is rewritten only if it is still
the one that was read (a turn that changed it meanwhile already sealed it with the new key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import (
    Column,
    Engine,
    Table,
    Text,
    and_,
    func,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from storage.sealing import SEALED, Keyring, SealedJson, SealedText
from storage.tables import Base


def sealed_columns() -> Iterator[tuple[Table, Column[object]]]:
    """Every (table, column) whose values are sealed, in a stable order."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, SealedText | SealedJson):
                yield table, column


def rekey(
    engine: Engine,
    keyring: Keyring,
    *,
    batch: int = 500,
    progress: Callable[[str, int], None] = lambda _name, _count: None,
) -> dict[str, int]:
    """Re-seal all values under `keyring.current`; returns how many were rewritten per column.

    Raises:
        ValueError: the keyring has no current key.
        storage.sealing.SealError: a value was sealed with a key the keyring lacks.
    """
    if keyring.current is None:
        raise ValueError("no data key is configured; nothing to seal with")
    done: dict[str, int] = {}
    for table, column in sealed_columns():
        name = f"{table.name}.{column.name}"
        done[name] = 0
        while count := _one_batch(engine, keyring, table, column, batch):
            done[name] += count
            progress(name, done[name])
    return done


def pending(engine: Engine, keyring: Keyring) -> int:
    """How many stored values are not yet sealed with the current key (what `rekey` has left)."""
    current = f"{SEALED}{keyring.current}:%"
    total = 0
    with engine.connect() as db:
        for _table, column in sealed_columns():
            raw = type_coerce(column, Text)
            query = select(func.count()).where(column.is_not(None), raw.not_like(current))
            total += db.scalar(query) or 0
    return total


def unknown_keys(engine: Engine, keyring: Keyring, sample: int = 20) -> set[str]:
    """The data keys that sealed some of the first `sample` rows' values of each sealed
    column and are not in `keyring` (a quick check at start, reading no more than that:
    filtering out empty values would scan a large table that has few; `rekey` meets every
    value)."""
    missing: set[str] = set()
    with engine.connect() as db:
        for _table, column in sealed_columns():
            raw = type_coerce(column, Text)
            try:
                with db.begin_nested():  # a table it cannot read is left to its first use
                    values = db.execute(select(raw).limit(sample)).scalars().all()
            except SQLAlchemyError:
                continue
            for stored in values:
                if stored is not None and stored.startswith(SEALED):
                    missing.add(stored[len(SEALED) :].partition(":")[0])
    return missing - set(keyring.keys)


def _one_batch(
    engine: Engine, keyring: Keyring, table: Table, column: Column[object], size: int
) -> int:
    raw = type_coerce(column, Text)
    label = f"{table.name}.{column.name}"
    current = f"{SEALED}{keyring.current}:%"
    keys = list(table.primary_key.columns)
    with engine.begin() as db:
        rows = db.execute(
            select(*keys, raw.label("stored"))
            .where(column.is_not(None), raw.not_like(current))
            .limit(size)
        ).all()
        changed = 0
        for row in rows:
            fresh = keyring.seal(keyring.open(row.stored, label), label)
            match = [k == getattr(row, k.name) for k in keys]
            result = db.execute(
                update(table)
                .where(and_(*match), raw == row.stored)
                .values({column.name: literal(fresh, Text())})
            )
            changed += result.rowcount
    return changed  # 0 ends the column: nothing left, or only values others keep rewriting
