"""`[log]`: the level, and text or JSON lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, LogConfig, LogFormat, LogLevel, load_config
from bot.logs import configure_logging


@pytest.fixture(autouse=True)
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_level_logger_message_and_structured_fields() -> None:
    out = io.StringIO()
    configure_logging(LogConfig(format=LogFormat.JSON), out, default=LogLevel.INFO)
    logging.getLogger("sva.requests").info(
        "POST /slack/events 200", extra={"http": {"status": 200}}
    )
    line = json.loads(out.getvalue())
    assert line["level"] == "info" and line["logger"] == "sva.requests"
    assert line["message"] == "POST /slack/events 200"
    assert line["http"] == {"status": 200} and line["time"].endswith("+00:00")


def test_the_level_filters_and_text_is_one_readable_line() -> None:
    out = io.StringIO()
    configure_logging(LogConfig(level=LogLevel.WARNING), out)
    logging.getLogger("x").info("hidden")
    logging.getLogger("x").warning("shown")
    assert out.getvalue().count("\n") == 1 and "WARNING x: shown" in out.getvalue()


def test_configuring_twice_does_not_double_the_lines() -> None:
    out = io.StringIO()
    configure_logging(LogConfig(), out)
    configure_logging(LogConfig(), out)
    logging.getLogger("x").warning("once")
    assert out.getvalue().count("once") == 1


def test_an_unknown_format_is_refused_with_the_key(tmp_path: Path) -> None:
    path = tmp_path / "sva.toml"
    path.write_text('[log]\nformat = "xml"\n')
    with pytest.raises(ConfigError, match=r"log\.format"):
        load_config(path, environ={})


def test_other_commands_log_warnings_only_unless_configured() -> None:
    out = io.StringIO()
    configure_logging(LogConfig(), out)
    logging.getLogger("alembic").info("Running upgrade")
    configure_logging(LogConfig(level=LogLevel.INFO), out)
    logging.getLogger("alembic").info("Running upgrade 2")
    assert out.getvalue().count("Running upgrade") == 1
