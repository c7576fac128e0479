"""Clear operational errors: an unreachable, refused or missing database, or a schema newer
(or, without auto-migration, older) than the code, is one line saying what and how to fix
it; `sva db upgrade` says what it did; `sva db backup`; `sva --version`."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from storage.db import create_engine, migrate
from storage.sealing import new_key_entry, parse_keys
from storage.tables import ConversationRow
from tests.conftest import POSTGRES_URL
from tests.fakes.postgres_auth import RefusingPostgres
from tests.serving import free_port

SVA = str(Path(sys.executable).with_name("sva"))
PEOPLE = (
    "id,name,role,team,policy,supervisor_id,started_on,case_holding,chat\n"
    "tm1,Tom,team_manager,Team A,,,2018-01-01,false,console:tom\n"
)


def sva(*args: str, url: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    settings = "".join(f"{k} = {v}\n" for k, v in extra.items())
    (cwd / "sva.toml").write_text(f'[database]\nurl = "{url}"\n{settings}')
    return subprocess.run(
        [SVA, *args, "--config", str(cwd / "sva.toml")],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_unreachable_postgresql_server(tmp_path: Path) -> None:
    url = f"postgresql://sva:s3cret@127.0.0.1:{free_port()}/sva"
    (tmp_path / "p.csv").write_text(PEOPLE)
    line = one_line(sva("import", "people", "p.csv", url=url, cwd=tmp_path), 75)  # try again
    assert line.startswith(
        "database: cannot reach the database at postgresql+psycopg://sva:***@127.0.0.1:"
    )
    assert "check that the server is running and reachable" in line and "s3cret" not in line


async def test_a_wrong_password(tmp_path: Path) -> None:
    server = RefusingPostgres()
    port = await server.start()
    try:
        url = f"postgresql://sva:wrong@127.0.0.1:{port}/sva"
        result = await asyncio.to_thread(sva, "db", "upgrade", url=url, cwd=tmp_path)
    finally:
        await server.stop()
    assert server.attempts >= 1
    assert one_line(result) == (
        f"database: the database at postgresql+psycopg://sva:***@127.0.0.1:{port}/sva refused "
        "the password for user sva; check database.url (or SVA_DATABASE_URL)"
    )


def test_a_missing_postgresql_database(tmp_path: Path, postgres_database: str) -> None:
    name = f"sva_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    line = one_line(sva("agenda", "tm1", url=url, cwd=tmp_path))
    assert line == (
        f"database: the database '{name}' does not exist on 127.0.0.1; create it "
        f"(createdb -O postgres {name}), then run `sva db init`"
    )


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("mysql://sva:s3cret@db.example/sva", "a 'mysql' address"),
        ("s3cret-garbage", "not a database address"),
        ("postgresql://sva:s3cret@127.0.0.1:notaport/sva", "a 'postgresql' address"),
    ],
)
def test_an_address_sva_cannot_use_is_one_line_without_the_password(
    tmp_path: Path, url: str, what: str
) -> None:
    line = one_line(sva("remind", "--on", "2026-11-30", "--dry-run", url=url, cwd=tmp_path))
    assert line == (
        f"database: database.url is {what}, which sva cannot use; give sqlite:///PATH or "
        "postgresql://USER@HOST[:PORT]/DATABASE, and check database.url (or SVA_DATABASE_URL)"
    )


def test_a_user_the_server_does_not_know_is_refused_not_retried(tmp_path: Path) -> None:
    """Exit 2 (fix the setting), not 75 (try again later)."""
    url = make_url(POSTGRES_URL).set(username="nobody_here", password=None)
    plain = url.render_as_string(hide_password=False)
    line = one_line(sva("agenda", "tm1", url=plain, cwd=tmp_path))
    assert line.startswith("database: the database at postgresql+psycopg://nobody_here@")
    assert line.endswith("has no user 'nobody_here'; check database.url (or SVA_DATABASE_URL)")


def test_answers_sealed_with_a_data_key_not_configured_refuse_the_start(tmp_path: Path) -> None:
    """Started without the key, every answer would fail to open and each person be told to
    send it again: sva says which key is missing instead."""
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    engine = create_engine(url, keyring=parse_keys(new_key_entry("k2026")))
    migrate(engine)
    with engine.begin() as db:
        db.execute(insert(ConversationRow).values(
            person_id="sw1", dialog="prep", state="q1", data={"answers": {"q1": "private"}},
            version=1, updated_at=datetime(2026, 11, 27, tzinfo=UTC),
        ))  # fmt: skip
    engine.dispose()
    line = one_line(sva("agenda", "tm1", url=url, cwd=tmp_path))
    assert line == (
        "database: the database holds answers sealed with data key 'k2026', which is not "
        "configured; set encryption.keys (SVA_DATA_KEYS) or encryption.key_file to the keys "
        "it was sealed with"
    )


def test_a_sqlite_file_in_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nowhere' / 'sva.db'}"
    line = one_line(sva("db", "init", url=url, cwd=tmp_path))
    assert line.startswith(f"database: cannot open the SQLite database {tmp_path}/nowhere/sva.db")
    assert line.endswith("check that its folder exists and is writable, or check database.url "
                         "(or SVA_DATABASE_URL)")  # fmt: skip


def lines_once_versions_edited(tmp_path: Path, statement: str) -> list[str]:
    """The one line `sva agenda` and `sva db upgrade` each print on a new database whose
    `alembic_version` was then changed by `statement`."""
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    assert sva("db", "init", url=url, cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "sva.db") as db:
        db.execute(statement)
    return [one_line(sva(*command, url=url, cwd=tmp_path))
            for command in (("agenda", "tm1"), ("db", "upgrade"))]  # fmt: skip


def test_a_schema_newer_than_the_code(tmp_path: Path) -> None:
    edit = "UPDATE alembic_version SET version_num = '0099_from_the_future'"
    for line in lines_once_versions_edited(tmp_path, edit):
        assert line.startswith(
            "database: the database schema (0099_from_the_future) is newer than this sva "
            "(which knows up to 00"
        )
        assert line.endswith("or restore a backup taken before that upgrade")


def test_a_schema_recorded_twice(tmp_path: Path) -> None:
    edit = "INSERT INTO alembic_version VALUES ('0014')"
    for line in lines_once_versions_edited(tmp_path, edit):
        assert line.startswith("database: the database records more than one schema revision")


def older_database(url: str) -> None:
    """A database an earlier sva made (schema 0014)."""
    engine = create_engine(url)
    migrate(engine, "0014")
    engine.dispose()


def test_an_older_schema_without_auto_migration_says_to_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    older_database(url)
    line = one_line(sva("agenda", "tm1", url=url, cwd=tmp_path, auto_migrate="false"))
    assert line.startswith("database: the database schema (0014) is older than this sva")
    assert line.endswith("run `sva db upgrade`")


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    older_database(url)
    first = sva("db", "upgrade", url=url, cwd=tmp_path)
    assert first.returncode == 0
    assert first.stdout.startswith("upgraded the database schema from 0014 to 00")
    again = sva("db", "upgrade", url=url, cwd=tmp_path).stdout
    assert again.startswith("the database schema was already at 00") and "nothing to do" in again


def test_version() -> None:
    result = subprocess.run([SVA, "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("sva 0.1.0 (database schema 00")


def test_backup_copies_sqlite_while_it_is_in_use_and_keeps_it_private(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    (tmp_path / "p.csv").write_text(PEOPLE)
    assert sva("db", "init", url=url, cwd=tmp_path).returncode == 0
    assert sva("import", "people", "p.csv", url=url, cwd=tmp_path).returncode == 0
    holder = sqlite3.connect(tmp_path / "sva.db")
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM people").fetchone()  # a reader holds a snapshot
    try:
        result = sva("db", "backup", "--out", "copy.db", url=url, cwd=tmp_path)
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("backed up the database to copy.db (")
    copy = tmp_path / "copy.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT id FROM people").fetchall() == [("tm1",)]
    again = sva("db", "backup", "--out", "copy.db", url=url, cwd=tmp_path)
    assert one_line(again) == "database: copy.db already exists; choose another file or add --force"


def test_backup_of_postgresql_points_at_pg_dump(tmp_path: Path) -> None:
    url = "postgresql://sva:s3cret@db.example.internal:5432/sva"
    line = one_line(sva("db", "backup", "--out", "x.dump", url=url, cwd=tmp_path))
    assert line == (
        "database: PostgreSQL is backed up with pg_dump, not sva: pg_dump --format=custom "
        "--file=sva-$(date +%F).dump 'postgresql://sva:***@db.example.internal:5432/sva' "
        "(see docs/deploy.md, Backups)"
    )
    assert not (tmp_path / "x.dump").exists()


@pytest.fixture
def postgres_database() -> str:
    """Only that the server is there (the missing-database test needs a live server)."""
    try:
        psycopg.connect(make_url(POSTGRES_URL).render_as_string(hide_password=False),
                        connect_timeout=5).close()  # fmt: skip
    except psycopg.OperationalError as exc:
        from tests.conftest import IN_CI

        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true: {exc}")
        pytest.skip(f"PostgreSQL is not reachable: {exc}")
    return POSTGRES_URL
