"""dashboard sign-in link uses and audit findings

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_uses",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )
    op.create_table(
        "audit_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("supervisee_id", sa.String(length=200), nullable=False),
        sa.Column("session_key", sa.String(length=500), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=True),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("discussed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_findings_supervisee_id", "audit_findings", ["supervisee_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_findings_supervisee_id", table_name="audit_findings")
    op.drop_table("audit_findings")
    op.drop_table("sign_in_uses")
