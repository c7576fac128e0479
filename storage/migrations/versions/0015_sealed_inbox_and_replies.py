"""sealed chat events and replies: inbox.payload and replies.message become TEXT

They hold what people typed and what the assistant answered (which can repeat answers), so
they are sealed like every other special-category field (storage/sealing.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 05:50:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [("inbox", "payload"), ("replies", "message")]
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _alter(table: str, column: str, old: Any, new: Any, cast: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    using: dict[str, Any] = {"postgresql_using": f"{column}::{cast}"} if postgres else {}
    with op.batch_alter_table(table) as batch:
        batch.alter_column(column, existing_type=old, type_=new, **using)


def upgrade() -> None:
    for table, column in COLUMNS:
        _alter(table, column, Json, sa.Text(), "text")


def downgrade() -> None:
    for table, column in COLUMNS:
        _alter(table, column, sa.Text(), Json, "jsonb")
