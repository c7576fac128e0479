"""report_versions and kept_report_figures: each team's compliance figures, kept until its data
changes

A council-wide report measures 50,000 people from 2,000,000 sessions and 500,000 cases; most
teams' data have not changed since the last report. Each team's computed share of a report
is kept (`kept_report_figures`) with the team's version at the time it was read, and used
again only while `report_versions` still holds that version. The version is bumped by
triggers in the same transaction as any write to the rows a team's figures are computed
from (people, sessions, cases, leave periods, person events), so no writing code can forget
to, and a figure kept from older data is never shown.

Revision ID: 0021_kept_report_figures
Revises: 0020_case_last_supervision
Create Date: 2026-11-26 21:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_kept_report_figures"
down_revision: str | None = "0020_case_last_supervision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table whose rows a team's figures are read from, and its columns naming people: a
# write bumps the version of each named person's team (old and new values both).
TOUCHING = {
    "sessions": ("supervisee_id", "supervisor_id"),
    "cases": ("worker_id",),
    "leave_periods": ("person_id",),
    "person_events": ("person_id",),
}
BUMP = "UPDATE report_versions SET version = version + 1 WHERE team IN ({teams})"
# A case session also counts for the case's worker (a past period's case figures seek it),
# who is not always the supervisee: a case that moved to another worker keeps its sessions.
CASE_WORKER = "(SELECT worker_id FROM cases WHERE ref = {ref})"
# A person changed or deleted (a rename, retention, erasure) leaves no kept figure with
# what they were.
FORGET = "DELETE FROM kept_report_figures WHERE team = {team}"


def upgrade() -> None:
    op.create_table(
        "report_versions",
        sa.Column("team", sa.String(200), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "kept_report_figures",
        sa.Column("team", sa.String(200), primary_key=True),
        sa.Column("period_start", sa.Date(), primary_key=True),
        sa.Column("period_end", sa.Date(), primary_key=True),
        sa.Column("rules", sa.String(64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
    )
    op.execute("INSERT INTO report_versions (team, version) SELECT DISTINCT team, 0 FROM people")
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for table, columns in TOUCHING.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            named = [f"{row}.{column}" for row in rows for column in columns]
            if table == "sessions":  # the case's worker too (see CASE_WORKER)
                named += [CASE_WORKER.format(ref=f"{row}.case_ref") for row in rows]
            ids = ", ".join(named)
            teams = f"SELECT team FROM people WHERE id IN ({ids})"
            op.execute(
                f"CREATE TRIGGER report_versions_{table}_{event.lower()} AFTER {event} ON {table}"
                f"{_when_changed(table) if event == 'UPDATE' else ''}"
                f" BEGIN {BUMP.format(teams=teams)}; END"
            )
    # Not INSERT OR IGNORE: an upsert of people would override the trigger's conflict rule.
    add = (
        "INSERT INTO report_versions (team, version) SELECT NEW.team, 0"
        " WHERE NOT EXISTS (SELECT 1 FROM report_versions WHERE team = NEW.team)"
    )
    op.execute(
        "CREATE TRIGGER report_versions_people_insert AFTER INSERT ON people"
        f" BEGIN {add}; {BUMP.format(teams='NEW.team')}; END"
    )
    op.execute(
        f"CREATE TRIGGER report_versions_people_update AFTER UPDATE ON people{_when_changed('people')}"
        f" BEGIN {add}; {BUMP.format(teams='OLD.team, NEW.team')}; {FORGET.format(team='OLD.team')};"
        " END"
    )
    op.execute(
        "CREATE TRIGGER report_versions_people_delete AFTER DELETE ON people"
        f" BEGIN {BUMP.format(teams='OLD.team')}; {FORGET.format(team='OLD.team')}; END"
    )


def _when_changed(table: str) -> str:
    """SQLite: " WHEN" any column of the table's differs (a re-import of the same rows
    rewrites them unchanged, and should not make every team's figures stale). A column added
    to one of these tables later must be added here by its migration (the test
    `test_kept_figures` checks every column is watched)."""
    columns = [row[1] for row in op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})")]
    return " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _postgresql_triggers() -> None:
    # - A team's version takes the next value of a sequence, once per transaction: the row
    #   is left alone when this transaction already wrote it (its xmin). A bulk import in one
    #   transaction updating the same row hundreds of times would leave every row version in
    #   place until the end, each update walking them all (the benchmark's 2,000,000-session
    #   import did not finish). A sequence, unlike a transaction id, is dumped and restored
    #   with its value, so a version is never given twice, even after a restore elsewhere.
    # - The triggers are deferred to the commit: a long import then holds its teams'
    #   version rows only while it commits, not from its first row on, so someone recording
    #   a session meanwhile is not kept waiting.
    # - The version is changed before a person's kept figures are deleted, so a report
    #   keeping figures at the same moment (which checks the version, storage.kept_figures)
    #   is either seen by the delete or sees the new version.
    op.execute("CREATE SEQUENCE report_versions_seq")
    bump = """
            UPDATE report_versions SET version = nextval('report_versions_seq')
             WHERE team IN ({teams}) AND xmin <> pg_current_xact_id()::xid;"""
    # One function for the four tables: the trigger's arguments name the people columns.
    op.execute(
        """
        CREATE FUNCTION report_versions_touch() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            ids text[] := '{}';
            name text;
        BEGIN
            FOREACH name IN ARRAY TG_ARGV LOOP
                IF TG_OP <> 'DELETE' THEN ids := ids || (to_jsonb(NEW) ->> name); END IF;
                IF TG_OP <> 'INSERT' THEN ids := ids || (to_jsonb(OLD) ->> name); END IF;
            END LOOP;
            IF TG_TABLE_NAME = 'sessions' THEN  -- the case's worker too (see CASE_WORKER)
                IF TG_OP <> 'DELETE' THEN
                    ids := ids || ARRAY(SELECT worker_id::text FROM cases WHERE ref = NEW.case_ref);
                END IF;
                IF TG_OP <> 'INSERT' THEN
                    ids := ids || ARRAY(SELECT worker_id::text FROM cases WHERE ref = OLD.case_ref);
                END IF;
            END IF;"""
        + bump.format(teams="SELECT team FROM people WHERE id = ANY (ids)")
        + """
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION report_versions_touch_team() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            teams text[] := '{}';
        BEGIN
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO report_versions (team, version) VALUES (NEW.team, 0)
                ON CONFLICT (team) DO NOTHING;
                teams := teams || NEW.team::text;
            END IF;
            IF TG_OP <> 'INSERT' THEN teams := teams || OLD.team::text; END IF;"""
        + bump.format(teams="SELECT unnest(teams)")
        + """
            IF TG_OP <> 'INSERT' THEN DELETE FROM kept_report_figures WHERE team = OLD.team; END IF;
            RETURN NULL;
        END $$
        """
    )
    deferred = "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
    # Updates that change nothing (a re-import of the same rows) leave the versions alone.
    changed = f"{deferred} WHEN (OLD.* IS DISTINCT FROM NEW.*)"
    for table, columns in TOUCHING.items():
        names = ", ".join(f"'{column}'" for column in columns)
        touch = f"EXECUTE FUNCTION report_versions_touch({names})"
        op.execute(
            f"CREATE CONSTRAINT TRIGGER report_versions_{table} AFTER INSERT OR DELETE ON {table}"
            f" {deferred} {touch}"
        )
        op.execute(
            f"CREATE CONSTRAINT TRIGGER report_versions_{table}_update AFTER UPDATE ON {table}"
            f" {changed} {touch}"
        )
    touch = "EXECUTE FUNCTION report_versions_touch_team()"
    op.execute(
        "CREATE CONSTRAINT TRIGGER report_versions_people AFTER INSERT OR DELETE ON people"
        f" {deferred} {touch}"
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER report_versions_people_update AFTER UPDATE ON people"
        f" {changed} {touch}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*TOUCHING, "people"):
            op.execute(f"DROP TRIGGER report_versions_{table} ON {table}")
            op.execute(f"DROP TRIGGER report_versions_{table}_update ON {table}")
        op.execute("DROP FUNCTION report_versions_touch()")
        op.execute("DROP FUNCTION report_versions_touch_team()")
        op.execute("DROP SEQUENCE report_versions_seq")
    else:
        for table in (*TOUCHING, "people"):
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER report_versions_{table}_{event}")
    op.drop_table("kept_report_figures")
    op.drop_table("report_versions")
