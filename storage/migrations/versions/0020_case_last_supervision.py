"""cases.last_case_supervision: each case's last held case supervision, kept on the case row

The council-wide compliance report counts 500,000 open cases against their rules' cutoffs;
seeking each case's last case supervision in the sessions index took most of its read. The
column is kept by `storage.directory` whenever cases or sessions are imported or recorded,
and the covering index lets the report group the cases in index order (no sort).

Revision ID: 0020_case_last_supervision
Revises: 0019_person_events
Create Date: 2026-11-26 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_case_last_supervision"
down_revision: str | None = "0019_person_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX_COLUMNS: list[str | sa.TextClause] = [
    "worker_id",
    "case_type",
    "risk",
    "key_worker",
    sa.text("(last_case_supervision IS NULL)"),
    "last_case_supervision",
    "allocated_on",
]


def upgrade() -> None:
    op.add_column("cases", sa.Column("last_case_supervision", sa.Date(), nullable=True))
    op.execute(
        "UPDATE cases SET last_case_supervision = (SELECT max(s.date) FROM sessions s"
        " WHERE s.kind = 'case' AND s.status = 'held' AND s.case_ref = cases.ref)"
    )
    op.create_index("ix_cases_groups", "cases", INDEX_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_cases_groups", table_name="cases")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("last_case_supervision")
