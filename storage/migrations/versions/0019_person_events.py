"""person_events: a change of supervisor, recorded by the people import (fidelity3)

Somerset 7.2: a supervision agreement within one month of a change in supervisor; Bexley and
Manchester: the records pass to the new supervisor. sickness_cancellations: a session
cancelled through sickness, rebooked from the return to work (Central Bedfordshire).

Revision ID: 0019_person_events
Revises: 0018_perf
Create Date: 2026-11-26 09:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_person_events"
down_revision: str | None = "0018_perf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("previous_id", sa.String(200), nullable=True),
        sa.Column("supervisor_id", sa.String(200), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.UniqueConstraint("person_id", "event", "event_on", name="uq_person_events"),
    )
    op.create_index("ix_person_events_person_id", "person_events", ["person_id"])
    op.create_table(
        "sickness_cancellations",
        sa.Column("session_key", sa.String(500), primary_key=True),
        sa.Column("returned_on", sa.Date(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sickness_cancellations")
    op.drop_index("ix_person_events_person_id", table_name="person_events")
    op.drop_table("person_events")
