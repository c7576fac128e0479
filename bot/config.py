"""Configuration: one TOML file read once into validated models.

Only this module reads environment variables, and only for secrets and URLs.
"""

from __future__ import annotations

import os
import tomllib
from datetime import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from policies.vocabulary import Service

DEFAULT_PATH = Path("sva.toml")
ENVIRONMENT = {"SVA_DATABASE_URL": ("database", "url")}


class ConfigError(Exception):
    """The configuration is unreadable or invalid; the message names file and key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssistantConfig(_Section):
    default_policy: str = "southwark"
    max_answer_chars: int = Field(default=4000, ge=100, le=100_000)


class DatabaseConfig(_Section):
    url: str = "sqlite:///sva.db"
    auto_migrate: bool = True


class WellbeingConfig(_Section):
    low_score: int = Field(default=3, ge=0, le=10)
    signposting: str = ""  # empty: the policy pack's signposting text


class TeamConfig(_Section):
    policy: str | None = None  # the team's policy pack, when its people have none of their own
    service: Service = Service.DEFAULT  # which group supervision rule applies


class RemindersConfig(_Section):
    ahead_days: int = Field(default=5, ge=0, le=60)  # remind this many days before a due date
    escalate_after_days: int | None = Field(default=None, ge=1)  # None: each pack's own figure
    sweep_at: time = time(7, 30)  # when `sva serve` runs the daily sweep (local time)
    claim_lease_minutes: int = Field(default=15, ge=1)
    presenter_notice_days: int = Field(default=5, ge=1, le=10)  # working days
    agenda_notice_days: int = Field(default=2, ge=1, le=10)  # working days before the session


class ConsoleConfig(_Section):
    reminder_log: Path = Path("sva-reminders.log")  # where the console channel delivers reminders


class Config(_Section):
    """The whole configuration; every section has working defaults (console + SQLite)."""

    assistant: AssistantConfig = AssistantConfig()
    database: DatabaseConfig = DatabaseConfig()
    wellbeing: WellbeingConfig = WellbeingConfig()
    reminders: RemindersConfig = RemindersConfig()
    console: ConsoleConfig = ConsoleConfig()
    teams: dict[str, TeamConfig] = {}


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Read `path` (default ./sva.toml, optional) and apply environment overrides.

    Raises:
        ConfigError: an explicitly named file is missing, or any file is invalid.
    """
    environ = dict(os.environ) if environ is None else environ
    source = path or DEFAULT_PATH
    data: dict[str, dict[str, object]] = {}
    if source.exists():
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    elif path is not None:
        raise ConfigError(f"{source}: no such configuration file")
    for variable, (section, key) in ENVIRONMENT.items():
        if environ.get(variable):
            data.setdefault(section, {})[key] = environ[variable]
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from exc
