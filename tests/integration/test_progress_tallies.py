"""Long work says how far it has got through a tally (issue 19 point 10): each stage with its
size, then steps that add up to it. The CLI draws these as a progress bar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.config import RetentionConfig
from bot.operations.rekeying import rotate_key
from bot.operations.reports.compliance import compute
from bot.operations.reports.load import load
from bot.operations.reports.model import Period
from bot.operations.reports.scope import Scope
from bot.operations.retention import Retention
from policies.assignment import PackAssignment
from policies.packs import load_packs
from storage.db import create_engine
from storage.sealing import new_key_entry, parse_keys
from storage.sql import SqlStore
from tests.integration.test_sweep import NOW, RecordingNotifier, seed, sweeper


class RecordingTally:
    """A fake watcher: every stage and the steps counted in it."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None, int]] = []

    def begin(self, label: str, total: int | None) -> None:
        self.stages.append((label, total, 0))

    def advance(self, count: int = 1) -> None:
        label, total, done = self.stages[-1]
        self.stages[-1] = (label, total, done + count)


async def test_the_sweep_counts_each_reminder_sent_against_the_total(sql_store: SqlStore) -> None:
    await seed(sql_store)
    tally = RecordingTally()
    report = await sweeper(sql_store, RecordingNotifier({"sw2"})).sweep(
        NOW.date(), NOW, progress=tally
    )
    label, total, done = tally.stages[-1]
    assert label == "sending reminders"
    assert total == done == len(report.reminders) > 0  # sent, unreachable or dropped: counted


async def test_a_dry_sweep_counts_what_it_would_send(sql_store: SqlStore) -> None:
    await seed(sql_store)
    tally = RecordingTally()
    report = await sweeper(sql_store, RecordingNotifier()).sweep(
        NOW.date(), NOW, dry_run=True, progress=tally
    )
    assert tally.stages[-1] == ("reminders computed", len(report.reminders), len(report.reminders))


async def test_purge_counts_rows_against_what_it_found_first(sql_store: SqlStore) -> None:
    await seed(sql_store)
    later = datetime(2040, 1, 1, tzinfo=UTC)  # everything seeded is past its period
    dry_tally, tally = RecordingTally(), RecordingTally()
    retention = Retention(store=sql_store, periods=RetentionConfig())
    counted = await retention.run(later, dry_run=True, progress=dry_tally)
    done = await retention.run(later, progress=tally)
    assert dry_tally.stages[-1][2] == sum(counted.values())
    label, total, removed = tally.stages[-1]
    assert label == "purging what [retention] no longer allows"
    assert total == removed == sum(done.values())


async def test_key_rotation_counts_values_against_those_left_to_reseal(
    sql_store: SqlStore, database_url: str
) -> None:
    await seed(sql_store)
    await sweeper(sql_store, RecordingNotifier({"sw1", "sw2", "tm1", "hos"})).sweep(NOW.date(), NOW)
    await sql_store.close()
    tally = RecordingTally()
    keyring = parse_keys(new_key_entry("k1"))
    engine = create_engine(database_url, keyring=keyring)  # the plain queued texts get sealed
    done = rotate_key(SqlStore(engine=engine), keyring, batch=2, progress=tally)
    engine.dispose()
    label, total, resealed = tally.stages[-1]
    assert label == "re-sealing with the current key"
    assert total == resealed == sum(done.values()) > 0


async def test_the_compliance_report_counts_people(sql_store: SqlStore) -> None:
    await seed(sql_store)
    tally = RecordingTally()
    policies = PackAssignment(packs=load_packs(), default="southwark", teams={})
    october = Period(date(2026, 10, 1), date(2026, 10, 31))
    data = await load(sql_store, Scope("council", "council"), october, policies)
    report = compute(data, policies, tally)
    assert tally.stages[-1] == ("computing the compliance report", len(report.people), 4)
