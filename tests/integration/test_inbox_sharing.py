"""Several processes answering one inbox (answer workers, or several servers): a backlog
found by all of them is answered once, and only the process that answered an event reports
it; a worker looks after its own share when it recovers. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.assistant.inbox import Answered, Event, Inbox
from dialogs.messages import Inbound, Outbound
from storage.db import create_engine
from storage.sql import SqlStore
from storage.store import Transaction
from storage.tables import ReplyRow

Finish = Callable[[Transaction, Callable[[], list[Outbound]]], Answered]


def inbox_on(store: SqlStore, reported: Counter[str]) -> Inbox:
    async def handle(inbound: Inbound, finish: Finish) -> Answered:
        return await store.run(lambda tx: finish(tx, lambda: [Outbound(inbound.text)]))

    async def resolve(channel: str, user: str) -> str | None:
        return "alice"

    inbox = Inbox(
        store=store, handle=handle, resolve=resolve, unknown=lambda c, u: Outbound("who?")
    )
    inbox.on_answered = lambda key: reported.update([key])
    return inbox


async def test_a_backlog_found_by_two_processes_is_answered_and_reported_once(
    database_url: str,
) -> None:
    stores = [SqlStore(engine=create_engine(database_url)) for _ in range(2)]
    reported: Counter[str] = Counter()
    first, second = (inbox_on(store, reported) for store in stores)
    events = [Event("slack", "U1", f"Ev{n}", {"channel": "U1"}, text=f"m{n}") for n in range(10)]
    for event in events:  # acknowledged by a server that then died: nobody is working on them
        await stores[0].run_sql(
            lambda tx, e=event: tx.inbox.add(
                "slack", e.event_id, e.conversation, e.payload(), datetime.now(UTC)
            )
        )
    await asyncio.gather(first.recover(), second.recover())  # both find all ten
    await asyncio.gather(first.drain(30), second.drain(30))

    with stores[0].engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(ReplyRow)) == 10
    assert reported == Counter({"slack:U1": 10})  # not up to twenty: only the answering one
    for store in stores:
        await store.close()


async def test_a_worker_recovers_only_its_share(sql_store: SqlStore) -> None:
    reported: Counter[str] = Counter()
    inbox = inbox_on(sql_store, reported)
    inbox.recovers = lambda key: key.endswith("U1")
    now = datetime.now(UTC)
    for user in ("U1", "U2"):
        await sql_store.run_sql(
            lambda tx, u=user: tx.inbox.add(
                "slack", f"Ev-{u}", f"slack:{u}", {"user": u, "text": "hi"}, now
            )
        )
    await inbox.recover()
    await inbox.drain(30)
    assert reported == Counter({"slack:U1": 1})
    assert await sql_store.run_sql(lambda tx: tx.inbox.unprocessed("slack:U2")) == 1
