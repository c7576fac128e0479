"""case_events: decisions on a case a pack wants discussed in supervision (fidelity)

Bexley Standard Three: closure, transfer, child protection or legal planning decisions are
discussed in supervision before or just after being made; recorded decisions and case
imports append them here.

Revision ID: 0017_fidelity_case_events
Revises: 0016_keyworker
Create Date: 2026-11-26 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_fidelity_case_events"
down_revision: str | None = "0016_keyworker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_ref", sa.String(40), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.UniqueConstraint("case_ref", "event", "event_on", name="uq_case_events"),
    )
    op.create_index("ix_case_events_case_ref", "case_events", ["case_ref"])


def downgrade() -> None:
    op.drop_index("ix_case_events_case_ref", table_name="case_events")
    op.drop_table("case_events")
