"""The reminder sweep: compute what is due, write it to the outbox, send digests.

Running the sweep twice, on two machines at once, or again after a crash sends each reminder
once: rows are keyed (person, subject, due date) and claimed in small batches in the database
before sending, and each person's digest is marked sent in its own commit right after it was
delivered, so a sweeper killed mid-delivery re-sends at most the one digest it was delivering.
`reminders.digests_per_commit` (1 by default) lets that many digests share one commit: faster
at national scale, and a killed sweeper then re-sends at most that many.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial

from bot.errors import AssistantError
from bot.operations.notify import Notifier
from bot.operations.progress import UNWATCHED, ProgressSink
from bot.operations.stale import satisfied
from policies.assignment import PackAssignment
from policies.intervals import is_working_day
from policies.packs import PolicyError
from policies.reminders import Reminder, ReminderSettings, Snapshot, case_horizon, compute
from policies.subjects import subjects_for
from storage.directory import REBOOK_LOOKBACK
from storage.outbox import by_person
from storage.records import OutboxItem, Person
from storage.sql import SqlStore, SqlTransaction

# Rows claimed at a time (whole people): a crashed sweeper strands at most this many until its
# lease ends, while the other sweepers carry on with the rest.
CLAIM_ROWS = 500
# Marks of up to this many rows may commit on the caller's own thread when the store is idle
# (storage/committer.py); bigger ones (digests sharing a commit) go to the store's thread.
SMALL_MARK = 64
# Reminders queued per commit: about 0.1 s of writing each, the longest an acknowledgement's
# inbox commit then waits behind a national sweep's queueing (benchmarks/README.md).
ENQUEUE_ROWS = 5_000
TEAM_NUDGE = "rota-team"  # the day-before group supervision nudge, the same for the whole team
ROTA_LOOKAHEAD = timedelta(days=21)  # covers any presenter notice in working days
ABSENCE_LOOKAHEAD = timedelta(days=31)  # leave starting this soon may need cover arranged
Digest = Callable[[date, list[OutboxItem]], str]


@dataclass
class SweepReport:
    """What one sweep found and did."""

    on: date
    reminders: list[Reminder] = field(default_factory=list)
    sent_now: set[str] = field(default_factory=set)
    sent_before: set[str] = field(default_factory=set)  # the keys: only when they were kept
    sent_before_count: int = 0  # sent by an earlier or concurrent run, kept or not
    digests: int = 0
    unreachable: list[str] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)
    quiet: str | None = None
    already_swept: datetime | None = None  # the day had been swept then: only the queue sent
    seconds: dict[str, float] = field(default_factory=dict)  # time taken by each phase
    found: int = 0  # reminders computed (`reminders` is empty when another process did it)
    overdue: int = 0  # of which overdue


@dataclass(frozen=True)
class Queued:
    """A day's reminders, computed and queued: what sending them and reporting need. Made
    by `Sweeper.queue_day`, in this process or (`sva serve`) in one of its own.

    Sending checks only the `earlier` rows for having been satisfied since they were
    queued: the day's own were computed just now. (The leftovers' keys, not the day's, are
    what crosses from a sweep's process to the server: 20,000 keys left 6 MiB there.)"""

    count: int  # outbox rows computed and queued (or found already queued) by this sweep
    earlier: frozenset[str]  # rows waiting once it had queued that this sweep did not compute
    sent_before: int  # rows it computed that were sent already (by an earlier run, say)
    found: int
    overdue: int
    problems: Counter[str]
    seconds: dict[str, float]
    keys: frozenset[str] = frozenset()  # of the `count` rows: kept only when asked for
    reminders: list[Reminder] = field(default_factory=list)  # kept only when asked for


Queue = Callable[[date], Awaitable[Queued]]


class QueueFailed(AssistantError):
    """A `Queue` that runs elsewhere ended without queueing the day; where it ran logged
    why, so the message is all the caller has to add."""


