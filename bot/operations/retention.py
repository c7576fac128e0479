"""Retention: what the daily sweep and `sva db purge` remove, kind by kind, in batches.

Periods come from `[retention]` in the configuration (bot/config.py, README "Data
protection"). Before an abandoned dialog goes, its owner is told once, through the outbox.
Leavers whose period has run are erased as `sva person erase` would.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import RetentionConfig
from bot.operations.progress import UNWATCHED, ProgressSink
from storage.db import fold_journal
from storage.records import OutboxItem
from storage.sql import SqlStore, SqlTransaction
from storage.subject import pseudonym

DIALOG_NAMES = {"prep": "case preparation", "checkin": "wellbeing check-in"}


@dataclass(frozen=True, slots=True)
class Retention:
    """The configured periods over one store."""

    store: SqlStore
    periods: RetentionConfig

    def cutoffs(self, now: datetime) -> dict[str, datetime]:
        days = self.periods
        period = {
            "abandoned dialogs": days.abandoned_dialog_days,
            "received message ids": days.received_message_days,
            "answered chat events": days.received_message_days,
            "delivered replies": days.sent_message_days,
            "sent messages": days.sent_message_days,
            "wellbeing check-ins": days.wellbeing_days,
            "preparation notes": days.preparation_days,
            "EARS reflections": days.preparation_days,
            "agenda arrangements and sent agendas": days.agenda_days,
        }
        return {kind: now - timedelta(days=d) for kind, d in period.items()}

    async def run(
        self, now: datetime, *, dry_run: bool = False, progress: ProgressSink = UNWATCHED
    ) -> dict[str, int]:
        """Remove (or, dry, count) everything past its period; returns counts by kind.
        `progress` is told what was found, then each batch removed."""
        progress.begin("counting what [retention] no longer allows", None)
        found = await self._count(now, progress if dry_run else UNWATCHED)
        if dry_run:
            return found
        progress.begin("purging what [retention] no longer allows", sum(found.values()))
        done = {"abandoned dialogs warned": await self._warn(now, dry_run)}
        progress.advance(done["abandoned dialogs warned"])
        for kind, cutoff in self.cutoffs(now).items():
            done[kind] = await self._purge(kind, cutoff, progress)
        done["leavers erased"] = await self._leavers(now, dry_run)
        progress.advance(done["leavers erased"])
        await asyncio.to_thread(fold_journal, self.store.engine)
        return done

    async def _count(self, now: datetime, progress: ProgressSink) -> dict[str, int]:
        """What a purge would remove now, kind by kind (what a dry run reports)."""
        found = {"abandoned dialogs warned": await self._warn(now, dry_run=True)}
        progress.advance(found["abandoned dialogs warned"])
        for kind, cutoff in self.cutoffs(now).items():
            found[kind] = await self.store.run_sql(
                lambda tx: tx.retention.count_expired(kind, cutoff)  # noqa: B023 (awaited here)
            )
            progress.advance(found[kind])
        found["leavers erased"] = await self._leavers(now, dry_run=True)
        progress.advance(found["leavers erased"])
        return found

    async def _purge(self, kind: str, cutoff: datetime, progress: ProgressSink) -> int:
        total, limit = 0, self.periods.batch
        while True:  # one committed transaction per batch
            gone = await self.store.run_sql(
                lambda tx: tx.retention.delete_expired(kind, cutoff, limit)
            )
            total += gone
            progress.advance(gone)
            if gone < limit:
                return total

    async def _warn(self, now: datetime, dry_run: bool) -> int:
        """Tell people once that an unfinished dialog will be removed (outbox key per dialog
        and its last change, so a second sweep adds nothing)."""
        days = self.periods
        expire = timedelta(days=days.abandoned_dialog_days)
        start = now - expire
        end = start + timedelta(days=days.abandoned_dialog_reminder_days)

        def work(tx: SqlTransaction) -> int:
            found = tx.retention.abandoned_between(start, end, self.periods.batch)
            if not dry_run:
                items = [
                    _warning(person, dialog, moment, expire) for person, dialog, moment in found
                ]
                tx.outbox.enqueue(items, now.date(), token=None, now=None)
            return len(found)

        return await self.store.run_sql(work)

    async def _leavers(self, now: datetime, dry_run: bool) -> int:
        cutoff = now.date() - timedelta(days=self.periods.leaver_days)

        def work(tx: SqlTransaction) -> int:
            leavers = tx.retention.leavers_before(cutoff, self.periods.batch)
            if not dry_run:
                for person_id in leavers:
                    tx.subjects.erase(person_id, pseudonym("leaver"))
            return len(leavers)

        return await self.store.run_sql(work)


def _warning(person: str, dialog: str, moment: datetime, expire: timedelta) -> OutboxItem:
    gone = (moment + expire).date()
    name = DIALOG_NAMES.get(dialog, dialog.replace("-", " "))
    text = (
        f"Your unfinished {name} from {moment:%d %b %Y} will be deleted on {gone:%d %b %Y}. "
        "Answer its question to keep it, or type /cancel to delete it now."
    )
    key = f"{person}|dialog-expiry|{dialog}|{moment.isoformat()}"
    return OutboxItem(key, person, "dialog-expiry", None, gone, text)
