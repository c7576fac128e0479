"""The one place that wires the assistant together from a loaded configuration."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from bot.assistant.access import AccessSettings
from bot.assistant.dashboard_links import DashboardLinks, Signer
from bot.assistant.service import Assistant, Clock, utc_now
from bot.config import Config, ConfigError
from bot.operations.notify import ConsoleNotifier, Notifier
from bot.operations.reminders import Sweeper
from dialogs.definition import DialogSettings
from dialogs.definitions import ALL_DIALOGS
from dialogs.engine import DialogEngine
from policies.assignment import PackAssignment, TeamSettings
from policies.packs import LOCAL_DIR, PACKS_DIR, PolicyError, PolicyPack, load_pack
from policies.reminders import ReminderSettings
from policies.templates import make_templates
from storage.opening import open_database as open_checked
from storage.opening import sqlite_file
from storage.records import OutboxItem
from storage.sealing import Keyring, parse_keys
from storage.sql import SqlStore
from storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class App:
    """A wired assistant and what must be closed when it stops."""

    config: Config
    assistant: Assistant
    store: SqlStore
    sweeper: Sweeper
    links: DashboardLinks | None = None
    created: Path | None = None  # the SQLite file this start made (the console demo's first run)

    async def close(self) -> None:
        await self.store.close()


def build_engine(config: Config, pack: PolicyPack) -> DialogEngine:
    """The dialog engine with settings from configuration and the council's pack."""
    settings = DialogSettings(
        max_answer_chars=config.assistant.max_answer_chars,
        low_wellbeing_score=config.wellbeing.low_score,
        signposting=config.wellbeing.signposting or pack.signposting.text,
    )
    return DialogEngine(definitions=ALL_DIALOGS, settings=settings)


def pack_files(config: Config, packs: Path | None = None) -> dict[str, Path]:
    """Each pack's file by name: the shipped packs, then the council's own
    (`assistant.policy_packs`), a council's copy replacing the shipped pack of its name; only
    `packs` when given (`sva policy --packs DIR`). A configured folder that is missing is
    refused."""
    settings = config.assistant
    for key, folder in (("local_policies", settings.local_policies),
                        ("policy_packs", settings.policy_packs)):  # fmt: skip
        if folder is not None and not folder.is_dir():
            raise ConfigError(f"assistant.{key}: {folder} is not a folder")
    folders = [packs] if packs is not None else [PACKS_DIR, settings.policy_packs]
    files: dict[str, Path] = {}
    for folder in filter(None, folders):
        for path in sorted(folder.glob("*.toml")):
            if path.stem in files:
                log.info("policy pack %s: the council's copy in %s", path.stem, folder)
            files[path.stem] = path
    return files


def local_folder(config: Config, local: Path | None = None) -> Path:
    """The local overrides: `local` (`sva policy --local DIR`), else
    `assistant.local_policies`, else the package's policies/local/."""
    return local or config.assistant.local_policies or LOCAL_DIR


def council_packs(
    config: Config, *, packs: Path | None = None, local: Path | None = None
) -> tuple[dict[str, PolicyPack], dict[str, str]]:
    """The one loader of policy packs (the assistant, the sweep, reports, `sva policy`): the
    valid packs by name with the local overrides applied, and the broken ones with their
    problems (one broken pack does not take the others down)."""
    overrides = local_folder(config, local)
    loaded: dict[str, PolicyPack] = {}
    broken: dict[str, str] = {}
    for name, path in pack_files(config, packs).items():
        try:
            loaded[name] = load_pack(path, overrides)
        except PolicyError as exc:
            broken[name] = str(exc)
    return loaded, broken


def pack_assignment(config: Config) -> PackAssignment:
    """Who gets which policy pack; ConfigError if the configuration names a missing pack."""
    packs, broken = council_packs(config)
    for name in broken:
        log.warning("policy pack %s is broken and left out; run `sva policy check`", name)
    if config.assistant.default_policy in broken:
        raise ConfigError(
            f"assistant.default_policy: the pack {config.assistant.default_policy!r} is broken:\n"
            + broken[config.assistant.default_policy]
        )
    named = {"assistant.default_policy": config.assistant.default_policy}
    named |= {f"team.{team}.policy": t.policy for team, t in config.team.items() if t.policy}
    for key, name in named.items():
        if name not in packs and name not in broken:
            raise ConfigError(f"{key}: no policy pack {name!r}; packs: {', '.join(packs)}")
    teams = {
        name: TeamSettings(policy=t.policy, service=t.service) for name, t in config.team.items()
    }
    assignment = PackAssignment(
        packs=packs, default=config.assistant.default_policy, teams=teams, broken=broken
    )
    for team in teams:
        pack = packs.get(assignment.team_pack_name(team))
        service = assignment.service(team)
        if pack is not None and service not in pack.services:
            raise ConfigError(
                f"team.{team}.service: {pack.name} has no group service {service!r}; "
                f"its services: {', '.join(pack.services)}"
            )
    return assignment


