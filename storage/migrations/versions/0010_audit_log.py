"""the audit trail (hash-chained) and people's access column

Decisions and responses recorded before this revision are entered into the trail here, with
a digest of each as it stands now, so `sva audit verify` can tell later changes apart.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 05:20:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from storage.audit import AuditEntry, AuditSql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("people", sa.Column("access", sa.String(length=20), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("record_kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("via", sa.String(length=60), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prev_hash"),
    )
    op.create_index("ix_audit_subject", "audit_log", ["subject", "id"])
    op.create_index("ix_audit_actor", "audit_log", ["actor", "id"])
    _enter_existing_decisions()


def _enter_existing_decisions() -> None:
    trail = AuditSql(op.get_bind())
    now = datetime.now(UTC)
    for kind, table in (("decision", "decisions"), ("decision-response", "decision_responses")):
        ids = op.get_bind().execute(sa.text(f"SELECT id FROM {table} ORDER BY id")).scalars()
        for row_id in list(ids):
            entry = AuditEntry(now, "migration", "change", kind, str(row_id), None, "db", True)
            trail.append(entry)


def downgrade() -> None:
    op.drop_index("ix_audit_actor", table_name="audit_log")
    op.drop_index("ix_audit_subject", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_column("people", "access")
