"""covering and partial indexes for the reminder sweep

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:21:37.596027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_claims", ["claimed_by"], unique=False)

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_case_date"))
        batch_op.drop_index(batch_op.f("ix_sessions_kind_supervisee_date"))
        batch_op.drop_index(batch_op.f("ix_sessions_open_records"))
        batch_op.create_index(
            "ix_sessions_open_records",
            ["status"],
            unique=False,
            sqlite_where=sa.text("recorded_on IS NULL OR signed_off_on IS NULL"),
            postgresql_where=sa.text("recorded_on IS NULL OR signed_off_on IS NULL"),
        )
        batch_op.create_index(
            "ix_sessions_cancelled",
            ["date"],
            unique=False,
            sqlite_where=sa.text("status = 'cancelled'"),
            postgresql_where=sa.text("status = 'cancelled'"),
        )
        batch_op.create_index(
            "ix_sessions_last_by_case", ["kind", "status", "case_ref", "date"], unique=False
        )
        batch_op.create_index(
            "ix_sessions_last_by_supervisee",
            ["kind", "status", "supervisee_id", "date"],
            unique=False,
        )
        batch_op.create_index(
            "ix_sessions_last_by_supervisor",
            ["kind", "status", "supervisor_id", "date"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_last_by_supervisor")
        batch_op.drop_index("ix_sessions_last_by_supervisee")
        batch_op.drop_index("ix_sessions_last_by_case")
        batch_op.drop_index(
            "ix_sessions_cancelled",
            sqlite_where=sa.text("status = 'cancelled'"),
            postgresql_where=sa.text("status = 'cancelled'"),
        )
        batch_op.drop_index(
            "ix_sessions_open_records",
            sqlite_where=sa.text("recorded_on IS NULL OR signed_off_on IS NULL"),
            postgresql_where=sa.text("recorded_on IS NULL OR signed_off_on IS NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_sessions_open_records"),
            ["status", "recorded_on", "signed_off_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_sessions_kind_supervisee_date"),
            ["kind", "supervisee_id", "date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_sessions_case_date"), ["case_ref", "date"], unique=False
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_claims")
