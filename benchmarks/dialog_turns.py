"""Complete case preparation dialogs through the service, engine and real storage.

Each conversation is ten turns (/prep, statements 1-4, key dates, the child's voice twice,
the rationale, confirm; /agenda is not included). Reports turns per second and p50/p99 turn latency.

    python -m benchmarks.dialog_turns --conversations 10000 --backends sqlite,postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

from benchmarks.databases import scratch_database
from bot.bootstrap import build_assistant
from bot.config import Config
from dialogs.messages import Inbound
from storage.db import create_engine, migrate
from storage.sealing import NO_KEYS, new_key_entry, parse_keys
from storage.sql import SqlStore

SCRIPT = [
    "/prep CR-{n}",
    "Worried about school attendance and a bruise seen on {n}",
    "Grandmother visits daily and the school reports progress",
    "Visit on Monday and speak to the school nurse",
    "skip",
    "Review conference on the 4th",
    "She says home is calm most of the time",
    "skip",
    "skip",
    "confirm",
]


async def run(
    backend: str, conversations: int, encrypted: bool = False
) -> dict[str, float | int | str]:
    """Run the dialogs sequentially in one process and return the figures."""
    keyring = parse_keys(new_key_entry("bench")) if encrypted else NO_KEYS
    async with scratch_database(backend) as url:
        engine = create_engine(url, keyring=keyring)
        migrate(engine)
        assistant = build_assistant(Config(), SqlStore(engine=engine))
        latencies: list[float] = []
        started = time.perf_counter()
        for n in range(conversations):
            person = f"worker-{n}"
            for line in SCRIPT:
                begin = time.perf_counter()
                await assistant.handle(Inbound(person, "bench", line.format(n=n)))
                latencies.append(time.perf_counter() - begin)
        elapsed = time.perf_counter() - started
        engine.dispose()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "backend": backend,
        "encrypted": encrypted,
        "conversations": conversations,
        "turns": len(ms),
        "seconds": round(elapsed, 2),
        "turns_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 3),
        "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 3),
        "max_ms": round(ms[-1], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--encrypted", action="store_true", help="Seal with a data key.")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/dialog_turns.json"))
    args = parser.parse_args()
    results = [
        asyncio.run(run(b, args.conversations, args.encrypted)) for b in args.backends.split(",")
    ]
    for result in results:
        print(json.dumps(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
