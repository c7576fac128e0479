"""Configuration: one TOML file read once into validated models.

Only this module reads environment variables, and only for secrets and URLs.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from policies.vocabulary import Service

DEFAULT_PATH = Path("sva.toml")
ENVIRONMENT = {
    "SVA_DATABASE_URL": ("database", "url"),
    "SVA_DATA_KEYS": ("encryption", "keys"),
    "SVA_DATA_KEY_FILE": ("encryption", "key_file"),
    "SVA_SLACK_BOT_TOKEN": ("slack", "bot_token"),
    "SVA_SLACK_SIGNING_SECRET": ("slack", "signing_secret"),
    "SVA_SLACK_APP_TOKEN": ("slack", "app_token"),
    "SVA_SLACK_API_URL": ("slack", "api_url"),
    "SVA_TELEGRAM_TOKEN": ("telegram", "token"),
    "SVA_TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "SVA_TELEGRAM_API_URL": ("telegram", "api_url"),
    "SVA_TEAMS_APP_ID": ("teams", "app_id"),
    "SVA_TEAMS_TENANT_ID": ("teams", "tenant_id"),
    "SVA_TEAMS_CLIENT_SECRET": ("teams", "client_secret"),
    "SVA_WEB_SECRET": ("web", "secret"),
    "SVA_WEB_BASE_URL": ("web", "base_url"),
    "SVA_WEB_OIDC_CLIENT_SECRET": ("web", "oidc_client_secret"),
}


class ConfigError(Exception):
    """The configuration is unreadable or invalid; the message names file and key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssistantConfig(_Section):
    default_policy: str = "southwark"
    # A folder of local override files (<pack>.toml); default: policies/local/.
    local_policies: Path | None = None
    # A folder of the council's own pack files (outside the installed package), read after the
    # shipped packs: a new council's pack, or a full copy replacing a shipped one of that name.
    policy_packs: Path | None = None
    max_answer_chars: int = Field(default=4000, ge=100, le=100_000)


class DatabaseConfig(_Section):
    url: str = "sqlite:///sva.db"
    auto_migrate: bool = True
    # SQLite only: "full" (every commit on disk, survives a power cut) or "normal" (survives a
    # crash of the process, not of the machine; several times faster one turn at a time).
    sqlite_synchronous: Literal["full", "normal"] = "full"


class EncryptionConfig(_Section):
    """Keys sealing special-category data at rest; never stored in the database.

    `keys` (best from SVA_DATA_KEYS) or `key_file` (owner-only) hold "ID:BASE64" entries, one
    a line or comma-separated, the first sealing new values and every one opening old values.
    """

    keys: str = ""
    key_file: Path | None = None
    # `sva serve` refuses a database without a key unless this says plaintext is acceptable.
    allow_unencrypted_storage: bool = False


class RetentionConfig(_Section):
    """How long each kind of record is kept, in days. No seed sets these periods; each
    default is a reading explained in README "Data protection" (records follow the supervisor
    or are archived: Manchester 2.4, Bexley's transfer rule)."""

    abandoned_dialog_days: int = Field(default=30, ge=1)  # a dialog not touched for this long
    abandoned_dialog_reminder_days: int = Field(default=7, ge=0)  # warned this many days before
    received_message_days: int = Field(default=7, ge=1)  # channel message ids, for dedupe only
    sent_message_days: int = Field(default=90, ge=1)  # reminders and notices once sent
    wellbeing_days: int = Field(default=365, ge=1)  # private check-ins
    preparation_days: int = Field(default=365, ge=1)  # preparation notes, EARS reflections
    agenda_days: int = Field(default=365, ge=1)  # an agenda arrangement after it was sent
    leaver_days: int = Field(default=2190, ge=1)  # then the leaver is erased (6 years)
    batch: int = Field(default=1000, ge=1, le=100_000)  # rows per committed batch