@dataclass(frozen=True)
class Sweeper:
    """Everything a sweep needs, wired once by the bootstrap."""

    store: SqlStore
    assignment: PackAssignment
    settings: ReminderSettings
    notifier: Notifier
    digest: Digest
    lease: timedelta = timedelta(minutes=15)
    digests_per_commit: int = 1  # a killed sweeper re-sends at most this many digests
    # The server's: rows of someone with nowhere to be sent (no chat identity on a served
    # channel) are held back this long, as its delivery round every 30 s would otherwise
    # claim, check and compose them each time. None (a run by hand): given back for the
    # next run, as rows whose send failed always are, and held rows are taken at once.
    unreachable_retry: timedelta | None = None

    def _has_case_subjects(self, person: Person) -> bool:
        """Whether the person's pack declares case subjects (summaries, plan reviews)."""
        try:
            return any(subjects_for(self.assignment.for_person(person), "case"))
        except PolicyError:
            return False  # a broken pack is reported by the sweep

    async def sweep(
        self,
        on: date,
        now: datetime,
        *,
        dry_run: bool = False,
        recompute: bool = True,
        progress: ProgressSink = UNWATCHED,
        queue: Queue | None = None,
    ) -> SweepReport:
        """Compute the day's reminders and, unless `dry_run`, enqueue and send them; `progress`
        is told each stage and each reminder sent (or found undeliverable or satisfied).

        `recompute=False` (the daily schedule): if the day's reminders were already computed
        and queued (another process swept first), only send what is still queued.
        `queue` computes and queues them instead of `queue_day` in this process (`sva serve`
        runs it in a process of its own: bot/channels/sweep_process.py)."""
        # Computed here, the day's reminders stay alive for the report while they are sent,
        # and a collection walking them stalled the event loop for 0.75 s at national scale:
        # the collector waits for the end. Computed elsewhere (`sva serve`), this process
        # holds none of them and keeps collecting while it answers chat meanwhile.
        with paused_gc() if queue is None else contextlib.nullcontext():
            return await self._sweep(on, now, dry_run, recompute, progress, queue)

    async def _sweep(
        self,
        on: date,
        now: datetime,
        dry_run: bool,
        recompute: bool,
        progress: ProgressSink,
        queue: Queue | None,
    ) -> SweepReport:
        report = SweepReport(on)
        if not is_working_day(on):
            report.quiet = "no reminders on weekends or bank holidays"
            return report
        if not (dry_run or recompute):
            with _timed(report.seconds, "load"):
                report.already_swept = await self.store.run_sql(lambda tx: tx.outbox.swept(on))
            if report.already_swept is not None:
                with _timed(report.seconds, "dispatch"):
                    await self.dispatch(on, now, report, progress)
                return report
        if dry_run:
            computed = await self._computed(on, progress, keep=True)
            _found(report, computed.queued([], set()))
            progress.begin("reminders computed", report.found)
            progress.advance(report.found)
            return report
        queued = await (queue or partial(self.queue_day, progress=progress, keep=True))(on)
        _found(report, queued)
        with _timed(report.seconds, "dispatch"):
            progress.begin("sending reminders", queued.count)
            failed = await self.dispatch(on, now, report, progress, earlier=queued.earlier)
        _sent_before(report, queued, failed)
        return report

    async def queue_day(
        self, on: date, progress: ProgressSink = UNWATCHED, *, keep: bool = False
    ) -> Queued:
        """Compute the day's reminders and queue them in the outbox, the day marked swept
        with the last of them; `keep`: the reminders and their keys come back too."""
        with paused_gc():  # (already, when called by `sweep` to compute in this process)
            computed = await self._computed(on, progress, keep=keep)
            with _timed(computed.seconds, "enqueue"):
                items = await asyncio.to_thread(_outbox_items, computed.rows)  # 200,000 at most
                await self._enqueue(items, on)
                # Read once queued: what is waiting and was not computed now was queued by an
                # earlier sweep, or by another one meanwhile; either is checked before sending.
                waiting = await self.store.read_sql(lambda tx: tx.outbox.unsent_keys())
            return computed.queued(items, waiting)

    async def _computed(self, on: date, progress: ProgressSink, *, keep: bool) -> _Computed:
        progress.begin("reading the directory and sessions", None)
        horizon = case_horizon(self.assignment.packs.values(), on, self.settings)
        seconds: dict[str, float] = {}
        with _timed(seconds, "load"):
            snapshot = await self.store.read_sql(  # beside the writes, not in their queue
                lambda tx: load_snapshot(tx, on, horizon, self._has_case_subjects)
            )
        with _timed(seconds, "compute"):
            # On a thread (and the outbox rows made from them): `sva serve` acknowledges chat
            # events on this loop, and a national sweep's reminders take seconds to compute
            # (benchmarks/README.md, sweep_national, the loop stall).
            computed = await asyncio.to_thread(
                compute, snapshot, self.assignment, on, self.settings
            )
            del snapshot
        return _Computed(computed.reminders, computed.problems, seconds, keep)

    async def _enqueue(self, items: list[OutboxItem], on: date) -> None:
        """Queue the day's reminders about `ENQUEUE_ROWS` at a time, whole people to a
        commit, so writes queued behind them (the inbox commit an acknowledgement waits for)
        wait for one batch at most, not for the whole day's; the last batch's commit records
        that the day was swept. A crash in between leaves the day unswept: the next sweep
        computes it again and queues what is missing (keys already queued are left alone).
        Whole people, because another dispatcher (`sva serve`'s queue delivery) may send a
        batch's rows before the rest are queued: each person still gets one digest. (So
        after such a crash some people may have had the day's digest while the rest wait
        for that next sweep; a server back after `catch_up_until` leaves them to `sva
        remind`.)"""
        batches = _whole_people(items, ENQUEUE_ROWS)
        for n, batch in enumerate(batches or [[]], start=1):
            swept = len(items) if n >= len(batches) else None
            await self.store.run_sql(partial(_queue_batch, items=batch, on=on, swept=swept))

    async def dispatch(
        self,
        on: date,
        now: datetime,
        report: SweepReport,
        progress: ProgressSink = UNWATCHED,
        *,
        earlier: frozenset[str] | None = None,
    ) -> set[str]:
        """Send unsent reminders as one digest per person, claiming a small batch at a time.

        Rows that could not be delivered stay claimed until the run ends, so one run tries
        each person once; then they are released for a later run (those of people with
        nowhere to be sent held back for `unreachable_retry`, when set). Rows are first checked for
        what has satisfied them since they were queued: all of them, or only the `earlier`
        keys when the others were computed by this very sweep (the check costs a few queries
        a row; rows queued after the sweep read what was waiting are not checked).
        """
        token = uuid.uuid4().hex
        failed = _Failed()
        retry = self.unreachable_retry
        while batch := await self.store.run_sql(
            lambda tx: tx.outbox.claim(token, now, self.lease, CLAIM_ROWS, take_held=retry is None)
        ):
            await self._deliver(on, batch, report, failed, token, earlier)
            progress.advance(len(batch))
        held = None if retry is None else now + retry - self.lease  # lapses at now + retry
        await self.store.run_sql(partial(_give_back, token=token, failed=failed, held=held))
        return {*failed.keys, *failed.sent_to_nowhere}

    async def _deliver(
        self,
        on: date,
        batch: list[OutboxItem],
        report: SweepReport,
        failed: _Failed,
        token: str,
        earlier: frozenset[str] | None,
    ) -> None:
        batch = await self._to_team_channels(batch, report, token)
        queued = [item for item in batch if earlier is None or item.key in earlier]
        stale = await self.store.run_sql(lambda tx: satisfied(tx, queued, self.assignment))
        if stale:  # satisfied since they were queued: marked done, never sent
            await self._sent(token, sorted(stale))
            batch = [item for item in batch if item.key not in stale]
        people = by_person(batch)
        look_up = getattr(self.notifier, "look_up", None)  # a channel's: one query a batch
        nowhere = set() if look_up is None else await look_up([p for p, _ in people])
        unmarked = _Delivered()
        try:
            for person_id, items in people:
                keys = [i.key for i in items]
                reached = person_id not in nowhere and await self.notifier.deliver(
                    person_id,
                    self.digest(on, items),  # composed only for someone reachable
                )
                if not reached:
                    failed.add(keys, nowhere=person_id in nowhere)
                    report.unreachable.append(person_id)
                    continue
                unmarked.add(keys)
                if unmarked.digests >= self.digests_per_commit:
                    await self._marked(token, unmarked.take(), report)
        except (Exception, asyncio.CancelledError):  # not a kill: what was delivered is marked
            await self._marked(token, unmarked.take(), report)
            raise
        await self._marked(token, unmarked.take(), report)

    async def _marked(
        self, token: str, delivered: tuple[list[str], int], report: SweepReport
    ) -> None:
        """Mark delivered digests sent, in one commit: a crash before it re-sends them."""
        keys, digests = delivered
        if keys:
            await self._sent(token, keys)
            report.sent_now.update(keys)
            report.digests += digests

    async def _sent(self, token: str, keys: list[str]) -> None:
        at = datetime.now(UTC)
        small = len(keys) <= SMALL_MARK
        await self.store.run_sql(lambda tx: tx.outbox.mark_keys_sent(token, keys, at), small=small)

    async def _to_team_channels(
        self, batch: list[OutboxItem], report: SweepReport, token: str
    ) -> list[OutboxItem]:
        """Post each team's group supervision nudge once in the team's own channel, where it
        has one; those rows count as sent. The rest go in personal digests."""
        post = getattr(self.notifier, "post_to_team", None)
        if post is None:
            return batch
        nudges: dict[str, list[OutboxItem]] = defaultdict(list)
        for item in batch:
            if item.kind == TEAM_NUDGE:
                nudges[item.key.split("|")[2]].append(item)  # key: person|kind|subject|due
        posted: set[str] = set()
        for subject, items in nudges.items():
            team = subject.rpartition(":")[0]
            if await post(team, items[0].text):
                await self._sent(token, [i.key for i in items])
                posted.update(i.key for i in items)
        report.sent_now.update(posted)
        return [item for item in batch if item.key not in posted]


