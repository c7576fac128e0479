"""`sva db rotate-key`: re-seal every stored value under the current data key (storage/rekey.py
does the batches), telling a progress how many values there are to re-seal and each batch done."""

from __future__ import annotations

from bot.operations.progress import UNWATCHED, ProgressSink
from storage.db import fold_journal
from storage.rekey import pending, rekey
from storage.sealing import Keyring
from storage.sql import SqlStore


def rotate_key(
    store: SqlStore, keyring: Keyring, *, batch: int = 500, progress: ProgressSink = UNWATCHED
) -> dict[str, int]:
    """Re-seal what is not sealed with `keyring.current`, then fold SQLite's journal so no
    copy under the old key stays on disk; returns the values re-sealed per column.

    Raises:
        ValueError: the keyring has no current key.
        storage.sealing.SealError: a value was sealed with a key the keyring lacks.
    """
    engine = store.engine
    progress.begin("counting values to re-seal", None)
    progress.begin("re-sealing with the current key", pending(engine, keyring))
    seen: dict[str, int] = {}

    def done_so_far(column: str, count: int) -> None:
        progress.advance(count - seen.get(column, 0))
        seen[column] = count

    done = rekey(engine, keyring, batch=batch, progress=done_so_far)
    fold_journal(engine)
    return done
