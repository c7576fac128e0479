"""PostgreSQL: a write marks the team a person is in once a change of team committing at the
same moment has committed (their team is read again after the version rows are taken)

The deferred trigger of 0021 read each named person's team (and a case session's case's
worker) once, at commit. A session recorded for someone whose move to another team was
committing at that moment read the old team, waited for that team's version row (the move
holds it), and marked the old team only: a report reading between the two commits kept the
new team's figures without the session, and nothing marked them stale afterwards.

Now, after marking the teams read, the trigger reads the teams again in a new statement
(READ COMMITTED: it sees what committed meanwhile) and marks any it had not, whenever it
marked a row just now (a row it had marked before cannot have kept it waiting; a bulk
import marks each team once, so it reads again about once per team, not per row). Either the move
marks its teams first (this transaction waits for it, then reads the new team), or this
transaction marks the old team first (the move then waits for this one to commit). People
rows are not locked: a people import holding its rows until it commits must not keep
someone recording a session waiting. SQLite is unaffected: one writer at a time.

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

TEAMS = """ARRAY(SELECT team FROM people WHERE id = ANY (
            ids || ARRAY(SELECT worker_id::text FROM cases WHERE ref = ANY (refs))))"""
BUMP = """UPDATE report_versions SET version = nextval('report_versions_seq')
     WHERE team = ANY ({teams}) AND xmin <> pg_current_xact_id()::xid"""
TOUCH = f"""
CREATE OR REPLACE FUNCTION report_versions_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[] := '{{}}';
    refs text[] := '{{}}';  -- a case session's case: its worker too
    name text;
    marked text[];
    changed integer;
BEGIN
    FOREACH name IN ARRAY TG_ARGV LOOP
        IF TG_OP <> 'DELETE' THEN ids := ids || (to_jsonb(NEW) ->> name); END IF;
        IF TG_OP <> 'INSERT' THEN ids := ids || (to_jsonb(OLD) ->> name); END IF;
    END LOOP;
    IF TG_TABLE_NAME = 'sessions' THEN
        IF TG_OP <> 'DELETE' THEN refs := refs || NEW.case_ref::text; END IF;
        IF TG_OP <> 'INSERT' THEN refs := refs || OLD.case_ref::text; END IF;
    END IF;
    marked := {TEAMS};
    {BUMP.format(teams="marked")};
    -- Rows this transaction had already marked are skipped without waiting: only when a
    -- row was marked now may another transaction have been waited for. Read the teams
    -- again then: a move committed meanwhile is seen by this new statement.
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        {BUMP.format(teams=TEAMS)} AND NOT team = ANY (marked);
    END IF;
    RETURN NULL;
END $$
"""
# 0021's function, for the downgrade.
BEFORE = """
CREATE OR REPLACE FUNCTION report_versions_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[] := '{}';
    name text;
BEGIN
    FOREACH name IN ARRAY TG_ARGV LOOP
        IF TG_OP <> 'DELETE' THEN ids := ids || (to_jsonb(NEW) ->> name); END IF;
        IF TG_OP <> 'INSERT' THEN ids := ids || (to_jsonb(OLD) ->> name); END IF;
    END LOOP;
    IF TG_TABLE_NAME = 'sessions' THEN
        IF TG_OP <> 'DELETE' THEN
            ids := ids || ARRAY(SELECT worker_id::text FROM cases WHERE ref = NEW.case_ref);
        END IF;
        IF TG_OP <> 'INSERT' THEN
            ids := ids || ARRAY(SELECT worker_id::text FROM cases WHERE ref = OLD.case_ref);
        END IF;
    END IF;
    UPDATE report_versions SET version = nextval('report_versions_seq')
     WHERE team IN (SELECT team FROM people WHERE id = ANY (ids))
       AND xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TOUCH)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BEFORE)
