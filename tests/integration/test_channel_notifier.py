"""Reminder digests reach people through their chat identities (bot/operations/delivery.py),
read a sweep's batch at a time rather than held for everyone, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.bootstrap import build_sweeper
from bot.config import Config
from bot.operations.delivery import ChannelNotifier
from dialogs.messages import Outbound
from storage.sql import SqlStore
from tests.factories import a_team
from tests.integration.test_sweep import MONDAY, NOW, seed


class FakeSlack:
    """A channel that reaches anyone with a Slack user id, recording what it sent where."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, person_id: str, user_id: str, messages: list[Outbound]) -> bool:
        self.sent.append((person_id, user_id))
        return True


@contextmanager
def identity_reads(store: SqlStore) -> Iterator[list[str]]:
    """The SQL statements that read `chat_identities` while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "chat_identities" in statement:
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


async def give_everyone_slack(store: SqlStore) -> None:
    people = [dataclasses.replace(p, chat=(("slack", f"U-{p.id}"),)) for p in a_team()]
    await store.run_sql(lambda tx: tx.directory.upsert_people(people))


async def test_a_sweeps_digests_go_out_with_one_identity_read_for_the_batch(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    await give_everyone_slack(sql_store)
    slack = FakeSlack()
    notifier = ChannelNotifier(store=sql_store, senders={"slack": slack})
    with identity_reads(sql_store) as reads:
        report = await build_sweeper(Config(), sql_store, notifier).sweep(MONDAY, NOW)
    assert sorted(slack.sent) == [(p, f"U-{p}") for p in ("hos", "sw1", "sw2", "tm1")]
    assert report.digests == 4 and report.unreachable == []
    assert len(reads) == 1


async def test_someone_without_an_identity_is_unreachable_and_later_sends_read_afresh(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)  # nobody has a chat identity yet
    slack = FakeSlack()
    notifier = ChannelNotifier(store=sql_store, senders={"slack": slack})
    report = await build_sweeper(Config(), sql_store, notifier).sweep(MONDAY, NOW)
    assert sorted(report.unreachable) == ["hos", "sw1", "sw2", "tm1"] and slack.sent == []

    # Sam links Slack after the sweep: a message to him now finds it, not the batch's answer.
    await give_everyone_slack(sql_store)
    assert await notifier.deliver("sw2", "Your agenda draft is ready.")
    assert slack.sent == [("sw2", "U-sw2")]


async def test_a_batch_look_up_names_who_has_nowhere_to_be_sent_on_the_channels_served(
    sql_store: SqlStore,
) -> None:
    await seed(sql_store)
    await give_everyone_slack(sql_store)
    hana = dataclasses.replace(a_team()[0], chat=(("teams", "aad-hana"),))  # Teams only
    await sql_store.run_sql(lambda tx: tx.directory.upsert_people([hana]))
    slack_only = ChannelNotifier(store=sql_store, senders={"slack": FakeSlack()})
    assert await slack_only.look_up(["hos", "sw1", "nobody"]) == {"hos", "nobody"}
    both = ChannelNotifier(store=sql_store, senders={"slack": FakeSlack(), "teams": FakeSlack()})
    assert await both.look_up(["hos", "sw1", "nobody"]) == {"nobody"}