def build_assistant(
    config: Config, store: Store, clock: Clock = utc_now, links: DashboardLinks | None = None
) -> Assistant:
    """An assistant over any store (the SQL one in production, a memory one in unit tests)."""
    assignment = pack_assignment(config)
    return Assistant(
        store=store,
        engine=build_engine(config, assignment.packs[assignment.default]),
        policies=assignment,
        templates=make_templates(),
        clock=clock,
        links=links,
        access=access_settings(config),
        go_live=config.reminders.go_live,
    )


def access_settings(config: Config) -> AccessSettings:
    """Who may prepare and decide on a case, from `[access]`."""
    by_policy = {name: scope.value for name, scope in config.access.case_scope_by_policy.items()}
    return AccessSettings(case_scope=config.access.case_scope.value, case_scope_by_policy=by_policy)


def dashboard_links(config: Config) -> DashboardLinks | None:
    """Sign-in links and sessions for the dashboard (None when it is switched off). Without a
    configured secret a random one is made: links and sessions then last until a restart."""
    web = config.web
    if not web.enabled:
        return None
    secret = web.secret.encode() if web.secret else secrets.token_bytes(32)
    base = web.base_url or f"http://{config.server.host}:{config.server.port}"
    return DashboardLinks(
        signer=Signer(secret),
        base_url=base,
        link_ttl=timedelta(minutes=web.link_minutes),
        session_ttl=timedelta(minutes=web.session_minutes),
    )


def load_keyring(config: Config) -> Keyring:
    """The data keys from `encryption.keys` (SVA_DATA_KEYS) and `encryption.key_file`.

    Raises:
        ConfigError: a malformed entry, an unreadable key file, or one others may read.
    """
    text = config.encryption.keys
    path = config.encryption.key_file
    if path is not None:
        try:
            if path.stat().st_mode & 0o077:
                raise ConfigError(f"encryption.key_file: {path} must be owner-only (chmod 600)")
            text += "\n" + path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"encryption.key_file: {path}: {exc.strerror}") from exc
    try:
        return parse_keys(text)
    except ValueError as exc:
        raise ConfigError(f"encryption: {exc}") from exc


def open_database(config: Config, *, create: bool = False) -> Engine:
    """The configured database engine, migrated to the latest schema if configured to;
    `create`: a missing SQLite file is made (only the console demo's first run may).

    Raises:
        DatabaseProblem: unreachable, refused, missing, empty, read-only, not sva's, or a
            schema this code does not know; the message is one line saying what to do.
        ConfigError: the data keys are malformed or the key file is unreadable or shared.
    """
    return open_checked(
        config.database.url,
        auto_migrate=config.database.auto_migrate,
        keyring=load_keyring(config),
        sqlite_synchronous=config.database.sqlite_synchronous,
        create=create,
    )


async def bootstrap(config: Config, *, create: bool = False) -> App:
    """Everything `sva` needs, built from `config`; call `App.close()` when done. `create`:
    a missing SQLite file may be made (`App.created` then says where)."""
    path = sqlite_file(config.database.url) if create else None
    new = path is not None and not path.exists()
    store = SqlStore(engine=await asyncio.to_thread(open_database, config, create=create))
    links = dashboard_links(config)
    return App(
        config=config,
        assistant=build_assistant(config, store, links=links),
        store=store,
        sweeper=build_sweeper(config, store),
        links=links,
        created=path.absolute() if path is not None and new else None,
    )


def build_sweeper(config: Config, store: SqlStore, notifier: Notifier | None = None) -> Sweeper:
    """The reminder sweep; reminders go to the console log unless another notifier is given."""
    templates = make_templates()
    digest = templates.get_template("digest.txt.j2")

    def render(day: date, items: list[OutboxItem]) -> str:
        return digest.render(day=f"{day:%A} {day.day} {day:%B %Y}", items=items).strip()

    settings = ReminderSettings(
        ahead_days=config.reminders.ahead_days,
        escalate_after_days=config.reminders.escalate_after_days,
        presenter_notice_days=config.reminders.presenter_notice_days,
        agenda_notice_days=config.reminders.agenda_notice_days,
        go_live=config.reminders.go_live,
    )
    return Sweeper(
        store=store,
        assignment=pack_assignment(config),
        settings=settings,
        notifier=notifier or ConsoleNotifier(log=config.console.reminder_log),
        digest=render,
        lease=timedelta(minutes=config.reminders.claim_lease_minutes),
        digests_per_commit=config.reminders.digests_per_commit,
    )
