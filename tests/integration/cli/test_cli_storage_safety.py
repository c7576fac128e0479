"""The database is never made up or written blind: a missing, empty, read-only, deleted or
replaced database is refused with one line, and only `sva db init` (or the console demo's
first run, which says where) creates one. Issue 14, item 7."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import IN_CI, POSTGRES_URL
from tests.fakes.slack_api import TOKEN, FakeSlackApi
from tests.integration.channels import slack_requests as slack
from tests.integration.test_console import LiveChat
from tests.serving import free_port, wait_healthy

SVA = str(Path(sys.executable).with_name("sva"))
TIMEOUT = 60


def env(url: str | None = None) -> dict[str, str]:
    """The environment with SVA_DATABASE_URL set to `url`, or unset (the embedded default)."""
    base = {k: v for k, v in os.environ.items() if k != "SVA_DATABASE_URL"}
    return {**base, "SVA_DATABASE_URL": url} if url else base


def sva(
    *args: str, cwd: Path, url: str | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SVA, *args], input=stdin, capture_output=True, text=True, cwd=cwd, env=env(url),
        timeout=TIMEOUT,
    )  # fmt: skip


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused start prints (status 2, nothing on stdout)."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    return line


def chat_help(cwd: Path, url: str | None = None) -> subprocess.CompletedProcess[str]:
    return sva("chat", "--user", "alice", "--json", cwd=cwd, url=url, stdin="/help\n")


def init(cwd: Path, url: str | None = None) -> str:
    done = sva("db", "init", cwd=cwd, url=url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_db_init_creates_the_database_and_says_where_then_chat_starts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'sva.db'}"
    (tmp_path / "data").mkdir()
    said = init(tmp_path, url)
    assert said.startswith(f"created a new database at {tmp_path / 'data' / 'sva.db'} (schema 00")
    assert (tmp_path / "data" / "sva.db").stat().st_size > 0
    again = init(tmp_path, url)
    assert again.startswith(f"the database at {tmp_path / 'data' / 'sva.db'} already exists")
    assert chat_help(tmp_path, url).returncode == 0


def test_a_missing_database_is_refused_not_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    line = refused(chat_help(tmp_path, url))
    assert line == (
        f"database: there is no database at {tmp_path / 'sva.db'}; create one with "
        "`sva db init`, or point database.url (or SVA_DATABASE_URL) at the existing one"
    )
    assert refused(sva("agenda", "tm1", cwd=tmp_path, url=url)) == line
    assert refused(sva("db", "upgrade", cwd=tmp_path, url=url)) == line
    assert not list(tmp_path.glob("sva.db*"))


def test_started_in_another_directory_the_configured_database_is_not_made_up(
    tmp_path: Path,
) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    (home / "sva.toml").write_text('[database]\nurl = "sqlite:///sva.db"\n')
    init(home)  # ./sva.toml names ./sva.db
    line = refused(
        sva(
            "chat",
            "--user",
            "alice",
            "--json",
            "--config",
            str(home / "sva.toml"),
            cwd=elsewhere,
            stdin="/help\n",
        )
    )
    assert line.startswith(f"database: there is no database at {elsewhere / 'sva.db'}; create")
    assert not list(elsewhere.glob("sva.db*"))


def test_a_database_url_naming_a_folder_is_refused(tmp_path: Path) -> None:
    line = refused(chat_help(tmp_path, f"sqlite:///{tmp_path}"))
    assert line == (
        f"database: {tmp_path} is a folder, not a database file; point database.url "
        "(or SVA_DATABASE_URL) at the database file"
    )


def test_an_empty_file_is_not_taken_for_a_database_until_db_init(tmp_path: Path) -> None:
    (tmp_path / "sva.db").touch()
    line = refused(chat_help(tmp_path))  # the embedded default: ./sva.db
    assert line == (
        f"database: {tmp_path / 'sva.db'} is an empty file (0 bytes), not an sva database; point database.url "
        "(or SVA_DATABASE_URL) at the right file, or run `sva db init` to make it a new one"
    )
    assert (tmp_path / "sva.db").stat().st_size == 0
    assert init(tmp_path).startswith(f"created a new database at {tmp_path / 'sva.db'} (schema 00")
    assert chat_help(tmp_path).returncode == 0


def test_a_read_only_database_says_so_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    init(tmp_path, url)
    (tmp_path / "sva.db").chmod(0o400)
    line = refused(chat_help(tmp_path, url))
    assert line == (
        f"database: the database {tmp_path / 'sva.db'} is read-only — tell your administrator"
    )
    assert "send it again" not in line


def test_the_console_demo_first_run_creates_the_database_and_says_where(tmp_path: Path) -> None:
    first = sva("chat", "--user", "alice", cwd=tmp_path, stdin="/help\n")
    assert first.returncode == 0, first.stderr
    created = [line for line in first.stderr.splitlines() if "database" in line]
    assert created == [
        f"first run: created a new database at {tmp_path / 'sva.db'} "
        "(start sva in this folder to keep using it; `sva db init` creates one explicitly)"
    ]
    assert (tmp_path / "sva.db").stat().st_size > 0
    again = sva("chat", "--user", "alice", cwd=tmp_path, stdin="/help\n")
    assert again.returncode == 0 and "created" not in again.stderr


class Chat(LiveChat):
    """A running `sva chat --json` whose stderr is kept."""

    def __init__(self, database_url: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [SVA, "chat", "--user", "alice", "--json"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**env(database_url), "PYTHONUNBUFFERED": "1"}, cwd=cwd,
        )  # fmt: skip


def _answer_after(chat: Chat, line: str) -> tuple[list[dict[str, object]], str, int]:
    """Send the last line, end stdin; the messages printed, stderr, and the exit status."""
    process = chat.process
    out, err = process.communicate(f"{line}\n".encode(), timeout=TIMEOUT)
    chat.close_pipes()
    messages = [json.loads(raw) for raw in out.decode().splitlines()]
    return messages, err.decode(), process.returncode


def _refused_answer(messages: list[dict[str, object]], err: str, status: int) -> None:
    """The answer was not acknowledged: no next question, the person is told why, the chat
    ends with one line on stderr for the operator (besides the log's)."""
    assert [m["expects"] for m in messages] == ["none"]
    text = str(messages[0]["text"])
    assert "was deleted or replaced while sva was running" in text
    assert "Nothing was changed" in text and "send it again" not in text
    assert status == 2
    [line] = [line for line in err.splitlines() if line.startswith("database:")]
    assert line.startswith("database: the database file ") and "tell your administrator" in line


def test_an_answer_after_the_database_was_deleted_is_refused_and_never_acknowledged(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    init(tmp_path, url)
    chat = Chat(url, tmp_path)
    question = chat.ask("/checkin")
    assert question["expects"] != "none"
    (tmp_path / "sva.db").unlink()
    _refused_answer(*_answer_after(chat, "7"))
    line = refused(chat_help(tmp_path, url))  # the next start makes up nothing either
    assert line.startswith(f"database: there is no database at {tmp_path / 'sva.db'}")
    assert not (tmp_path / "sva.db").exists()


def test_an_answer_after_the_database_was_replaced_is_refused_and_never_acknowledged(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'sva.db'}"
    init(tmp_path, url)
    shutil.copy(tmp_path / "sva.db", tmp_path / "older.db")
    chat = Chat(url, tmp_path)
    chat.ask("/checkin")
    os.replace(tmp_path / "older.db", tmp_path / "sva.db")
    _refused_answer(*_answer_after(chat, "7"))


async def test_serve_refuses_a_missing_database_and_starts_after_db_init(tmp_path: Path) -> None:
    fake = FakeSlackApi()
    await fake.start()
    try:
        port = free_port()
        (tmp_path / "sva.toml").write_text(
            f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n[server]\nport = {port}\n'
            f'[encryption]\nallow_unencrypted_storage = true\n[slack]\nbot_token = "{TOKEN}"\n'
            f'signing_secret = "{slack.SECRET}"\napi_url = "{fake.api_url}"\n'
        )
        result = await asyncio.to_thread(sva, "serve", cwd=tmp_path)
        line = refused(result)
        assert line.startswith(f"database: there is no database at {tmp_path / 'sva.db'}")
        assert not (tmp_path / "sva.db").exists()
        await asyncio.to_thread(init, tmp_path)  # ./sva.toml
        process = subprocess.Popen(
            [SVA, "serve"], cwd=tmp_path, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            await wait_healthy(f"http://127.0.0.1:{port}", process)
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
        assert process.returncode == 0
    finally:
        await fake.stop()


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (as `createdb` leaves it), dropped afterwards."""
    admin_url = make_url(POSTGRES_URL).set(drivername="postgresql")
    try:
        admin = psycopg.connect(admin_url.render_as_string(hide_password=False),
                                autocommit=True, connect_timeout=5)  # fmt: skip
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true: {exc}")
        pytest.skip(f"PostgreSQL is not reachable: {exc}")
    name = f"sva_empty_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_url.render_as_string(hide_password=False),
                         autocommit=True) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_postgresql_without_the_schema_says_to_run_db_init(
    tmp_path: Path, empty_postgres_database: str
) -> None:
    url = empty_postgres_database
    name = make_url(url).database
    line = refused(chat_help(tmp_path, url))
    assert line == (
        f"database: the database {name!r} on 127.0.0.1 has no sva tables yet; create them with "
        "`sva db init` (or `sva db upgrade`)"
    )
    assert init(tmp_path, url).startswith(
        f"created the sva tables in the database {name!r} on 127.0.0.1 (schema 00"
    )
    assert chat_help(tmp_path, url).returncode == 0
