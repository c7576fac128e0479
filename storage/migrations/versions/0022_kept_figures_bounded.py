"""kept_report_figures.kept_at: kept figures are bounded to the most recently kept periods

Each period a report was made for kept every team's figures for good: about 32 MB a period
for a council of 50,000, with each person's name, and figures kept under rules replaced by
a later release (the fingerprint covers the code) could never be used again. The figures
now say when they were kept, and keeping a period's figures drops those of the oldest
periods beyond a bound, and any kept under other rules (storage.kept_figures).

The table is a cache: it is made again empty (every team is computed on the next report),
which also avoids SQLite's limits on adding a NOT NULL column. The triggers of 0021 name it
only in their bodies, which both databases resolve when they fire.

Revision ID: 0022_kept_figures_bounded
Revises: 0021_kept_report_figures
Create Date: 2026-11-27 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_kept_figures_bounded"
down_revision: str | None = "0021_kept_report_figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_kept_report_figures_kept"
INDEX_COLUMNS = ["period_start", "period_end", "kept_at", "rules"]


def _table(*extra: sa.Column[object]) -> None:
    op.create_table(
        "kept_report_figures",
        sa.Column("team", sa.String(200), primary_key=True),
        sa.Column("period_start", sa.Date(), primary_key=True),
        sa.Column("period_end", sa.Date(), primary_key=True),
        sa.Column("rules", sa.String(64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        *extra,
    )


def upgrade() -> None:
    op.drop_table("kept_report_figures")
    _table(sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False))
    # Covers the search for the oldest periods and for other rules (no read of the figures).
    op.create_index(INDEX, "kept_report_figures", INDEX_COLUMNS)


def downgrade() -> None:
    op.drop_table("kept_report_figures")
    _table()
