"""The inbox answering one conversation (bot/assistant/inbox.py): each event's transaction
also reads what waits next, and each reply's "sent" also claims the next reply, so an
answer costs a unit of work per step and no trailing empty reads; a reply given up on lets
the next one go, a refused one holds the conversation's replies back. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.assistant.inbox import MAX_ATTEMPTS, Answered, Event, Inbox
from dialogs.messages import Inbound, Outbound
from storage.db import create_engine
from storage.sealing import new_key_entry, parse_keys
from storage.sql import SqlStore
from storage.tables import ReplyRow

CONVERSATION = "slack:U1"


class Replier:
    """A channel that accepts every reply except those whose text it is told to refuse."""

    def __init__(self, refuse: str = "") -> None:
        self.refuse = refuse
        self.tried: list[str] = []

    async def reply(self, address: dict[str, Any], messages: list[Outbound]) -> bool:
        self.tried.extend(m.text for m in messages)
        return all(m.text != self.refuse for m in messages)


def inbox_on(store: SqlStore, replier: Replier, now: datetime) -> Inbox:
    async def handle(inbound: Inbound, finish: Any) -> Answered:
        replies = [Outbound(f"you said {inbound.text}"), Outbound("what next?")]
        answered: Answered = await store.run(lambda tx: finish(tx, lambda: replies))
        return answered

    async def resolve(channel: str, user: str) -> str | None:
        return "alice"

    inbox = Inbox(
        store=store,
        handle=handle,
        resolve=resolve,
        unknown=lambda c, u: Outbound("who?"),
        clock=lambda: now,
    )
    inbox.attach("slack", replier)
    return inbox


def event(n: int) -> Event:
    return Event("slack", "U1", f"Ev{n}", {"channel": "U1"}, text=f"m{n}")


async def test_an_answer_with_two_replies_is_six_units_of_work(sql_store: SqlStore) -> None:
    replier = Replier()
    inbox = inbox_on(sql_store, replier, datetime.now(UTC))
    before = sql_store.committer.units
    await inbox.receive(event(1))
    await inbox.drain(30)
    # receive; read the event; the turn (reading what waits next); claim the first reply;
    # "sent" + claim the second; "sent" + claim (none left)
    assert sql_store.committer.units - before == 6
    assert replier.tried == ["you said m1", "what next?"]


async def test_events_waiting_together_are_answered_in_order_each_read_by_the_one_before(
    sql_store: SqlStore,
) -> None:
    replier = Replier()
    now = datetime.now(UTC)
    inbox = inbox_on(sql_store, replier, now)
    earlier = now - timedelta(minutes=1)
    for waiting in [event(n) for n in (1, 2, 3)]:  # acknowledged while nobody was working
        await sql_store.run_sql(
            lambda tx, e=waiting: tx.inbox.add(
                "slack", e.event_id, CONVERSATION, e.payload(), earlier
            )
        )
    before = sql_store.committer.units
    await inbox.recover()
    await inbox.drain(30)
    assert replier.tried == [t for n in (1, 2, 3) for t in (f"you said m{n}", "what next?")]
    # recovery's two reads, the first event's read, then four each: the turn (reading the
    # next event), the first reply's claim, and two "sent"s each claiming what follows
    assert sql_store.committer.units - before == 2 + 1 + 3 * 4
    assert await sql_store.run_sql(lambda tx: tx.inbox.unprocessed(CONVERSATION)) == 0


async def test_a_refused_reply_holds_back_the_ones_after_it(sql_store: SqlStore) -> None:
    replier = Replier(refuse="you said m1")
    inbox = inbox_on(sql_store, replier, datetime.now(UTC))
    await inbox.receive(event(1))
    await inbox.drain(30)
    assert replier.tried == ["you said m1"]  # "what next?" waits for it: order is kept
    assert sent_and_failed(sql_store) == [("you said m1", False, False, 1),
                                                ("what next?", False, False, 0)]  # fmt: skip


async def test_a_reply_given_up_on_lets_the_next_one_go_in_the_same_unit(
    sql_store: SqlStore,
) -> None:
    replier = Replier(refuse="first")
    now = datetime.now(UTC)
    inbox = inbox_on(sql_store, replier, now)
    texts = [{"text": "first"}, {"text": "second"}]
    await sql_store.run_sql(lambda tx: tx.replies.add("slack", CONVERSATION, {}, texts, now))
    last_attempt_of(sql_store, "first")
    before = sql_store.committer.units
    await inbox.recover()
    await inbox.drain(30)
    assert replier.tried == ["first", "second"]
    # recovery's two reads, the read finding no event, the first claim, the give-up that
    # claims the second, and the second's "sent" (claiming nothing more)
    assert sql_store.committer.units - before == 6
    assert sent_and_failed(sql_store) == [("first", False, True, MAX_ATTEMPTS),
                                                ("second", True, False, 0)]  # fmt: skip


def last_attempt_of(store: SqlStore, text: str) -> None:
    """Make the reply with `text` one failure away from being given up on."""
    with store.engine.begin() as db:
        replies = db.execute(select(ReplyRow.id, ReplyRow.message)).all()
        (reply_id,) = [i for i, message in replies if message["text"] == text]
        db.execute(
            update(ReplyRow).where(ReplyRow.id == reply_id).values(attempts=MAX_ATTEMPTS - 1)
        )


def sent_and_failed(store: SqlStore) -> list[tuple[str, bool, bool, int]]:
    """Each reply of the conversation, in order: its text, sent, given up on, attempts."""
    with store.engine.connect() as db:
        rows = db.execute(
            select(ReplyRow.message, ReplyRow.sent_at, ReplyRow.failed_at, ReplyRow.attempts)
            .where(ReplyRow.conversation == CONVERSATION)
            .order_by(ReplyRow.id)
        )
        return [(m["text"], s is not None, f is not None, a) for m, s, f, a in rows]


async def test_an_answer_stands_when_the_event_after_it_does_not_open(database_url: str) -> None:
    """The next event is read in the answer's transaction; if it was sealed with a key this
    process lacks, that must not undo the answer: the answer is kept and sent, and the event
    that does not open stays waiting (the keys are for the administrator to fix)."""
    store = SqlStore(engine=create_engine(database_url, keyring=parse_keys(new_key_entry("a"))))
    other = SqlStore(engine=create_engine(database_url, keyring=parse_keys(new_key_entry("b"))))
    replier = Replier()
    now = datetime.now(UTC)
    earlier = now - timedelta(minutes=1)
    for sealer, waiting in ((store, event(1)), (other, event(2))):
        await sealer.run_sql(
            lambda tx, e=waiting: tx.inbox.add(
                "slack", e.event_id, CONVERSATION, e.payload(), earlier
            )
        )
    inbox = inbox_on(store, replier, now)
    await inbox.recover()
    await inbox.drain(30)
    assert replier.tried == ["you said m1", "what next?"]
    assert await store.run_sql(lambda tx: tx.inbox.unprocessed(CONVERSATION)) == 1
    await store.close()
    await other.close()


async def test_messages_arriving_while_replies_go_out_count_against_the_bound(
    sql_store: SqlStore,
) -> None:
    """The process refuses messages over its bound ("so many people are writing"): those
    that arrive while an answer's replies are being posted are waiting too, and count."""

    class Typing(Replier):
        async def reply(self, address: dict[str, Any], messages: list[Outbound]) -> bool:
            arriving = {"you said m1": (2, 3), "you said m2": (4, 5)}.get(messages[0].text, ())
            for n in arriving:  # m2, m3 wait (the bound); then m3, m4 do, and m5 is one over
                await inbox.receive(event(n))
            return await super().reply(address, messages)

    replier = Typing()
    inbox = inbox_on(sql_store, replier, datetime.now(UTC))
    inbox.limits = (20, 2)
    await inbox.receive(event(1))
    await inbox.drain(30)
    assert [t for t in replier.tried if t.startswith("So many people")] != []
    assert [t for t in replier.tried if t.startswith("you said")] == [
        f"you said m{n}" for n in (1, 2, 3, 4)
    ]
