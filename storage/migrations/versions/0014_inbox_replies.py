"""durable inbox of chat events and transactional outbox of replies

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=300), nullable=False),
        sa.Column("conversation", sa.String(length=300), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("received_at", WHEN, nullable=False),
        sa.Column("processed_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "event_id", name="uq_inbox_event"),
    )
    op.create_index("ix_inbox_pending", "inbox", ["conversation", "processed_at", "id"])
    op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("conversation", sa.String(length=300), nullable=False),
        sa.Column("address", JSON, nullable=False),
        sa.Column("message", JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", WHEN, nullable=True),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("failed_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_replies_unsent", "replies", ["conversation", "sent_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_replies_unsent", table_name="replies")
    op.drop_table("replies")
    op.drop_index("ix_inbox_pending", table_name="inbox")
    op.drop_table("inbox")