@dataclass
class _Computed:
    """A day's reminders as computed, before queueing."""

    rows: list[Reminder]
    problems: Counter[str]
    seconds: dict[str, float]
    keep: bool

    @property
    def reminders(self) -> list[Reminder]:
        return self.rows if self.keep else []

    @property
    def found(self) -> int:
        return len(self.rows)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    def queued(self, items: list[OutboxItem], waiting: set[str]) -> Queued:
        """What was queued, given the keys of every row `waiting` to be sent once it was."""
        keys = frozenset(i.key for i in items)
        earlier, sent_before = frozenset(waiting - keys), len(keys - waiting)
        counts = len(items), earlier, sent_before, self.found, self.overdue
        kept = keys if self.keep else frozenset()
        return Queued(*counts, self.problems, self.seconds, kept, self.reminders)


@dataclass
class _Delivered:
    """Digests delivered and not yet marked sent: their keys, and how many digests."""

    keys: list[str] = field(default_factory=list)
    digests: int = 0

    def add(self, keys: list[str]) -> None:
        self.keys += keys
        self.digests += 1

    def take(self) -> tuple[list[str], int]:
        """Everything delivered so far, emptied: a failed mark is not tried twice."""
        taken = self.keys, self.digests
        self.keys, self.digests = [], 0
        return taken


