"""stored group supervision rota

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:42:56.543786
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "rota_sessions",
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("case_ref", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("team", "date"),
    )


def downgrade() -> None:

    op.drop_table("rota_sessions")
