"""The reminder sweep on SQLite and PostgreSQL: outbox, digests, exactly-once."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.bootstrap import build_sweeper
from bot.config import Config, RemindersConfig
from bot.operations.importer import import_file
from bot.operations.reminders import CLAIM_ROWS, Sweeper, load_snapshot
from policies.assignment import PackAssignment
from policies.packs import load_packs
from policies.reminders import case_horizon, compute
from storage.db import create_engine
from storage.records import Case, OutboxItem
from storage.sql import SqlStore
from tests.factories import a_team, person, session

MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


class RecordingNotifier:
    """A fake channel: records every digest. People in `unreachable` have nowhere to be sent
    (no chat identity); a send to someone in `failing` fails (the service refused it)."""

    def __init__(
        self, unreachable: set[str] | None = None, failing: set[str] | None = None
    ) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.unreachable = unreachable or set()
        self.failing = failing or set()

    async def look_up(self, person_ids: list[str]) -> set[str]:
        return self.unreachable.intersection(person_ids)

    async def deliver(self, person_id: str, text: str) -> bool:
        if person_id in self.unreachable | self.failing:
            return False
        self.delivered.append((person_id, text))
        return True


async def seed(store: SqlStore) -> None:
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people(a_team())
        directory.upsert_cases(
            [Case("CR-1", "sw1", "child_protection", "standard", date(2026, 1, 1))]
        )
        directory.upsert_sessions(
            [
                session("individual", "2026-09-01", "sw1"),  # long overdue: escalates
                session("individual", "2026-10-26", "sw2"),  # due 26 Nov
                session("case", "2026-10-20", "sw1", case_ref="CR-1"),  # due 20 Nov
                session("group", "2026-11-09", None),  # fortnightly: due 23 Nov
            ]
        )

    await store.run_sql(load)


def sweeper(store: SqlStore, notifier: RecordingNotifier, digests_per_commit: int = 1) -> Sweeper:
    config = Config(reminders=RemindersConfig(digests_per_commit=digests_per_commit))
    return build_sweeper(config, store, notifier)


async def test_a_sweep_sends_one_digest_per_person_and_a_second_sweep_sends_nothing(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    notifier = RecordingNotifier()
    first = await sweeper(sql_store, notifier).sweep(MONDAY, NOW)
    assert first.sent_now == {r.key for r in first.reminders} and first.sent_before == set()
    people = [p for p, _ in notifier.delivered]
    assert sorted(people) == sorted(set(people)) == ["hos", "sw1", "sw2", "tm1"]
    tom = dict(notifier.delivered)["tm1"]
    assert tom.startswith("Supervision reminders for Monday 23 November 2026:")
    assert "Case supervision for CR-1 (Sara Worker) is overdue" in tom
    second = await sweeper(sql_store, notifier).sweep(MONDAY, NOW)
    assert second.sent_now == set() and second.sent_before == first.sent_now
    assert len(notifier.delivered) == 4


async def test_two_sweeps_at_once_on_two_machines_send_each_reminder_once(
    database_url: str,
) -> None:
    stores = [SqlStore(engine=create_engine(database_url)) for _ in range(2)]
    try:
        await seed(stores[0])
        notifiers = [RecordingNotifier(), RecordingNotifier()]
        reports = await asyncio.gather(
            *(sweeper(s, n).sweep(MONDAY, NOW) for s, n in zip(stores, notifiers, strict=True))
        )
        sent = [key for report in reports for key in report.sent_now]
        assert len(sent) == len(set(sent)) == len(reports[0].reminders)
        digests = Counter(person for n in notifiers for person, _ in n.delivered)
        assert set(digests) == {"hos", "sw1", "sw2", "tm1"}
        lines = sum(text.count("\n- ") for n in notifiers for _, text in n.delivered)
        assert lines == len(sent)
    finally:
        for store in stores:
            await store.close()


async def test_many_concurrent_sweeps_still_send_each_reminder_once(database_url: str) -> None:
    stores = [SqlStore(engine=create_engine(database_url)) for _ in range(4)]
    try:
        await seed(stores[0])
        notifier = RecordingNotifier()
        reports = await asyncio.gather(*(sweeper(s, notifier).sweep(MONDAY, NOW) for s in stores))
        lines = sum(text.count("\n- ") for _, text in notifier.delivered)
        assert lines == len(reports[0].reminders) == len({k for r in reports for k in r.sent_now})
    finally:
        for store in stores:
            await store.close()


async def test_a_dry_run_writes_and_sends_nothing(sql_store: SqlStore) -> None:
    await seed(sql_store)
    notifier = RecordingNotifier()
    report = await sweeper(sql_store, notifier).sweep(MONDAY, NOW, dry_run=True)
    assert report.reminders and report.sent_now == set() and notifier.delivered == []
    later = await sweeper(sql_store, notifier).sweep(MONDAY, NOW)
    assert later.sent_before == set()


class CollectorWatchingNotifier(RecordingNotifier):
    """Notes whether the cyclic garbage collector was on at each send."""

    def __init__(self) -> None:
        super().__init__()
        self.collecting: list[bool] = []

    async def deliver(self, person_id: str, text: str) -> bool:
        self.collecting.append(gc.isenabled())
        return await super().deliver(person_id, text)


async def test_computed_here_the_collector_waits_for_the_sweep_to_end(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    by_hand = CollectorWatchingNotifier()  # its reminders stay alive while they are sent
    await sweeper(sql_store, by_hand).sweep(MONDAY, NOW)
    assert by_hand.collecting == [False] * 4 and gc.isenabled()


async def test_computed_elsewhere_the_collector_runs_while_the_digests_are_sent(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    server = CollectorWatchingNotifier()  # as `sva serve`, whose child computes the day
    server_sweeper = sweeper(sql_store, server)
    await server_sweeper.sweep(MONDAY, NOW, queue=server_sweeper.queue_day)
    assert server.collecting == [True] * 4 and gc.isenabled()


async def test_nothing_on_a_weekend_or_a_bank_holiday(sql_store: SqlStore) -> None:
    await seed(sql_store)
    notifier = RecordingNotifier()
    for day in (date(2026, 11, 22), date(2026, 12, 28)):
        report = await sweeper(sql_store, notifier).sweep(day, NOW)
        assert report.quiet and report.reminders == []
    assert notifier.delivered == []


async def test_people_on_leave_are_not_chased(sql_store: SqlStore) -> None:
    await seed(sql_store)
    await sql_store.run_sql(
        lambda tx: tx.directory.add_leave("sw1", date(2026, 11, 16), date(2026, 11, 27))
    )
    notifier = RecordingNotifier()
    report = await sweeper(sql_store, notifier).sweep(MONDAY, NOW)
    assert "sw1" not in {r.to for r in report.reminders}
    assert "tm1" in {r.to for r in report.reminders}


async def test_an_unreachable_person_is_reported_and_sent_to_once_reachable(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    first = await sweeper(sql_store, RecordingNotifier(unreachable={"sw2"})).sweep(MONDAY, NOW)
    assert first.unreachable == ["sw2"]
    notifier = RecordingNotifier()
    await sweeper(sql_store, notifier).sweep(MONDAY, NOW + timedelta(hours=1))
    assert [p for p, _ in notifier.delivered] == ["sw2"]


def held_back(store: SqlStore, notifier: RecordingNotifier) -> Sweeper:
    """The server's sweeper: someone unreachable is tried again after half an hour."""
    return dataclasses.replace(sweeper(store, notifier), unreachable_retry=timedelta(minutes=30))


