"""The chat channels `sva serve` can run, built from configuration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from aiohttp import web

from bot.assistant.gateway import Gateway
from bot.config import Config, ConfigError, MsTeamsConfig, SlackConfig, TelegramConfig
from dialogs.messages import Outbound

NAMES = ("slack", "teams", "telegram")


class Channel(Protocol):
    """A chat channel served over HTTP (or its own connection), able to write first."""

    def routes(self) -> list[web.RouteDef]: ...

    async def start(self, *, serving: bool = True) -> None:
        """Connect; `serving` False: only what sending needs (no polling, no Socket Mode, no
        webhook or command registration), as a worker process or `sva remind` wants."""
        ...

    async def stop(self) -> None: ...

    async def send(self, person_id: str, user_id: str, messages: list[Outbound]) -> bool: ...


def configured(config: Config) -> list[str]:
    """The channels whose credentials are configured."""
    sections: dict[str, SlackConfig | MsTeamsConfig | TelegramConfig] = {
        "slack": config.slack,
        "teams": config.teams,
        "telegram": config.telegram,
    }
    return [name for name in NAMES if sections[name].enabled]


def build_channels(
    config: Config, gateway: Gateway, names: Iterable[str], *, socket_mode: bool = False
) -> dict[str, Channel]:
    """The named channels, ready to mount; ConfigError for one that is unknown or unset."""
    channels: dict[str, Channel] = {}
    ready = configured(config)
    for name in names:
        if name not in NAMES:
            raise ConfigError(f"no channel {name!r}; channels: {', '.join(NAMES)}")
        if name not in ready:
            raise ConfigError(f"[{name}] is not configured (see config.example.toml)")
        channels[name] = _build(name, config, gateway, socket_mode)
    return channels


def _build(name: str, config: Config, gateway: Gateway, socket_mode: bool) -> Channel:
    # Imported here so that a console-only install never loads the chat SDKs.
    if name == "slack":
        from bot.channels.slack.channel import SlackChannel

        if socket_mode and not config.slack.app_token:
            raise ConfigError("--socket-mode needs slack.app_token (SVA_SLACK_APP_TOKEN)")
        return SlackChannel(config.slack, gateway, socket_mode=socket_mode)
    if name == "telegram":
        from bot.channels.telegram.channel import TelegramChannel

        if not config.telegram.polling and not config.telegram.webhook_secret:
            raise ConfigError("telegram.webhook_secret is required for the webhook (or polling)")
        return TelegramChannel(config.telegram, gateway)
    from bot.channels.teams.channel import TeamsChannel

    return TeamsChannel(config.teams, gateway)
