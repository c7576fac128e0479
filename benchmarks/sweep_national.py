"""The national-scale sweep benchmark: generate, then sweep, on SQLite and PostgreSQL.

    python -m benchmarks.sweep_national [--staff 50000 --cases 500000 --sessions 2000000] [--backends sqlite,postgresql]

Target (issue 3): on SQLite the sweep under 10 s and under 1 GiB resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from benchmarks.databases import scratch_database


async def run(backend: str, staff: int, cases: int, sessions: int) -> list[dict[str, object]]:
    async with scratch_database(backend) as url:
        size = ["--staff", str(staff), "--cases", str(cases), "--sessions", str(sessions)]
        generated = subprocess.run(
            [sys.executable, "-m", "benchmarks.generate", "--url", url, *size],
            check=True,
            capture_output=True,
            text=True,
        )
        # SQLite: a copy of the generated database for each further setting (a sweep marks
        # what it sent, so each needs the data as generated): `synchronous` NORMAL, and the
        # default FULL with 50 digests' sent marks sharing a commit (a kill re-sends <= 50).
        targets = [(url, "full", 1)]
        if backend == "sqlite":
            targets += [(_copy(url, "normal"), "normal", 1), (_copy(url, "shared"), "full", 50)]
        swept = [
            subprocess.run(
                [
                    *(sys.executable, "-m", "benchmarks.sweep", "--url", target),
                    *("--synchronous", sync, "--digests-per-commit", str(per_commit)),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            for target, sync, per_commit in targets
        ]
    return [
        {
            "backend": backend,
            "staff": staff,
            "cases": cases,
            "sessions": sessions,
            "generate_seconds": generated.stdout.strip(),
            **json.loads(run.stdout),
        }
        for run in swept
    ]


def _copy(url: str, name: str) -> str:
    source = url.removeprefix("sqlite:///")
    target = f"{source}.{name}.db"
    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)
    return f"sqlite:///{target}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--sessions", type=int, default=2_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/sweep_national.json"))
    args = parser.parse_args()
    results = [
        row
        for b in args.backends.split(",")
        for row in asyncio.run(run(b, args.staff, args.cases, args.sessions))
    ]
    for result in results:
        print(json.dumps(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
