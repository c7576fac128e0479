"""append-only management decisions and their responses

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:39:14.033587
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("acknowledge_by", sa.String(length=200), nullable=True),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["decisions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decisions_acknowledge_by"), ["acknowledge_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_decisions_case_ref"), ["case_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_recorded_by"), ["recorded_by"], unique=False)

    op.create_table(
        "decision_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decision_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_responses_decision_id"), ["decision_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("decision_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_responses_decision_id"))

    op.drop_table("decision_responses")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_recorded_by"))
        batch_op.drop_index(batch_op.f("ix_decisions_case_ref"))
        batch_op.drop_index(batch_op.f("ix_decisions_acknowledge_by"))

    op.drop_table("decisions")
