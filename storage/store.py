"""The storage interface: a `Store` opens transactions; a `Transaction` reads and writes.

`storage.sql.SqlStore` implements it with SQLAlchemy (SQLite or PostgreSQL);
`storage.memory.MemoryStore` implements it in memory for unit tests. The same contract
tests run against all three.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from dialogs.conversation import Conversation
from dialogs.definition import Outcome
from storage.records import PrepNote, SharedWellbeing


class Transaction(Protocol):
    """Everything one turn reads or writes, committed together or not at all."""

    async def claim_message(self, channel: str, message_id: str, now: datetime) -> bool:
        """Record a channel message id; False if it was already handled."""
        ...

    async def load_conversation(self, person_id: str) -> Conversation | None:
        """The person's dialog in progress, if any."""
        ...

    async def save_conversation(self, conversation: Conversation, now: datetime) -> Conversation:
        """Store the conversation; raises ConcurrentUpdate if its version is stale."""
        ...

    async def delete_conversation(self, conversation: Conversation) -> None:
        """Remove a finished or cancelled conversation; raises ConcurrentUpdate if stale."""
        ...

    async def add_outcome(self, outcome: Outcome) -> None:
        """Store what a completed dialog produced, in the table for its kind."""
        ...

    async def latest_prep_notes(self, person_id: str) -> list[PrepNote]:
        """The newest confirmed preparation per case reference, oldest case first."""
        ...

    async def shared_wellbeing(self, person_id: str) -> SharedWellbeing | None:
        """The shared part of the person's latest check-in; private answers never leave."""
        ...


class Store(Protocol):
    """Opens transactions against one database."""

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A transaction that commits when the block ends normally and rolls back otherwise."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
