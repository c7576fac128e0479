"""Logging for every `sva` command, from the `[log]` section: the level, and text or JSON
lines on stderr. Standard library logging only; nothing here runs at import time."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.config import LogConfig, LogFormat, LogLevel

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Fields a log call may attach with `extra=` that the JSON lines carry as they are.
STRUCTURED = ("http", "channel")
QUIET = ("aiohttp.access", "slack_bolt", "slack_sdk", "httpx", "telegram", "msal", "urllib3")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and structured extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in STRUCTURED:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(
    config: LogConfig, stream: TextIO | None = None, *, default: LogLevel = LogLevel.WARNING
) -> None:
    """Send every log record at `config.level` (else `default`) or above to stderr (or
    `stream`)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if config.format is LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "sva", False):
            root.removeHandler(old)
    handler.sva = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    level = getattr(logging, (config.level or default).value.upper())
    root.setLevel(level)
    for name in QUIET:  # the SDKs' own chatter only when debugging
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
