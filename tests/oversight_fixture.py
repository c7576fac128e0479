"""A small team whose compliance for November 2026 is worked out by hand below.

Team North follows Manchester's pack (individual supervision every 4 weeks, case supervision
every 8 weeks, group supervision monthly, case records within 1 week; no sign-off window).
Period: 1-30 November 2026.

Due dates falling on a weekend or bank holiday are the working day before (policies.due).

Individual supervision (4 weeks = 28 days after the last held session):
- sw1 Sam: last 20 Oct → due 17 Nov; held 16 Nov → on time. Next due 14 Dec (after the period).
- sw2 Priya: last 1 Oct → due 29 Oct (open at the start); held 5 Nov → late by 7 days.
- sw3 Tom (NQSW): last 10 Oct → 7 Nov is a Saturday, so due Friday 6 Nov; nothing held →
  missed, 30 − 6 = 24 days overdue.
- m1 Maya (team manager): last 5 Oct → due 2 Nov; held 2 Nov → on time; next due 30 Nov, the
  last day, not judged yet.
- st1 Lee (student): Manchester sets no rule for students → not measured (no rule).
- sw4 Ana: on leave 1-20 Nov (20 of 30 days) → not measured (leave).
  Team: 4 due, 2 on time, 1 late, 1 missed, worst 24 days; 50 % on time.

Case records (within 1 week of a case session):
- CR-1 held 3 Nov, written 9 Nov (due 10 Nov) → on time.
- CR-3 held 5 Nov, written 14 Nov (due 12 Nov) → late by 2 days.
- CR-5 held 10 Nov, not written (due 17 Nov) → missed, 13 days by 30 Nov.
- CR-4 held 26 Nov, not written (due 3 Dec) → not due yet, not counted.
  Team: 3 due, 1 on time, 1 late, 1 missed, worst 13.

Cases on 30 November (8 weeks = 56 days after the last case supervision, or allocation):
- CR-2 (sw1): last 1 Sep → due 27 Oct → overdue 34 days. The other five are in time.
  Team: 6 open child-in-need cases, 1 overdue, longest 34 days.

Group supervision (monthly), run by m1: last 8 Oct → 8 Nov is a Sunday, so due Friday 6 Nov;
held 12 Nov → late by 6 days; next due 11 Dec. Team: 1 due, 0 on time, 1 late, worst 6.
"""

from __future__ import annotations

from datetime import date

from storage.directory import DirectorySql
from storage.records import Case, Person, Session
from storage.sql import SqlStore, SqlTransaction

TEAM = "North"
OTHER_TEAM = "South"
MONTH = "2026-11"


def person(
    pid: str,
    name: str,
    role: str,
    supervisor: str | None,
    *,
    team: str = TEAM,
    started: date = date(2020, 1, 1),
    chat: str | None = None,
) -> Person:
    # Each console user is also signed in to Microsoft Teams (Entra object id "oid-<name>").
    identities = (("console", chat), ("teams", f"oid-{chat}")) if chat else ()
    return Person(
        pid, name, role, team, "manchester", supervisor, started, role != "student", identities
    )


PEOPLE = [
    person(
        "h1",
        "Hana Head",
        "team_manager",
        None,
        team="Leadership",
        started=date(2015, 1, 1),
        chat="hana",
    ),
    person("m1", "Maya Manager", "team_manager", "h1", started=date(2018, 1, 1), chat="maya"),
    person("sw1", "Sam Social", "social_worker", "m1", chat="sam"),
    person("sw2", "Priya Patel", "social_worker", "m1"),
    person("sw3", "Tom Newman", "nqsw", "m1", started=date(2026, 9, 1)),
    person("st1", "Lee Learner", "student", "m1"),
    person("sw4", "Ana Away", "social_worker", "m1"),
    # Another team under the same head, with its own manager: Maya must not see it.
    person("m2", "Sol Other", "team_manager", "h1", team=OTHER_TEAM, chat="sol"),
    person("sw9", "Zed Else", "social_worker", "m2", team=OTHER_TEAM),
    # A quality-assurance reader (import column access = qa): reads the whole council.
    Person(
        "qa1",
        "Quinn Auditor",
        "business_support",
        "Quality",
        "manchester",
        None,
        date(2019, 1, 1),
        False,
        (),
        "qa",
    ),
]
CASES = [
    Case("CR-1", "sw1", "child_in_need", "standard", date(2026, 1, 1)),
    Case("CR-2", "sw1", "child_in_need", "standard", date(2026, 1, 1)),
    Case("CR-3", "sw2", "child_in_need", "standard", date(2026, 1, 1)),
    Case("CR-4", "sw2", "child_in_need", "standard", date(2026, 1, 1)),
    Case("CR-5", "sw3", "child_in_need", "standard", date(2026, 9, 15)),
    Case("CR-6", "sw3", "child_in_need", "standard", date(2026, 11, 1)),
    Case("CR-9", "sw9", "child_in_need", "standard", date(2026, 1, 1)),
]


def held(
    kind: str,
    day: date,
    who: str | None,
    boss: str,
    case: str | None = None,
    *,
    recorded: date | None = None,
) -> Session:
    return Session(kind, day, who, boss, case, "held", recorded)


SESSIONS = [
    held("individual", date(2026, 10, 20), "sw1", "m1"),
    held("individual", date(2026, 11, 16), "sw1", "m1"),
    held("individual", date(2026, 10, 1), "sw2", "m1"),
    held("individual", date(2026, 11, 5), "sw2", "m1"),
    held("individual", date(2026, 10, 10), "sw3", "m1"),
    held("individual", date(2026, 10, 5), "m1", "h1"),
    held("individual", date(2026, 11, 2), "m1", "h1"),
    held("case", date(2026, 11, 3), "sw1", "m1", "CR-1", recorded=date(2026, 11, 9)),
    held("case", date(2026, 9, 1), "sw1", "m1", "CR-2", recorded=date(2026, 9, 2)),
    held("case", date(2026, 11, 5), "sw2", "m1", "CR-3", recorded=date(2026, 11, 14)),
    held("case", date(2026, 11, 26), "sw2", "m1", "CR-4"),
    held("case", date(2026, 11, 10), "sw3", "m1", "CR-5"),
    held("group", date(2026, 10, 8), None, "m1"),
    held("group", date(2026, 11, 12), None, "m1"),
    held("individual", date(2026, 11, 10), "sw9", "m2"),
]
LEAVE = [("sw4", date(2026, 11, 1), date(2026, 11, 20))]


def load(tx: SqlTransaction) -> None:
    directory: DirectorySql = tx.directory
    directory.upsert_people(PEOPLE)
    directory.upsert_cases(CASES)
    directory.upsert_sessions(SESSIONS)
    for who, start, end in LEAVE:
        directory.add_leave(who, start, end)


def load_again(tx: SqlTransaction) -> None:
    """The same people, cases and sessions imported once more (leave is added, not upserted)."""
    tx.directory.upsert_people(PEOPLE)
    tx.directory.upsert_cases(CASES)
    tx.directory.upsert_sessions(SESSIONS)


async def seed(store: SqlStore) -> None:
    await store.run_sql(load)