async def test_the_server_tries_someone_unreachable_again_only_after_the_retry_time(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    first = await held_back(sql_store, RecordingNotifier(unreachable={"sw2"})).sweep(MONDAY, NOW)
    assert first.unreachable == ["sw2"]
    notifier = RecordingNotifier()  # Sam has linked his chat since
    # Past the 15-minute lease, not yet past the half hour: still held back.
    soon = await held_back(sql_store, notifier).dispatch(MONDAY, NOW + timedelta(minutes=20), first)
    assert notifier.delivered == [] and soon == set()
    await held_back(sql_store, notifier).dispatch(MONDAY, NOW + timedelta(minutes=31), first)
    assert [p for p, _ in notifier.delivered] == ["sw2"]


async def test_the_server_tries_again_at_once_after_a_send_that_failed(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    first = await held_back(sql_store, RecordingNotifier(failing={"sw2"})).sweep(MONDAY, NOW)
    assert first.unreachable == ["sw2"]  # Sam is on Slack, but Slack refused the message
    notifier = RecordingNotifier()
    await held_back(sql_store, notifier).dispatch(MONDAY, NOW + timedelta(seconds=30), first)
    assert [p for p, _ in notifier.delivered] == ["sw2"]


async def test_a_run_by_hand_tries_at_once_whoever_the_server_held_back(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    await held_back(sql_store, RecordingNotifier(unreachable={"sw2"})).sweep(MONDAY, NOW)
    notifier = RecordingNotifier()
    await sweeper(sql_store, notifier).sweep(MONDAY, NOW + timedelta(minutes=1))
    assert [p for p, _ in notifier.delivered] == ["sw2"]


async def test_rows_claimed_by_a_crashed_dispatcher_are_sent_after_the_lease(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    items = await _enqueue_and_crash(sweeper(sql_store, RecordingNotifier()))
    assert items
    notifier = RecordingNotifier()
    soon = await sweeper(sql_store, notifier).sweep(MONDAY, NOW + timedelta(minutes=5))
    assert not soon.sent_now & items
    later = await sweeper(sql_store, notifier).sweep(MONDAY, NOW + timedelta(minutes=20))
    assert items <= later.sent_now


async def _enqueue_and_crash(s: Sweeper) -> set[str]:
    """Enqueue the day's reminders, claimed by a sweep that then died before sending."""
    horizon = case_horizon(s.assignment.packs.values(), MONDAY, s.settings)
    snapshot = await s.store.run_sql(lambda tx: load_snapshot(tx, MONDAY, horizon))
    reminders = compute(snapshot, s.assignment, MONDAY, s.settings).reminders
    items = [OutboxItem(r.key, r.to, r.kind, r.case_ref, r.due, r.text) for r in reminders]
    await s.store.run_sql(lambda tx: tx.outbox.enqueue(items, MONDAY, token="dead", now=NOW))
    return {i.key for i in items}


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (no release, no except clauses)."""


class DyingNotifier(RecordingNotifier):
    """Delivers `survives` digests, then the process 'dies' right after the next delivery."""

    def __init__(self, survives: int) -> None:
        super().__init__()
        self.survives = survives

    async def deliver(self, person_id: str, text: str) -> bool:
        await super().deliver(person_id, text)
        if len(self.delivered) > self.survives:
            raise Killed
        return True


async def seed_many(store: SqlStore, teams: int, size: int) -> None:
    people, sessions = [], []
    for t in range(teams):
        people.append(person(f"tm{t:03d}", role="team_manager", team=f"T{t}", supervisor=None))
        for w in range(size):
            pid = f"sw{t:03d}-{w:02d}"
            people.append(person(pid, team=f"T{t}", supervisor=f"tm{t:03d}"))
            sessions.append(session("individual", "2026-09-01", pid))

    def load(tx: object) -> None:
        tx.directory.upsert_people(people)  # type: ignore[attr-defined]
        tx.directory.upsert_sessions(sessions)  # type: ignore[attr-defined]

    await store.run_sql(load)


async def test_a_killed_sweeper_resends_at_most_one_digest_and_the_others_carry_on_at_once(
    sql_store: SqlStore,
) -> None:
    await seed_many(sql_store, teams=60, size=10)  # 660 people, each with a digest due
    dying = DyingNotifier(survives=300)
    with contextlib.suppress(Killed):
        await sweeper(sql_store, dying).sweep(MONDAY, NOW)
    survivor = RecordingNotifier()
    await sweeper(sql_store, survivor).sweep(MONDAY, NOW + timedelta(seconds=5))
    stranded = 660 - len(dying.delivered) - len(survivor.delivered)
    assert 0 <= stranded <= CLAIM_ROWS  # only the dead sweeper's last small batch waits
    after_lease = RecordingNotifier()
    await sweeper(sql_store, after_lease).sweep(MONDAY, NOW + timedelta(minutes=20))
    everyone = Counter(p for n in (dying, survivor, after_lease) for p, _ in n.delivered)
    assert len(everyone) == 660
    assert sum(everyone.values()) - 660 <= 1  # the digest being delivered at the kill


async def test_digests_sharing_a_commit_are_re_sent_at_most_that_many_after_a_kill(
    sql_store: SqlStore,
) -> None:
    await seed_many(sql_store, teams=60, size=10)
    dying = DyingNotifier(survives=310)  # killed 11 digests after a shared commit of 25
    with contextlib.suppress(Killed):
        await sweeper(sql_store, dying, digests_per_commit=25).sweep(MONDAY, NOW)
    after_lease = RecordingNotifier()
    await sweeper(sql_store, after_lease).sweep(MONDAY, NOW + timedelta(minutes=20))
    everyone = Counter(p for n in (dying, after_lease) for p, _ in n.delivered)
    assert len(everyone) == 660
    assert 1 < sum(everyone.values()) - 660 <= 25  # the kill fell between two shared commits


class FailingNotifier(RecordingNotifier):
    """Delivers `survives` digests, then its service fails with an error."""

    def __init__(self, survives: int) -> None:
        super().__init__()
        self.survives = survives

    async def deliver(self, person_id: str, text: str) -> bool:
        if len(self.delivered) == self.survives:
            raise RuntimeError("the chat service went away")
        return await super().deliver(person_id, text)


async def test_digests_delivered_before_an_error_are_marked_sent_though_their_commit_was_shared(
    sql_store: SqlStore,
) -> None:
    await seed_many(sql_store, teams=6, size=10)  # 66 people
    failing = FailingNotifier(survives=30)
    with contextlib.suppress(RuntimeError):
        await sweeper(sql_store, failing, digests_per_commit=25).sweep(MONDAY, NOW)
    after_lease = RecordingNotifier()
    await sweeper(sql_store, after_lease).sweep(MONDAY, NOW + timedelta(minutes=20))
    everyone = Counter(p for n in (failing, after_lease) for p, _ in n.delivered)
    assert len(everyone) == 66 and set(everyone.values()) == {1}


async def test_the_sweep_reads_case_events_and_case_subjects_from_the_database(
    sql_store: SqlStore,
) -> None:
    # bexley:102-103 decisions discussed in supervision; manchester:351-355 case summaries
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people(
            [
                *a_team(),
                person("bx1", policy="bexley", name="Bea Bexley"),
                person("mc1", policy="manchester", name="Max Manc"),
            ]
        )
        directory.upsert_cases(
            [
                Case("CR-B", "bx1", "child_in_need", "standard", date(2026, 1, 1)),
                Case("CR-M", "mc1", "child_in_need", "standard", date(2026, 8, 25)),
            ]
        )
        directory.upsert_sessions(
            [
                session("individual", "2026-10-28", "bx1"),  # next due 25 Nov
                session("case", "2026-11-20", "mc1", case_ref="CR-M"),  # just supervised
            ]
        )
        tx.events.add([("CR-B", "closure", date(2026, 11, 20))], "decision")  # type: ignore[attr-defined]

    await sql_store.run_sql(load)
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    found = {(r.kind, r.case_ref, r.due) for r in report.reminders if r.to == "tm1"}
    assert ("decision-discussion", "CR-B", date(2026, 11, 25)) in found
    assert ("case-summary", "CR-M", date(2026, 11, 25)) in found


async def test_a_change_of_supervisor_brings_the_somerset_agreement_due_in_the_sweep(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    # somerset:162 a supervision agreement within one month of a change in supervisor
    header = (
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat,supervisor_since\n"
    )
    people = (
        "hos,Hana Head,team_manager,Leadership,,,2018-01-01,false,,\n"
        "tm1,Tom Manager,team_manager,Team A,,hos,2018-01-01,false,,\n"
        "tm2,Tia Manager,team_manager,Team A,,hos,2018-01-01,false,,\n"
        "sm1,Sam Somerset,social_worker,Team A,somerset,{boss},2020-01-01,true,,{since}\n"
    )
    packs = PackAssignment(packs=load_packs(), default="southwark", teams={})
    first = tmp_path / "first.csv"
    first.write_text(header + people.format(boss="tm1", since=""), encoding="utf-8")
    assert (await import_file(sql_store, "people", first, packs)).problems == []
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    assert not [r for r in report.reminders if r.kind == "agreement"]
    moved = tmp_path / "moved.csv"
    moved.write_text(header + people.format(boss="tm2", since="2026-10-27"), encoding="utf-8")
    assert (await import_file(sql_store, "people", moved, packs)).problems == []
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    found = [(r.to, r.due) for r in report.reminders if r.kind == "agreement"]
    assert found == [("tm2", date(2026, 11, 27))]
    text = next(r.text for r in report.reminders if r.kind == "agreement")
    assert "Sam Somerset" in text and "change of supervisor" in text
    signed = [session("agreement", "2026-11-20", "sm1")]
    await sql_store.run_sql(lambda tx: tx.directory.upsert_sessions(signed))  # type: ignore[attr-defined]
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    assert not [r for r in report.reminders if r.kind == "agreement"]  # signed: not chased


async def test_a_supervisor_absent_over_the_packs_threshold_brings_cover_to_their_manager(
    sql_store: SqlStore,
) -> None:
    # central-bedfordshire:338-340 a supervisor absent for more than 2 weeks: the
    # supervisee reports to the supervisor's line manager for cover
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people(
            [
                person("hos", role="team_manager", supervisor=None, name="Hana Head"),
                person("tm1", role="team_manager", supervisor="hos", name="Tom Manager"),
                person("tm2", role="team_manager", supervisor="hos", name="Tia Manager"),
                person("cb1", policy="central-bedfordshire", name="Cara Beds"),
                person("cb2", policy="central-bedfordshire", supervisor="tm2", name="Cole Beds"),
            ]
        )
        directory.add_leave("tm1", date(2026, 11, 12), date(2026, 12, 4))  # 23 days
        directory.add_leave("tm2", date(2026, 11, 12), date(2026, 11, 25))  # 14 days: not more

    await sql_store.run_sql(load)
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    found = sorted((r.to, r.due) for r in report.reminders if r.kind == "supervisor-absence")
    assert found == [("cb1", date(2026, 11, 26)), ("hos", date(2026, 11, 26))]
    cover = {r.to: r.text for r in report.reminders if r.kind == "supervisor-absence"}
    assert "Cara Beds" in cover["hos"] and "Tom Manager is away" in cover["hos"]
    assert "ask Hana Head for cover" in cover["cb1"]


async def test_a_cancellation_through_sickness_is_rebooked_from_the_return_to_work(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    # central-bedfordshire:334-336 (and 381-384): within 5 working days of the return to work
    packs = PackAssignment(packs=load_packs(), default="southwark", teams={})
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
        "tm1,Tom Manager,team_manager,Team A,,,2018-01-01,false,\n"
        "cb1,Cara Beds,social_worker,Team A,central-bedfordshire,tm1,2020-01-01,true,\n"
        "cb2,Cole Beds,social_worker,Team A,central-bedfordshire,tm1,2020-01-01,true,\n"
        "cb3,Cleo Beds,social_worker,Team A,central-bedfordshire,tm1,2020-01-01,true,\n",
        encoding="utf-8",
    )
    assert (await import_file(sql_store, "people", people, packs)).problems == []
    sessions = tmp_path / "sessions.csv"
    sessions.write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status,reason,returned_on\n"
        "individual,2026-11-02,cb1,tm1,,cancelled,sickness,2026-11-20\n"
        "individual,2026-11-02,cb2,tm1,,cancelled,,\n"
        "individual,2026-11-02,cb3,tm1,,cancelled,sickness,\n",  # not back yet: waits
        encoding="utf-8",
    )
    assert (await import_file(sql_store, "sessions", sessions, packs)).problems == []
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    found = {(r.due, r.overdue): r.text for r in report.reminders if r.kind == "rebook"}
    assert sorted(found) == [(date(2026, 11, 9), True), (date(2026, 11, 27), False)]
    assert "Cara Beds" in found[(date(2026, 11, 27), False)]
    assert "return to work on Fri 20 Nov 2026" in found[(date(2026, 11, 27), False)]


async def test_a_sickness_reason_is_checked_on_import(sql_store: SqlStore, tmp_path: Path) -> None:
    packs = PackAssignment(packs=load_packs(), default="southwark", teams={})
    await sql_store.run_sql(lambda tx: tx.directory.upsert_people(a_team()))
    path = tmp_path / "sessions.csv"
    path.write_text(
        "kind,date,supervisee_id,supervisor_id,case_ref,status,reason,returned_on\n"
        "individual,2026-11-02,sw1,tm1,,held,sickness,2026-11-20\n"
        "individual,2026-11-02,sw2,tm1,,cancelled,flu,\n"
        "individual,2026-11-03,sw2,tm1,,cancelled,,2026-11-20\n"
        "individual,2026-11-04,sw2,tm1,,cancelled,sickness,2026-11-01\n",
        encoding="utf-8",
    )
    assert (await import_file(sql_store, "sessions", path, packs)).problems == [
        f"{path}:2: reason: is only for a cancelled session",
        f"{path}:3: reason: 'flu' is not sickness (or empty)",
        f"{path}:4: returned_on: is only for a cancellation through sickness (reason)",
        f"{path}:5: returned_on: is before the cancelled session",
    ]


async def test_a_change_of_supervisor_brings_the_records_handover_to_both_supervisors(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    # bexley:212-213 records passed to the new supervisor when supervision is transferred
    header = (
        "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat,supervisor_since\n"
    )
    people = (
        "hos,Hana Head,team_manager,Leadership,,,2018-01-01,false,,\n"
        "tm1,Tom Manager,team_manager,Team A,,hos,2018-01-01,false,,\n"
        "tm2,Tia Manager,team_manager,Team A,,hos,2018-01-01,false,,\n"
        "bx1,Bea Bexley,social_worker,Team A,bexley,{boss},2020-01-01,true,,{since}\n"
        "sw1,Sara Worker,social_worker,Team A,southwark,{boss},2020-01-01,true,,{since}\n"
    )
    packs = PackAssignment(packs=load_packs(), default="southwark", teams={})
    for boss, since in (("tm1", ""), ("tm2", "2026-11-16")):
        path = tmp_path / f"{boss}.csv"
        path.write_text(header + people.format(boss=boss, since=since), encoding="utf-8")
        assert (await import_file(sql_store, "people", path, packs)).problems == []
    await sql_store.run_sql(
        lambda tx: tx.directory.upsert_sessions([session("individual", "2026-10-28", "bx1")])
    )
    report = await sweeper(sql_store, RecordingNotifier()).sweep(MONDAY, NOW, dry_run=True)
    found = {r.to: r for r in report.reminders if r.kind == "records-to-new-supervisor"}
    assert sorted((to, r.due) for to, r in found.items()) == [
        ("tm1", date(2026, 11, 25)),  # Bexley 4-weekly from 28 Oct: the next supervision
        ("tm2", date(2026, 11, 25)),
    ]
    assert "pass Bea Bexley's supervision records to Tia Manager" in found["tm1"].text
    assert "Bea Bexley's supervision records from Tom Manager" in found["tm2"].text


async def test_a_southwark_supervisor_absent_over_a_supervision_brings_cover(
    sql_store: SqlStore,
) -> None:
    # southwark:398-402 long-term absence: senior management arranges other supervision.
    # 'Long-term' has no number: read as an absence over the supervisee's next supervision.
    def load(tx: object) -> None:
        directory = tx.directory  # type: ignore[attr-defined]
        directory.upsert_people(a_team())
        directory.upsert_sessions(
            [
                session("individual", "2026-11-02", "sw1"),  # next due 2 Dec: while away
                session("individual", "2026-11-20", "sw2"),  # next due 20 Dec: back by then
            ]
        )
        directory.add_leave("tm1", date(2026, 11, 16), date(2026, 12, 11))

    await sql_store.run_sql(load)
    on = date(2026, 11, 30)
    report = await sweeper(sql_store, RecordingNotifier()).sweep(on, NOW, dry_run=True)
    found = sorted((r.to, r.due) for r in report.reminders if r.kind == "supervisor-absence")
    assert found == [("hos", date(2026, 12, 2)), ("sw1", date(2026, 12, 2))]