class WellbeingConfig(_Section):
    low_score: int = Field(default=3, ge=0, le=10)
    signposting: str = ""  # empty: the policy pack's signposting text


class TeamConfig(_Section):
    policy: str | None = None  # the team's policy pack, when its people have none of their own
    # Which group supervision rule applies: a shared service or one the team's pack declares
    # under [terms] (checked against the pack when the assignment is built).
    service: str = Field(default=Service.DEFAULT.value, min_length=1, max_length=60)


class CaseScope(StrEnum):
    ALLOCATED = "allocated"  # the allocated worker, their supervisor and line management
    TEAM = "team"  # also any member of the allocated worker's team


class AccessConfig(_Section):
    """Who may prepare a case and log a decision on it (README "Who may see what")."""

    case_scope: CaseScope = CaseScope.ALLOCATED
    case_scope_by_policy: dict[str, CaseScope] = {}  # per council (policy pack name)


class RemindersConfig(_Section):
    ahead_days: int = Field(default=5, ge=0, le=60)  # remind this many days before a due date
    escalate_after_days: int | None = Field(default=None, ge=1)  # None: each pack's own figure
    sweep_at: time = time(7, 30)  # when `sva serve` runs the daily sweep (local time)
    # a server started after sweep_at and before this sweeps at once (not at or after it)
    catch_up_until: time = time(18, 0)
    claim_lease_minutes: float = Field(default=15, gt=0)  # a crashed sweeper's rows wait this long
    # digests whose sent marks share one commit: a killed sweeper re-sends at most this many
    digests_per_commit: int = Field(default=1, ge=1, le=500)
    presenter_notice_days: int = Field(default=5, ge=1, le=10)  # working days
    agenda_notice_days: int = Field(default=2, ge=1, le=10)  # working days before the session
    go_live: date | None = (
        None  # nothing due before this day is chased (first week of a deployment)
    )


class ConsoleConfig(_Section):
    reminder_log: Path = Path("sva-reminders.log")  # where the console channel delivers reminders


class ServerConfig(_Section):
    host: str = "127.0.0.1"  # put a TLS-terminating proxy in front; bind wider only behind one
    port: int = Field(default=8080, ge=0, le=65535)
    # Processes answering chat messages (`sva serve --workers`); 0: the server answers what
    # it acknowledges, and an acknowledgement may wait behind a turn (docs/deploy.md).
    workers: int = Field(default=0, ge=0, le=64)


class SlackConfig(_Section):
    """The Slack app's credentials; Slack is on when `bot_token` and a way in are set."""

    bot_token: str = ""
    signing_secret: str = ""  # HTTP mode: every request's signature is checked against it
    app_token: str = ""  # Socket Mode (xapp-…), for councils that cannot expose an endpoint
    api_url: str = "https://slack.com/api/"
    match_by_email: bool = False  # find unlisted people by their Slack e-mail address
    team_channels: dict[str, str] = {}  # organisational team -> Slack channel id for rota nudges

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token and (self.signing_secret or self.app_token))


class TelegramConfig(_Section):
    token: str = ""
    webhook_secret: str = ""  # checked on every webhook request (X-Telegram-Bot-Api-Secret-Token)
    api_url: str = "https://api.telegram.org/bot"
    webhook_url: str = ""  # if set, registered with setWebhook at every start
    polling: bool = False  # long polling instead of the webhook (local use; no public address)

    @property
    def enabled(self) -> bool:
        return bool(self.token)


class TeamsAuth(StrEnum):
    ENTRA = "entra"  # every request carries a Bot Framework / Entra ID token, validated
    ANONYMOUS = "anonymous"  # local testing only: no token checked (warned at every start)


