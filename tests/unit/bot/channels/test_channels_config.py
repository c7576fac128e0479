"""Channel configuration: environment overrides, refusing half-configured channels, and the
warning an anonymous Teams endpoint gets at every start."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.registry import build_channels, configured
from bot.cli.serving import warnings_for
from bot.config import Config, ConfigError, load_config


def test_secrets_and_urls_come_from_the_environment(tmp_path: object) -> None:
    environ = {
        "SVA_SLACK_BOT_TOKEN": "xoxb-1", "SVA_SLACK_SIGNING_SECRET": "s",
        "SVA_SLACK_API_URL": "http://127.0.0.1:9/api/", "SVA_TELEGRAM_TOKEN": "1:t",
        "SVA_TELEGRAM_WEBHOOK_SECRET": "w", "SVA_TEAMS_APP_ID": "a",
    }  # fmt: skip
    config = load_config(None, environ)
    assert config.slack.api_url == "http://127.0.0.1:9/api/"
    assert configured(config) == ["slack", "teams", "telegram"]


def test_nothing_is_served_without_credentials() -> None:
    assert configured(Config()) == []


def test_naming_an_unconfigured_or_unknown_channel_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match=r"\[slack\] is not configured"):
        build_channels(Config(), gateway=None, names=["slack"])  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="no channel 'irc'"):
        build_channels(Config(), gateway=None, names=["irc"])  # type: ignore[arg-type]


def test_a_telegram_webhook_needs_its_secret() -> None:
    config = Config.model_validate({"telegram": {"token": "1:t"}})
    with pytest.raises(ConfigError, match="webhook_secret"):
        build_channels(config, gateway=None, names=["telegram"])  # type: ignore[arg-type]


def test_anonymous_teams_is_warned_about() -> None:
    config = Config.model_validate({"teams": {"auth": "anonymous"}})
    assert warnings_for(config, {"teams": object()})  # type: ignore[dict-item]
    assert warnings_for(Config(), {"teams": object()}) == []  # type: ignore[dict-item]


def test_the_example_configuration_is_valid_and_serves_no_channel_until_filled_in() -> None:
    config = load_config(Path(__file__).parents[4] / "config.example.toml", environ={})
    assert configured(config) == []
    assert config.server.port == 8080


def test_an_old_teams_table_is_pointed_at_its_new_name(tmp_path: Path) -> None:
    old = tmp_path / "sva.toml"
    old.write_text('[teams."Team A"]\npolicy = "somerset"\n')
    with pytest.raises(ConfigError, match=r'organisational teams are now \[team\."Team A"\]'):
        load_config(old, environ={})
