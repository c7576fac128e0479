"""Bare-driver floors, measured in the same run as the figure they are compared with.

A floor is what the database driver alone does for the same durable work: for a dialog turn,
one upsert of a conversation-sized row and a commit (the same journal and synchronous
settings as the store uses). Dividing a figure by its floor gives a ratio that means the same
on a fast laptop and on a busy two-core machine.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import psycopg

# About the size of a stored preparation conversation halfway through.
DATA = json.dumps(
    {
        "answers": {
            "worries": "Worried about school attendance and a bruise seen on the arm " * 2,
            "working_well": "Grandmother visits daily and the school reports progress",
        },
        "context": {"case_ref": "CR-1234", "variant": "standard"},
    }
)
SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS floor_conversations (person_id TEXT PRIMARY KEY, "
    "state TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL)"
)
UPSERT = (
    "INSERT INTO floor_conversations (person_id, state, data, version) VALUES ({p}, {p}, {p}, 1) "
    "ON CONFLICT (person_id) DO UPDATE SET state = excluded.state, data = excluded.data, "
    "version = floor_conversations.version + 1"
)


def sqlite_turns(path: str, turns: int, people: int, synchronous: str) -> float:
    """Upserts + commits per second through the bare `sqlite3` module (WAL, `synchronous`)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute(SQLITE_TABLE)
        statement = UPSERT.format(p="?")
        started = time.perf_counter()
        for n in range(turns):
            db.execute("BEGIN IMMEDIATE")
            db.execute(statement, (f"floor-{n % people}", f"q{n % 7}", DATA))
            db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        db.execute("DROP TABLE floor_conversations")
    finally:
        db.close()
    return turns / elapsed


def postgres_turns(url: str, turns: int, people: int, connections: int) -> float:
    """Upserts + commits per second through bare `psycopg`, `connections` threads at once."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(SQLITE_TABLE)
    statement = UPSERT.format(p="%s")
    each = turns // connections

    def worker(first: int) -> None:
        with psycopg.connect(url) as db:
            for n in range(first, first + each):
                db.execute(statement, (f"floor-{n % people}", f"q{n % 7}", DATA))
                db.commit()

    threads = [threading.Thread(target=worker, args=(i * each,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP TABLE floor_conversations")
    return each * connections / elapsed
