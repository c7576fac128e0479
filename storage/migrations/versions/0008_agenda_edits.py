"""supervisees' agenda edits and the agenda they sent

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:15:24.839218
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "agenda_edits",
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column(
            "order", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "own_items", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("sent_text", sa.String(length=100000), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("person_id"),
    )


def downgrade() -> None:

    op.drop_table("agenda_edits")
