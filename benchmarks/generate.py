"""Generate a national-scale directory for the sweep benchmark, through the import code path.

    python -m benchmarks.generate --url sqlite:///national.db [--staff 50000 --cases 500000 --sessions 2000000]

Deterministic (seeded). About 85% of people and cases had their last session within the
last 30 days, the rest 31-90 days ago. Teams of ten: a team manager and nine workers; team managers are
supervised by heads of service; each team follows one of the five policy packs. Sessions
reach back two years from the sweep day. Half the records of the last week are still to be
written; older records are 98% written, and 97% of those are agreed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from datetime import date, timedelta

from policies.vocabulary import CaseType
from storage.db import create_engine, migrate
from storage.directory import DirectorySql
from storage.records import Case, Person, Session

SWEEP_DAY = date(2026, 11, 23)
PACKS = ["bexley", "southwark", "manchester", "somerset", "central-bedfordshire"]
WORKER_ROLES = ["social_worker"] * 90 + ["nqsw"] * 5 + ["student"] * 2 + ["non_case_holding"] * 3
CHUNK = 20_000


def people(staff: int, rng: random.Random) -> list[Person]:
    heads = max(1, staff // 100)
    teams = (staff - heads) // 10
    result = [
        Person(
            f"H{h}",
            f"Head {h}",
            "team_manager",
            f"Leadership {h}",
            PACKS[h % 5],
            None,
            date(2015, 1, 1),
            False,
        )
        for h in range(heads)
    ]
    for t in range(teams):
        pack = PACKS[t % 5]
        result.append(
            Person(
                f"M{t}",
                f"Manager {t}",
                "team_manager",
                f"Team {t}",
                pack,
                f"H{t % heads}",
                date(2018, 1, 1),
                False,
            )
        )
        for w in range(9):
            role = rng.choice(WORKER_ROLES)
            started = SWEEP_DAY - timedelta(
                days=rng.randint(10, 3000) if role == "social_worker" else rng.randint(5, 300)
            )
            result.append(
                Person(
                    f"W{t}-{w}",
                    f"Worker {t}-{w}",
                    role,
                    f"Team {t}",
                    pack,
                    f"M{t}",
                    started,
                    role != "non_case_holding",
                )
            )
    return result[:staff]


def cases(workers: list[Person], count: int, rng: random.Random) -> list[Case]:
    types = [t.value for t in CaseType]
    return [
        Case(
            f"CR-{n}",
            rng.choice(workers).id,
            rng.choice(types),
            "high" if rng.random() < 0.2 else "standard",
            SWEEP_DAY - timedelta(days=rng.randint(1, 700)),
        )
        for n in range(count)
    ]


def sessions(
    staff: list[Person], open_cases: list[Case], count: int, rng: random.Random
) -> Iterator[Session]:
    """About half individual, 45% case and 5% group sessions, spaced back from the sweep day."""
    plans: list[tuple[str, str, str | None, str | None]] = [
        ("individual", p.id, p.supervisor_id, None) for p in staff if p.supervisor_id
    ]
    plans += [("case", c.worker_id, None, c.ref) for c in open_cases]
    per_plan = max(1, count // len(plans))
    managers = [p for p in staff if p.id.startswith("M")]
    supervisor_of = {p.id: p.supervisor_id for p in staff}
    made = 0
    for kind, supervisee, supervisor, case_ref in plans:
        day = SWEEP_DAY - timedelta(days=_days_since_last(rng))
        for _ in range(per_plan):
            if made >= count * 0.95:
                break
            yield _session(
                kind,
                day,
                supervisee,
                supervisor or supervisor_of[supervisee] or "H0",
                case_ref,
                rng,
            )
            made += 1
            day -= timedelta(days=rng.randint(21, 63))
    while made < count:
        manager = rng.choice(managers)
        yield _session(
            "group", SWEEP_DAY - timedelta(days=rng.randint(0, 730)), None, manager.id, None, rng
        )
        made += 1


def _days_since_last(rng: random.Random) -> int:
    """Most supervision is on time; about one in six is a few weeks late."""
    return rng.randint(0, 30) if rng.random() < 0.85 else rng.randint(31, 90)


def _session(
    kind: str,
    day: date,
    supervisee: str | None,
    supervisor: str,
    case_ref: str | None,
    rng: random.Random,
) -> Session:
    """Records are mostly written within a week and agreed within another; a few lag."""
    cancelled = rng.random() < 0.04
    age = (SWEEP_DAY - day).days
    written = not cancelled and rng.random() < (0.5 if age <= 7 else 0.98)
    recorded = day + timedelta(days=rng.randint(0, min(age, 5))) if written else None
    agreed = recorded is not None and rng.random() < (0.5 if age <= 14 else 0.97)
    signed = recorded + timedelta(days=rng.randint(0, 5)) if recorded and agreed else None
    if signed and signed > SWEEP_DAY:
        signed = None
    status = "cancelled" if cancelled else "held"
    return Session(kind, day, supervisee, supervisor, case_ref, status, recorded, signed)


def generate(url: str, staff: int, case_count: int, session_count: int) -> dict[str, float]:
    """Fill the database at `url`; returns seconds taken per table."""
    rng = random.Random(20261123)
    engine = create_engine(url)
    migrate(engine)
    timings: dict[str, float] = {}
    everyone = people(staff, rng)
    workers = [p for p in everyone if p.case_holding and p.id.startswith("W")]
    open_cases = cases(workers, case_count, rng)
    for name, rows in (
        ("people", everyone),
        ("cases", open_cases),
        ("sessions", sessions(everyone, open_cases, session_count, rng)),
    ):
        started = time.perf_counter()
        _load(engine, name, rows)
        timings[name] = round(time.perf_counter() - started, 1)
    if engine.dialect.name == "postgresql":
        # As after any large import: without statistics the planner chose a nested scan for
        # the sweep's unrebooked-cancellations query that ran for minutes (issue 16).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return timings


def _load(engine: object, name: str, rows: object) -> None:
    batch: list[object] = []
    with engine.begin() as connection:  # type: ignore[attr-defined]
        directory = DirectorySql(connection)
        upsert = getattr(directory, f"upsert_{name}")
        for row in rows:  # type: ignore[attr-defined]
            batch.append(row)
            if len(batch) == CHUNK:
                upsert(batch)
                batch.clear()
        upsert(batch)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--sessions", type=int, default=2_000_000)
    args = parser.parse_args()
    print(generate(args.url, args.staff, args.cases, args.sessions))


if __name__ == "__main__":
    main()
