"""text columns everywhere, and sealed (encrypted) special-category fields

Every free-text column becomes TEXT on both databases (PostgreSQL had VARCHAR(2000) and
VARCHAR(4000), so long agendas and disputes failed there while SQLite took them). The JSON
columns holding people's answers become TEXT too: they now hold sealed values
(storage/sealing.py). Existing values stay readable as plain JSON/text until
`sva db rotate-key` seals them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 05:10:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_COLUMNS = [
    ("conversations", "data"),
    ("prep_notes", "answers"),
    ("ears_reflections", "answers"),
    ("wellbeing_checkins", "answers"),
    ("decisions", "answers"),
    ("agenda_edits", "own_items"),
]
TEXT_COLUMNS = [
    ("outbox", "text", 2000),
    ("decision_responses", "text", 4000),
    ("session_events", "text", 4000),
    ("actions", "what", 4000),
    ("actions", "why", 4000),
    ("agenda_edits", "sent_text", 100_000),
]
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _alter(table: str, column: str, old: Any, new: Any, cast: str = "text") -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    using: dict[str, Any] = {"postgresql_using": f"{column}::{cast}"} if postgres else {}
    with op.batch_alter_table(table) as batch:
        batch.alter_column(column, existing_type=old, type_=new, **using)


def upgrade() -> None:
    for table, column in JSON_COLUMNS:
        _alter(table, column, Json, sa.Text())
    for table, column, length in TEXT_COLUMNS:
        _alter(table, column, sa.String(length), sa.Text())


def downgrade() -> None:
    for table, column in JSON_COLUMNS:
        _alter(table, column, sa.Text(), Json, cast="jsonb")
    for table, column, length in TEXT_COLUMNS:
        _alter(table, column, sa.Text(), sa.String(length))
