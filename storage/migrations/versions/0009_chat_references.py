"""conversation references for proactive messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 13:43:12.547172
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_references",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column(
            "reference", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("chat_references")
