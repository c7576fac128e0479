"""The acknowledgement floor: the least a durable Slack acknowledgement can cost here.

A bare aiohttp server, in a process of its own like `sva serve`: for each POST it reads the
body, checks Slack's signature (slack_sdk's `SignatureVerifier`, as the channel does), parses
the JSON, commits the event id and body to one table through the bare driver (SQLite WAL with
the server's `synchronous`, or psycopg in autocommit) and answers 200. No Bolt, no access
rules, no dialogs, no request log, nothing working on the answers. `benchmarks.slack_load`
fires the same requests at it through the same client, so the ratio of its ack times to this
floor's means the same on a fast laptop and on a busy two-core machine.

    python -m benchmarks.ack_floor --port 8123 --database-url sqlite:////tmp/floor.db
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Callable

import psycopg
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

TABLE = "CREATE TABLE IF NOT EXISTS floor_inbox (event_id TEXT PRIMARY KEY, body TEXT NOT NULL)"
Insert = Callable[[str, str], None]


def sqlite_insert(path: str, synchronous: str) -> Insert:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    db.execute(TABLE)

    def insert(event_id: str, body: str) -> None:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR IGNORE INTO floor_inbox VALUES (?, ?)", (event_id, body))
        db.execute("COMMIT")

    return insert


def postgres_insert(url: str) -> Insert:
    db = psycopg.connect(url, autocommit=True)
    db.execute(TABLE)

    def insert(event_id: str, body: str) -> None:
        db.execute(
            "INSERT INTO floor_inbox VALUES (%s, %s) ON CONFLICT DO NOTHING", (event_id, body)
        )

    return insert


def floor_app(secret: str, insert: Insert) -> web.Application:
    verifier = SignatureVerifier(secret)

    async def events(request: web.Request) -> web.Response:
        body = await request.text()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401)
        insert(str(json.loads(body)["event_id"]), body)
        return web.Response(status=200)

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.add_routes([web.post("/slack/events", events), web.get("/healthz", healthz)])
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True, help="sqlite:///path or postgresql://")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--synchronous", choices=("full", "normal"), default="full")
    args = parser.parse_args()
    url: str = args.database_url
    if url.startswith("sqlite:///"):
        insert = sqlite_insert(url.removeprefix("sqlite:///"), args.synchronous)
    else:
        insert = postgres_insert(url.replace("postgresql+psycopg://", "postgresql://"))
    web.run_app(floor_app(args.secret, insert), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
