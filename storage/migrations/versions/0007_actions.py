"""actions carried forward until closed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:08:12.309418
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("supervisee_id", sa.String(length=200), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("what", sa.String(length=4000), nullable=False),
        sa.Column("why", sa.String(length=4000), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actions_supervisee_id"), ["supervisee_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actions_supervisee_id"))

    op.drop_table("actions")
