"""sweeps: the days whose reminders were computed and queued

Written in the transaction that queues the day's reminders, so a second sweep of the same
day (another process, a restart) sends what is still queued without recomputing.

Revision ID: 0018_perf
Revises: 0017_fidelity_case_events
Create Date: 2026-11-26 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_perf"
down_revision: str | None = "0017_fidelity_case_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("swept_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("sweeps")
