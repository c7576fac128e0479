"""PostgreSQL: a write marks the team a person is in once a change of team committing at the
same moment has committed (people rows read FOR SHARE)

The deferred trigger of 0021 read each named person's team (and a case session's case's
worker) without a lock, at commit. A session recorded for someone whose move to another
team was committing at that moment marked the old team only: a report reading between the
two commits kept the new team's figures without the session, and nothing marked them stale
afterwards. Reading the rows FOR SHARE waits for such a change, and READ COMMITTED then
reads the row as it committed. (A person's row being written takes this lock's conflicting
one until commit, so the order is either way safe.) SQLite is unaffected: one writer at a
time.

Revision ID: 0023_report_versions_locked
Revises: 0022_kept_figures_bounded
Create Date: 2026-11-27 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023_report_versions_locked"
down_revision: str | None = "0022_kept_figures_bounded"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOUCH = """
CREATE OR REPLACE FUNCTION report_versions_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[] := '{{}}';
    name text;
BEGIN
    FOREACH name IN ARRAY TG_ARGV LOOP
        IF TG_OP <> 'DELETE' THEN ids := ids || (to_jsonb(NEW) ->> name); END IF;
        IF TG_OP <> 'INSERT' THEN ids := ids || (to_jsonb(OLD) ->> name); END IF;
    END LOOP;
    IF TG_TABLE_NAME = 'sessions' THEN  -- the case's worker too
        IF TG_OP <> 'DELETE' THEN
            ids := ids || ARRAY(SELECT worker_id::text FROM cases WHERE ref = NEW.case_ref {lock});
        END IF;
        IF TG_OP <> 'INSERT' THEN
            ids := ids || ARRAY(SELECT worker_id::text FROM cases WHERE ref = OLD.case_ref {lock});
        END IF;
    END IF;
    UPDATE report_versions SET version = nextval('report_versions_seq')
     WHERE team = ANY (ARRAY(SELECT team FROM people WHERE id = ANY (ids) ORDER BY id {lock}))
       AND xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TOUCH.format(lock="FOR SHARE"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TOUCH.format(lock=""))
