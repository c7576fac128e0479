"""Durable inbox and reply outbox workers: nothing acknowledged is lost, nothing answered twice.

A channel calls `Inbox.receive` before it acknowledges the service: the event is committed to
the inbox (one small insert) and a worker for the conversation is woken. The worker takes the
conversation's events oldest first; each is answered in one transaction that also writes the
replies and marks the event processed. Replies are then delivered oldest first and marked sent
once the service accepted them; a failed delivery is retried with backoff. On start, and every
few seconds, events and replies left by a crash (or by another process) are picked up.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, cast

from bot.errors import StorageRefused, TryAgainLater
from dialogs.messages import Choice, Document, Expects, Inbound, Outbound
from storage.errors import StorageError
from storage.inbox import InboxEvent, PendingReply
from storage.sealing import SealError
from storage.sql import SqlStore, SqlTransaction
from storage.store import Transaction

log = logging.getLogger(__name__)
PER_PERSON = 20  # events of one person waiting in this process before "slow down"
TOTAL = 5_000  # events of everyone waiting in this process before "slow down"
WORKERS = 64  # conversations worked on at once
LEASE = timedelta(seconds=30)  # a reply claim older than this belongs to a dead process
RECOVER_EVERY = 2.0  # seconds between looks for work left behind
RECOVER_AFTER = timedelta(seconds=2)  # leave fresh events to the process that took them
MAX_ATTEMPTS = 12  # deliveries of one reply before giving up (about an hour of backoff)
STORAGE_ATTEMPTS = 3  # failed turns of one event before telling the person to send it again
TRY_AGAIN = Outbound(
    "Sorry, I couldn't save that just now. Nothing was changed; please send it again."
)
KEYS_WRONG = Outbound(
    "Sorry, I can't open what is stored for you: the assistant's data keys are not the ones "
    "it was saved with. Nothing was changed, and sending it again won't help until your "
    "administrator fixes the keys (it is in the log)."
)
QUOTED = 60  # characters of a refused message quoted back, so the person knows which one
Clock = Callable[[], datetime]
# The person id for a channel user (None: not imported), given the channel's matcher.
Resolve = Callable[[str, str], Awaitable[str | None]]
# A conversation's oldest waiting event and who sent it (None: not listed under that chat id).
Waiting = tuple[InboxEvent | None, str | None]


@dataclass(frozen=True, slots=True)
class Answered:
    """What an event's transaction did: answered it (`ours`; False: another process had), and
    what of the conversation waits next, read in that same transaction (a unit of work fewer
    an answer than reading it in one of its own)."""

    ours: bool
    following: Waiting | None  # None: not read (see Inbox._following)


# The turn, run inside the inbox's transaction (see Assistant.handle_within).
Handle = Callable[
    [Inbound, Callable[[Transaction, Callable[[], list[Outbound]]], Answered]],
    Awaitable[Answered],
]


def unsaved(problem: TryAgainLater) -> Outbound:
    """What a person is told when their message was not saved: to send it again, or, when
    the database cannot save anything until someone acts, what is wrong (read-only, full,
    its file gone), since sending it again would not help."""
    if isinstance(problem, StorageRefused):
        return Outbound(f"Sorry, I couldn't save that: {problem}. Nothing was changed.")
    if isinstance(problem.__cause__, SealError):
        return KEYS_WRONG
    return TRY_AGAIN


class Replier(Protocol):
    """A channel able to deliver replies to an address it gave when the event came in."""

    async def reply(self, address: dict[str, Any], messages: list[Outbound]) -> bool:
        """Deliver; False (or an exception) when the service did not accept them."""
        ...


@dataclass(frozen=True, slots=True)
class Event:
    """What a channel hands over: who, what, and where to answer."""

    channel: str
    user_id: str
    event_id: str
    address: dict[str, Any]
    text: str = ""
    value: str | None = None
    typed: bool = False
    button: bool = False

    @property
    def conversation(self) -> str:
        return f"{self.channel}:{self.user_id}"

    def payload(self) -> dict[str, Any]:
        return {
            "user": self.user_id,
            "text": self.text,
            "value": self.value,
            "typed": self.typed,
            "button": self.button,
            "address": self.address,
        }


def slow_down(text: str, *, everyone: bool = False) -> Outbound:
    """The answer to a message over the bounds; it names the message (several may be refused
    in a row, and the person has to know which ones to send again). `everyone`: the process
    is over its bound for all people, so this person may have sent only this one."""
    words = " ".join(text.split())
    if len(words) > QUOTED:
        words = words[: QUOTED - 1].rstrip() + "…"
    which = f"this one: “{words}”." if words else "this one."
    if everyone:
        return Outbound(
            "So many people are writing to me just now that messages come faster than I can "
            f"answer, so I have not kept {which} Please send it again in a few minutes."
        )
    return Outbound(
        f"You are sending messages faster than I can answer, so I have not kept {which} "
        "Please wait for my answer, then send it again."
    )


def to_data(message: Outbound) -> dict[str, Any]:
    """A reply as stored in the outbox (a Word file's bytes as base64)."""
    data: dict[str, Any] = message.to_json()
    if message.document is not None:
        d = message.document
        content = base64.b64encode(d.content).decode()
        data["document"] = {"filename": d.filename, "content": content, "title": d.title,
                            "source": d.source}  # fmt: skip
    return data


def from_data(data: dict[str, Any]) -> Outbound:
    d = data.get("document")
    document = (
        None
        if d is None
        else Document(d["filename"], base64.b64decode(d["content"]), d["title"], d["source"])
    )
    return Outbound(
        str(data["text"]),
        tuple(Choice(c["label"], c["value"]) for c in data.get("choices", [])),
        Expects(data.get("expects", "none")),
        data.get("dialog"),
        data.get("state"),
        document,
    )


class Inbox:
    """Receives events durably, answers them in order per conversation, delivers replies."""

    def __init__(
        self,
        *,
        store: SqlStore,
        handle: Handle,
        resolve: Resolve,
        unknown: Callable[[str, str], Outbound],
        clock: Clock = lambda: datetime.now(UTC),
        per_person: int = PER_PERSON,
        total: int = TOTAL,
    ) -> None:
        self._store = store
        self._handle = handle
        self._resolve = resolve
        self._unknown = unknown
        self._clock = clock
        self.limits = (per_person, total)
        self.instance = uuid.uuid4().hex
        self._repliers: dict[str, Replier] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._waiting: Counter[str] = Counter()
        self._failures: Counter[int] = Counter()
        self._slots = asyncio.Semaphore(WORKERS)
        self._idle = asyncio.Event()
        self._idle.set()
        self._recovery: asyncio.Task[None] | None = None
        self.on_turn: Callable[[str], None] = lambda channel: None  # metrics: one per answer
        # Set in a server whose answering is done by worker processes: where a woken
        # conversation is sent instead of being worked on here (they report back through `count_answered`).
        self.dispatch: Callable[[str], None] | None = None
        # Called with the conversation after each event answered here, and when none of its
        # events is left waiting (a worker tells its server, whose bound counts them).
        self.on_answered: Callable[[str], None] = lambda key: None
        self.on_drained: Callable[[str], None] = lambda key: None
        # Which conversations this process looks after when it recovers (a worker: its share).
        self.recovers: Callable[[str], bool] = lambda key: True

    def attach(self, channel: str, replier: Replier) -> None:
        self._repliers[channel] = replier

    # -- receiving ---------------------------------------------------------------------

    async def receive(self, event: Event) -> bool:
        """Commit `event` (the caller acknowledges the service after this returns); False if
        it was a repeat. Over the bounds, the event is kept as answered with "slow down".

        Raises:
            TryAgainLater: it could not be stored; the service should be told to retry.
        """
        key = event.conversation
        crowded = self._waiting.total() >= self.limits[1]
        now = self._clock()

        def store(tx: SqlTransaction) -> tuple[bool, bool]:
            # The person's waiting events are counted in the database: several processes
            # (and a restarted one) answer the same person, so no one process can count them.
            busy = crowded or tx.inbox.unprocessed(key) >= self.limits[0]
            added = tx.inbox.add(
                event.channel, event.event_id, key, event.payload(), now, processed=busy
            )
            if added and busy:
                refusal = [to_data(slow_down(event.text, everyone=crowded))]
                tx.replies.add(event.channel, key, event.address, refusal, now)
            return added, busy

        try:
            added, busy = await self._store.run_sql(store, urgent=True, small=True)  # before turns
        except StorageError as problem:
            raise TryAgainLater(str(problem)) from problem
        if added and not busy:
            self._waiting[key] += 1
        if added:
            self.wake(key)
        return added

    async def answer_only(self, event: Event, messages: list[Outbound]) -> None:
        """Answer an event that needs no turn (a photo we cannot read, a channel mention):
        its id is kept (so a retry is not answered twice), its content is not."""
        now = self._clock()
        data = [to_data(m) for m in messages]
        key = event.conversation

        def store(tx: SqlTransaction) -> None:
            if tx.inbox.add(event.channel, event.event_id, key, {}, now, processed=True):
                tx.replies.add(event.channel, key, event.address, data, now)

        try:
            await self._store.run_sql(store)
        except StorageError as problem:
            raise TryAgainLater(str(problem)) from problem
        self.wake(key)

    # -- working -----------------------------------------------------------------------

    def wake(self, key: str) -> None:
        """Make sure a worker goes through the conversation's events and replies."""
        if self.dispatch is not None:
            self.dispatch(key)
            return
        if key in self._workers:
            self._again.add(key)
            return
        self._idle.clear()
        self._workers[key] = asyncio.create_task(self._work(key))

    async def _work(self, key: str) -> None:
        try:
            async with self._slots:
                while True:
                    self._again.discard(key)
                    if not await self._answer_waiting(key):  # woken for replies alone
                        await self._deliver(key)
                    if key not in self._again:
                        break
        except (StorageError, TryAgainLater) as problem:  # left in the database: retried
            log.warning("could not work on a conversation yet: %s", type(problem).__name__)
        except Exception:
            log.exception("answering a conversation failed; it is retried")
        finally:
            del self._workers[key]
            if not self._workers:
                self._idle.set()

    async def _answer_waiting(self, key: str) -> bool:
        """Answer the conversation's waiting events oldest first, each one's replies delivered
        before the next is answered; False if none was waiting."""
        event, person = await self._read_next(key)
        if event is None:
            self._drained(key)
            return False
        while event is not None:
            following = await self._answer(key, event, person)
            if following is None:  # not read with the answer: its replies first, as ever
                await self._deliver(key)
                following = await self._read_next(key)
            event, person = following
            if event is None:  # now, not after the replies: what arrives meanwhile counts
                self._drained(key)
            await self._deliver(key)
        return True

    def _read_next(self, key: str) -> Awaitable[Waiting]:
        return self._store.run_sql(lambda tx: self._next_and_sender(tx, key), small=True)

    def _drained(self, key: str) -> None:
        self._waiting.pop(key, None)
        self.on_drained(key)

    async def _answer(self, key: str, event: InboxEvent, person: str | None) -> Waiting | None:
        """Answer `event` (unless another process did first); what waits next (None: it
        was not read, see `_following`)."""
        payload = event.payload
        if person is None:  # not listed under this chat id: the channel's other ways, if any
            person = await self._resolve(event.channel, str(payload["user"]))
        try:
            if person is None:
                reply = [self._unknown(event.channel, str(payload["user"]))]
                done = await self._store.run_sql(lambda tx: self._finish(tx, event, lambda: reply))
            else:
                done = await self._handle(
                    self._inbound(person, event),
                    lambda tx, turn: self._finish(cast(SqlTransaction, tx), event, turn),
                )
        except TryAgainLater as problem:
            self._failures[event.id] += 1
            if self._failures[event.id] < STORAGE_ATTEMPTS:
                raise
            told = unsaved(problem)
            done = await self._store.run_sql(lambda tx: self._finish(tx, event, lambda: [told]))
        self._failures.pop(event.id, None)
        if done.ours:  # not when another process answered it first (both found it waiting)
            self.count_answered(key)
            self.on_answered(key)
        return done.following

    def count_answered(self, key: str) -> None:
        """One event of `key` was answered (here, or by a worker process for this server)."""
        self.on_turn(key.split(":", 1)[0])
        if self._waiting[key] > 0:
            self._waiting[key] -= 1

    def forget(self, key: str) -> None:
        """None of `key`'s events is waiting any more (a worker found none)."""
        self._waiting.pop(key, None)

    @staticmethod
    def _next_and_sender(tx: SqlTransaction, key: str) -> Waiting:
        """The conversation's oldest waiting event and who sent it, if listed under that chat
        id (one transaction for both: each costs more than the read itself)."""
        event = tx.inbox.next(key)
        if event is None:
            return None, None
        return event, tx.chat.person_for(event.channel, str(event.payload["user"]))

    def _finish(
        self, tx: SqlTransaction, event: InboxEvent, turn: Callable[[], list[Outbound]]
    ) -> Answered:
        """Inside the turn's transaction: take the conversation, answer, queue the replies,
        mark the event processed, and read what waits next. Not `ours` if someone else had
        already answered it (what waits next is then read all the same)."""
        key = event.conversation
        if not tx.inbox.lock(key, event.id):
            return Answered(ours=False, following=self._following(tx, key))
        now = self._clock()
        replies = [to_data(m) for m in turn()]
        address = dict(event.payload.get("address") or {})
        tx.replies.add(event.channel, key, address, replies, now)
        tx.inbox.done(event.id, now)
        return Answered(ours=True, following=self._following(tx, key))

    def _following(self, tx: SqlTransaction, key: str) -> Waiting | None:
        """What waits next, read in the answer's own transaction; None if it would not open
        (its keys are wrong): that must not undo the answer, so it is read again on its own,
        where the failure is its own, as it was before it was read here."""
        try:
            return self._next_and_sender(tx, key)
        except SealError:
            return None

    @staticmethod
    def _inbound(person: str, event: InboxEvent) -> Inbound:
        p = event.payload
        button = bool(p.get("button"))
        value = p.get("value")
        return Inbound(
            person,
            event.channel,
            str(p.get("text") or ""),
            None if button else value,
            f"inbox:{event.id}",
            token=value if button else None,
            bare_commands=bool(p.get("typed")),
        )

    async def _deliver(self, key: str) -> None:
        """Deliver the conversation's due replies, oldest first, one claim at a time."""
        replier = self._repliers.get(key.split(":", 1)[0])
        if replier is None:
            return  # not served by this process
        now = self._clock()
        reply = await self._store.run_sql(lambda tx: self._claim(tx, key, now), small=True)
        while reply is not None:
            reply = await self._deliver_one(key, replier, reply)

    async def _deliver_one(
        self, key: str, replier: Replier, reply: PendingReply
    ) -> PendingReply | None:
        """Deliver a claimed reply. The transaction that records how it went also claims the
        next one, which it returns (None: none is due, or this one is to be tried again
        first): one unit of work a reply, not two."""
        try:
            accepted = await replier.reply(reply.address, [from_data(reply.message)])
        except Exception as problem:  # an SDK's own error: retried like a refusal
            log.warning("a reply was not delivered: %s", type(problem).__name__)
            accepted = False
        done = self._clock()
        if accepted:
            return await self._store.run_sql(
                lambda tx: self._sent_and_next(tx, key, reply.id, done), small=True
            )
        give_up = reply.attempts + 1 >= MAX_ATTEMPTS
        at = done + timedelta(seconds=min(2**reply.attempts, 600))

        def failed(tx: SqlTransaction) -> PendingReply | None:
            tx.replies.retry_later(reply.id, at, give_up=give_up, now=done)
            return self._claim(tx, key, done) if give_up else None

        following = await self._store.run_sql(failed)
        if give_up:
            log.warning("gave up delivering a reply after %d attempts", MAX_ATTEMPTS)
        return following

    def _sent_and_next(
        self, tx: SqlTransaction, key: str, reply_id: int, now: datetime
    ) -> PendingReply | None:
        tx.replies.sent(reply_id, now)
        return self._claim(tx, key, now)

    def _claim(self, tx: SqlTransaction, key: str, now: datetime) -> PendingReply | None:
        """The conversation's oldest due reply, claimed for this process under a lease."""
        return tx.replies.claim(key, self.instance, now, LEASE)

    # -- lifecycle ---------------------------------------------------------------------

    async def recover(self, older_than: timedelta = timedelta(0), *, own: bool = False) -> None:
        """Wake workers for events and replies waiting in the database (`own`: and replies
        this instance claimed before a restart, without waiting for the claims to lapse)."""
        now = self._clock()
        mine = self.instance if own else None
        events = await self._store.run_sql(lambda tx: tx.inbox.waiting(now - older_than))
        replies = await self._store.run_sql(lambda tx: tx.replies.due(now, mine))
        for key in dict.fromkeys([*events, *replies]):
            if self.recovers(key):
                self.wake(key)

    def start(self, instance: str | None = None) -> None:
        """Take over what a previous run left, then keep looking every few seconds. A stable
        `instance` (host and port) lets a restarted process take back its own reply claims."""
        self.instance = instance or self.instance
        self._recovery = asyncio.create_task(self._recover_forever())

    async def _recover_forever(self) -> None:
        older, first = timedelta(0), True
        while True:
            try:
                await self.recover(older, own=first)
                first = False
            except StorageError as problem:
                log.warning("could not look for waiting messages: %s", type(problem).__name__)
            older = RECOVER_AFTER
            await asyncio.sleep(RECOVER_EVERY)

    async def drain(self, timeout: float) -> bool:
        """Stop looking for new work and wait (up to `timeout` s) for the workers."""
        if self._recovery is not None:
            self._recovery.cancel()
            await asyncio.gather(self._recovery, return_exceptions=True)
            self._recovery = None
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True
