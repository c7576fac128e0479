"""people, cases, sessions, leave and the reminder outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:52:55.280587
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "cases",
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("worker_id", sa.String(length=200), nullable=False),
        sa.Column("case_type", sa.String(length=40), nullable=False),
        sa.Column("risk", sa.String(length=10), nullable=False),
        sa.Column("allocated_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("ref"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "chat_identities",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_id", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("channel", "channel_user_id"),
    )
    with op.batch_alter_table("chat_identities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chat_identities_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "leave_periods",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leave_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leave_periods_person_id"), ["person_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_unsent", ["sent_at", "person_id"], unique=False)

    op.create_table(
        "people",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("policy", sa.String(length=60), nullable=True),
        sa.Column("supervisor_id", sa.String(length=200), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("case_holding", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_people_supervisor_id"), ["supervisor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_people_team"), ["team"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("supervisee_id", sa.String(length=200), nullable=True),
        sa.Column("supervisor_id", sa.String(length=200), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=True),
        sa.Column("signed_off_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_case_date", ["case_ref", "date"], unique=False)
        batch_op.create_index(
            "ix_sessions_kind_supervisee_date", ["kind", "supervisee_id", "date"], unique=False
        )
        batch_op.create_index(
            "ix_sessions_open_records", ["status", "recorded_on", "signed_off_on"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_open_records")
        batch_op.drop_index("ix_sessions_kind_supervisee_date")
        batch_op.drop_index("ix_sessions_case_date")

    op.drop_table("sessions")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_team"))
        batch_op.drop_index(batch_op.f("ix_people_supervisor_id"))

    op.drop_table("people")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unsent")

    op.drop_table("outbox")
    with op.batch_alter_table("leave_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leave_periods_person_id"))

    op.drop_table("leave_periods")
    with op.batch_alter_table("chat_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_identities_person_id"))

    op.drop_table("chat_identities")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_worker_id"))

    op.drop_table("cases")
