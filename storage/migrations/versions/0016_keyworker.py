"""cases.key_worker: whether the allocated worker is the case's key worker (fidelity)

Manchester's policy (3.1) gives staff involved in a case but not as its key worker or lead
professional their own frequency; existing cases are read as the key worker's.

Revision ID: 0016_keyworker
Revises: 0015
Create Date: 2026-11-26 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_keyworker"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("key_worker", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("key_worker")