@dataclass
class _Failed:
    """Rows not delivered: those whose send failed, and those of people with nowhere to be
    sent (held back by the server: see `Sweeper.unreachable_retry`)."""

    keys: list[str] = field(default_factory=list)
    sent_to_nowhere: list[str] = field(default_factory=list)

    def add(self, keys: list[str], *, nowhere: bool) -> None:
        (self.sent_to_nowhere if nowhere else self.keys).extend(keys)


def _found(report: SweepReport, queued: Queued) -> None:
    report.reminders, report.problems = queued.reminders, queued.problems
    report.found, report.overdue = queued.found, queued.overdue
    report.seconds |= queued.seconds


def _sent_before(report: SweepReport, queued: Queued, failed: set[str]) -> None:
    """The day's rows this run neither sent nor failed to send were sent by an earlier run
    (or are being sent right now by a concurrent one): `sent` is false for them."""
    if queued.keys:
        report.sent_before = set(queued.keys) - report.sent_now - failed
        report.sent_before_count = len(report.sent_before)
    else:  # as counted once queued (a concurrent run sending them since is not counted)
        report.sent_before_count = queued.sent_before


def _outbox_items(reminders: list[Reminder]) -> list[OutboxItem]:
    """The reminders as outbox rows, by person."""
    items = [OutboxItem(r.key, r.to, r.kind, r.case_ref, r.due, r.text) for r in reminders]
    items.sort(key=lambda i: i.person_id)
    return items


