"""conversations, preparation notes, EARS, wellbeing, received messages

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:33:05.238285
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "conversations",
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("dialog", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "ears_reflections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("variant", sa.String(length=20), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=True),
        sa.Column(
            "answers", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ears_reflections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ears_reflections_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "prep_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=False),
        sa.Column("variant", sa.String(length=20), nullable=False),
        sa.Column(
            "answers", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("needs_ad_hoc", sa.Boolean(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("prep_notes", schema=None) as batch_op:
        batch_op.create_index("ix_prep_notes_person_case", ["person_id", "case_ref"], unique=False)

    op.create_table(
        "received_messages",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "message_id"),
    )
    op.create_table(
        "wellbeing_checkins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=200), nullable=False),
        sa.Column(
            "answers", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "shared", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("wellbeing_checkins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_checkins_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("wellbeing_checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wellbeing_checkins_person_id"))

    op.drop_table("wellbeing_checkins")
    op.drop_table("received_messages")
    with op.batch_alter_table("prep_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_prep_notes_person_case")

    op.drop_table("prep_notes")
    with op.batch_alter_table("ears_reflections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ears_reflections_person_id"))

    op.drop_table("ears_reflections")
    op.drop_table("conversations")
