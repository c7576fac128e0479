"""Nothing personal in logs: a storage failure while saving a wellbeing check-in logs what
failed, never what the person wrote (SQL parameters are hidden)."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import TryAgainLater
from storage.db import create_engine
from storage.sql import SqlStore
from tests.factories import assistant_over, chat
from tests.integration.test_console import SVA, sva_env

MARKER = "ZQXMARKER"
CHECKIN = [
    "/checkin",
    f"{MARKER} my divorce",
    "skip",
    "skip",
    f"{MARKER} depression",
    "skip",
    "2",
    "skip",
    "skip",
    "confirm",
    "1",
]
LAST = "That's all"  # ends the check-in: the answers are stored now, and that fails


@pytest.fixture
def broken_checkins(database_url: str) -> Iterator[str]:
    """The check-in table is gone while the test runs (put back afterwards)."""
    engine = create_engine(database_url)
    with engine.begin() as db:
        db.execute(text("ALTER TABLE wellbeing_checkins RENAME TO wellbeing_checkins_away"))
    yield database_url
    with engine.begin() as db:
        db.execute(text("ALTER TABLE wellbeing_checkins_away RENAME TO wellbeing_checkins"))
    engine.dispose()


async def test_a_failing_save_logs_no_answer_text(
    broken_checkins: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = SqlStore(engine=create_engine(broken_checkins))  # no key: the text is plain
    assistant = assistant_over(store)
    caplog.set_level(logging.DEBUG)
    try:
        await chat(assistant, CHECKIN)
        with pytest.raises(TryAgainLater) as failed:
            await chat(assistant, [LAST])
    finally:
        await store.close()
    assert "storage failed for alice" in caplog.text
    assert any(r.exc_info for r in caplog.records)  # the traceback is there, formatted
    assert MARKER not in caplog.text
    assert MARKER not in str(failed.value)
    assert "SQL parameters hidden" in caplog.text


def test_the_console_process_prints_no_answer_text_at_debug_level(
    broken_checkins: str, tmp_path: Path
) -> None:
    (tmp_path / "sva.toml").write_text('[log]\nlevel = "debug"\n')
    result = subprocess.run(
        [SVA, "chat", "--user", "alice", "--json"],
        input="".join(f"{line}\n" for line in [*CHECKIN, LAST]).encode(),
        capture_output=True,
        env=sva_env(broken_checkins),
        cwd=tmp_path,
        timeout=120,
    )
    stderr, stdout = result.stderr.decode(), result.stdout.decode()
    assert "couldn't save" in stdout
    assert stderr.strip()  # it did log the failure
    assert MARKER not in stderr
    assert MARKER not in stdout.split("couldn't save")[-1]
