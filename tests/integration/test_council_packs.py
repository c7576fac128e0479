"""A council's packs and local overrides load from folders named in the configuration, so it
never edits the installed package."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import pack_assignment
from bot.config import Config, ConfigError
from policies.due import group_due
from policies.packs import PACKS_DIR, load_pack
from tests.integration.cli.test_cli_policy import LOCAL


def settings(**assistant: object) -> Config:
    return Config.model_validate({"assistant": assistant})


def test_a_new_councils_pack_from_the_councils_folder(tmp_path: Path) -> None:
    text = (PACKS_DIR / "southwark.toml").read_text()
    (tmp_path / "northshire.toml").write_text(
        text.replace('name = "southwark"', 'name = "northshire"')
    )
    assignment = pack_assignment(settings(policy_packs=str(tmp_path), default_policy="northshire"))
    assert {"northshire", "southwark", "somerset"} <= set(assignment.packs)
    assert assignment.default == "northshire"


def test_the_councils_copy_replaces_the_shipped_pack_of_that_name(tmp_path: Path) -> None:
    text = (PACKS_DIR / "southwark.toml").read_text()
    assert "[escalation]\nafter_days = 14" in text
    (tmp_path / "southwark.toml").write_text(
        text.replace("[escalation]\nafter_days = 14", "[escalation]\nafter_days = 21")
    )
    assignment = pack_assignment(settings(policy_packs=str(tmp_path)))
    assert assignment.packs["southwark"].escalate_after_days == 21
    assert load_pack(PACKS_DIR / "southwark.toml").escalate_after_days == 14  # untouched


def test_local_overrides_from_a_folder_outside_the_package(tmp_path: Path) -> None:
    (tmp_path / "somerset.toml").write_text(LOCAL)
    assignment = pack_assignment(settings(local_policies=str(tmp_path)))
    assert assignment.packs["somerset"] != load_pack(PACKS_DIR / "somerset.toml")
    assert assignment.packs["southwark"] == load_pack(PACKS_DIR / "southwark.toml")


@pytest.mark.parametrize("key", ["policy_packs", "local_policies"])
def test_a_folder_that_does_not_exist_is_refused_with_its_key(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError, match=rf"^assistant\.{key}: {tmp_path}/nope is not a folder$"):
        pack_assignment(settings(**{key: str(tmp_path / "nope")}))


def northshire_with_a_service(folder: Path) -> None:
    """Southwark's pack as a new council's, declaring a group service of its own."""
    text = (
        (PACKS_DIR / "southwark.toml")
        .read_text()
        .replace('name = "southwark"', 'name = "northshire"')
    )
    text = text.replace(
        "[terms]\nroles = [",
        '[terms]\nservices = [{ id = "edge_of_care", label = "Edge of care", cite = "Line 1" }]\n'
        "roles = [",
    )
    text += '\n[[group]]\nid = "edge-of-care"\nservices = ["edge_of_care"]\nevery = "2 weeks"\ncite = "Line 1"\n'
    (folder / "northshire.toml").write_text(text)


def test_a_team_follows_a_group_service_its_pack_declares(tmp_path: Path) -> None:
    northshire_with_a_service(tmp_path)
    config = Config.model_validate(
        {
            "assistant": {"policy_packs": str(tmp_path)},
            "team": {"Team E": {"policy": "northshire", "service": "edge_of_care"}},
        }
    )
    assignment = pack_assignment(config)
    assert assignment.service("Team E") == "edge_of_care"
    due = group_due(assignment.packs["northshire"], assignment.service("Team E"), date(2026, 11, 2))
    assert (due.due, due.rule) == (date(2026, 11, 16), "northshire.group.edge-of-care")


def test_a_team_service_its_pack_does_not_know_is_refused_with_its_key(tmp_path: Path) -> None:
    northshire_with_a_service(tmp_path)
    config = Config.model_validate(
        {
            "assistant": {"policy_packs": str(tmp_path)},
            "team": {"Team S": {"policy": "somerset", "service": "edge_of_care"}},
        }
    )
    with pytest.raises(
        ConfigError, match=r"^team\.Team S\.service: somerset has no group service 'edge_of_care'"
    ):
        pack_assignment(config)
