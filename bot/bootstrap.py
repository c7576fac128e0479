"""The one place that wires the assistant together from a loaded configuration."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.config import Config, ConfigError
from bot.service import Assistant, Clock, Policies, utc_now
from dialogs.definition import DialogSettings
from dialogs.definitions import ALL_DIALOGS
from dialogs.engine import DialogEngine
from policies.packs import PolicyPack, load_packs
from policies.templates import make_templates
from storage.db import create_engine, migrate
from storage.sql import SqlStore
from storage.store import Store


@dataclass(frozen=True, slots=True)
class App:
    """A wired assistant and what must be closed when it stops."""

    config: Config
    assistant: Assistant
    store: Store

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


def default_pack(config: Config) -> PolicyPack:
    """The configured default policy pack, or ConfigError naming what exists."""
    packs = load_packs()
    name = config.assistant.default_policy
    if name not in packs:
        raise ConfigError(
            f"assistant.default_policy: no policy pack {name!r}; packs: {', '.join(packs)}"
        )
    return packs[name]


def build_assistant(config: Config, store: Store, clock: Clock = utc_now) -> Assistant:
    """An assistant over any store (the SQL one in production, a memory one in unit tests)."""
    pack = default_pack(config)
    return Assistant(
        store=store,
        engine=build_engine(config, pack),
        policies=Policies(default=pack),
        templates=make_templates(),
        clock=clock,
    )


def open_database(config: Config) -> Engine:
    """The configured database engine, migrated to the latest schema if configured to."""
    engine = create_engine(config.database.url)
    if config.database.auto_migrate:
        migrate(engine)
    return engine


async def bootstrap(config: Config) -> App:
    """Everything `sva` needs, built from `config`; call `App.close()` when done."""
    store = SqlStore(engine=await asyncio.to_thread(open_database, config))
    return App(config=config, assistant=build_assistant(config, store), store=store)