class MsTeamsConfig(_Section):
    """The Microsoft Teams (Azure Bot) registration."""

    app_id: str = ""
    tenant_id: str = ""
    client_secret: str = ""
    auth: TeamsAuth = TeamsAuth.ENTRA
    # Where the signing keys of incoming tokens are published. Empty: the Agents SDK's choice
    # (Bot Framework or Entra ID, by the token's issuer). Set only for a sovereign cloud.
    signing_keys_url: str = ""
    # Organisational team -> Teams channel id (19:…@thread.tacv2) for group supervision nudges;
    # the app must have been added to that team.
    team_channels: dict[str, str] = {}
    # Hosts an activity's serviceUrl may point at (we store it and post replies there); Teams'
    # own connector hosts by default. Tests name their local fake's host.
    service_hosts: list[str] = [
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
    ]

    @property
    def enabled(self) -> bool:
        return bool(self.app_id) or self.auth is TeamsAuth.ANONYMOUS


class LogLevel(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class LogFormat(StrEnum):
    TEXT = "text"  # one readable line per event
    JSON = "json"  # one JSON object per line, for a log collector


class LogConfig(_Section):
    """Where `sva` logs go (stderr) and how much: one line per handled request at `info`."""

    level: LogLevel | None = None  # None: `info` for `sva serve`, `warning` for other commands
    format: LogFormat = LogFormat.TEXT


class WebConfig(_Section):
    """The manager dashboard on `sva serve` (/dashboard) and how people sign in to it."""

    enabled: bool = True
    base_url: str = ""  # the public https:// address in front of sva serve (links use it)
    secret: str = ""  # signs sign-in links and session cookies; empty: random per process
    link_minutes: int = Field(default=10, ge=1, le=60)  # a chat sign-in link lasts this long
    session_minutes: int = Field(default=480, ge=5, le=1440)
    secure_cookies: bool = True  # false only for plain-HTTP local testing
    # OpenID Connect (e.g. Microsoft Entra ID): on when issuer and client id are set.
    oidc_issuer: str = ""  # e.g. https://login.microsoftonline.com/<tenant id>/v2.0
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    # The ID-token claim naming the person, matched to the `teams:` id of their import row.
    oidc_claim: str = "oid"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


class OversightConfig(_Section):
    """Messages to managers in chat (sva serve): a weekly digest, and the monthly report on
    the configured working day (no seed names a day; Bexley lines 327-330 ask for monthly)."""

    weekly_digest: bool = True
    monthly_report: bool = True
    monthly_report_working_day: int = Field(default=1, ge=1, le=20)
    # Last month's council figures worked out by `sva serve` a minute after it starts and
    # each day after the sweep (in a process of its own), so that reports of that month
    # read them instead of measuring every team.
    keep_figures: bool = True


class Config(_Section):
    """The whole configuration; every section has working defaults (console + SQLite)."""

    assistant: AssistantConfig = AssistantConfig()
    database: DatabaseConfig = DatabaseConfig()
    encryption: EncryptionConfig = EncryptionConfig()
    retention: RetentionConfig = RetentionConfig()
    wellbeing: WellbeingConfig = WellbeingConfig()
    reminders: RemindersConfig = RemindersConfig()
    console: ConsoleConfig = ConsoleConfig()
    server: ServerConfig = ServerConfig()
    slack: SlackConfig = SlackConfig()
    telegram: TelegramConfig = TelegramConfig()
    teams: MsTeamsConfig = MsTeamsConfig()  # the Microsoft Teams channel
    team: dict[str, TeamConfig] = {}  # organisational teams, by the name used in imports
    log: LogConfig = LogConfig()
    web: WebConfig = WebConfig()
    oversight: OversightConfig = OversightConfig()
    access: AccessConfig = AccessConfig()


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
    moved = [k for k, v in data.get("teams", {}).items() if isinstance(v, dict)]
    if moved:  # before the Teams channel took [teams], organisational teams were there
        raise ConfigError(
            f'{source}: teams.{moved[0]}: organisational teams are now [team."{moved[0]}"];'
            " [teams] is the Microsoft Teams channel"
        )
    for variable, (section, key) in ENVIRONMENT.items():
        if environ.get(variable):
            data.setdefault(section, {})[key] = environ[variable]
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from exc