def _whole_people(items: list[OutboxItem], size: int) -> list[list[OutboxItem]]:
    """`items` (by person) in batches of about `size`, each person's rows in one batch."""
    batches: list[list[OutboxItem]] = []
    for _, rows in by_person(items):
        if batches and len(batches[-1]) < size:
            batches[-1] += rows
        else:
            batches.append(rows)
    return batches


def _queue_batch(
    tx: SqlTransaction, *, items: list[OutboxItem], on: date, swept: int | None
) -> None:
    """Queue reminders; with `swept` (the day's count, given with the last of them), record
    in the same commit that the day was swept."""
    tx.outbox.enqueue(items, on, token=None, now=None)
    if swept is not None:
        tx.outbox.mark_swept(on, datetime.now(UTC), swept)


def _give_back(tx: SqlTransaction, *, token: str, failed: _Failed, held: datetime | None) -> None:
    tx.outbox.release(token, failed.keys)
    tx.outbox.release(token, failed.sent_to_nowhere, claimed_at=held)


def load_snapshot(
    tx: SqlTransaction,
    on: date,
    case_horizon: date,
    case_subjects: Callable[[Person], bool] = lambda person: False,
) -> Snapshot:
    """Everything the day's reminders are computed from, in one consistent read. The cases
    of people for whom `case_subjects` holds are loaded whole, for subjects scheduled from
    allocation (case summaries, plan reviews)."""
    directory = tx.directory
    people = {p.id: p for p in directory.people()}
    wanted = [p.id for p in people.values() if case_subjects(p)]
    cancellations = directory.unrebooked_cancellations(on - REBOOK_LOOKBACK)
    return Snapshot(
        people=people,
        cases=directory.cases_with_last_session(held_before=case_horizon),
        last_individual=directory.last_individual(),
        last_group=directory.last_group(),
        open_records=directory.open_records(),
        cancellations=cancellations,
        sickness=tx.person_events.sickness([c.key for c in cancellations]),
        on_leave=directory.on_leave(on),
        rota=tx.rota.sessions(start=on, end=on + ROTA_LOOKAHEAD),
        sent_agendas=tx.agendas.sent(),
        case_events=tx.events.open(),
        supervisor_changes=tx.person_events.supervisor_changes(),
        absences=tx.person_events.absences(on, on + ABSENCE_LOOKAHEAD),
        subject_cases=[c for chunk in _chunks(wanted) for c in directory.cases_of(chunk)],
        last_observation=directory.last_held("observation"),
        last_agreement=directory.last_held("agreement"),
    )


def _chunks(ids: list[str], size: int = 1_000) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@contextmanager
def _timed(seconds: dict[str, float], phase: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds[phase] = round(time.perf_counter() - started, 3)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a sweep: it builds hundreds of thousands of
    small objects, none in cycles, and collecting as they arrive cost about 40% of the load
    time on the national-scale benchmark. Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def next_sweep(now: datetime, at: datetime) -> datetime:
    """The next time the daily sweep runs: today at `at`'s time if still ahead, else tomorrow."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def next_after_sweep(now: datetime, at: datetime, after: timedelta) -> datetime:
    """The next time `after` past the daily sweep at `at`'s time (what follows the sweep: the
    managers' digests, the kept report figures): today's if still ahead, else tomorrow's. A
    server started between the sweep and `after` past it still runs today's."""
    return next_sweep(now - after, at) + after
