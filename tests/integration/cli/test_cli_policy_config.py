"""Every `sva policy` command reads the council's packs and local overrides from the folders
the configuration names (`assistant.policy_packs`, `assistant.local_policies`), as the running
assistant does; `--packs DIR` still tries a folder of its own (issue 19, point 8)."""

from __future__ import annotations

import json
from pathlib import Path

from policies.packs import PACKS_DIR
from tests.integration.cli.test_cli_contracts import sva
from tests.integration.cli.test_cli_policy import LOCAL


def council(tmp_path: Path) -> Path:
    """A config naming a council folder with a new pack (northshire) and local overrides."""
    own, local = tmp_path / "own", tmp_path / "local"
    own.mkdir()
    local.mkdir()
    text = (PACKS_DIR / "southwark.toml").read_text()
    (own / "northshire.toml").write_text(text.replace('name = "southwark"', 'name = "northshire"'))
    (local / "somerset.toml").write_text(LOCAL)
    config = tmp_path / "sva.toml"
    config.write_text(f'[assistant]\npolicy_packs = "{own}"\nlocal_policies = "{local}"\n')
    return config


def test_list_show_check_and_due_read_the_configured_folders(tmp_path: Path) -> None:
    config = council(tmp_path)
    listed = sva("policy", "list", cwd=tmp_path)  # ./sva.toml, as every command reads it
    assert listed.returncode == 0, listed.stderr
    assert "northshire" in [line.split("\t")[0] for line in listed.stdout.splitlines()]
    shown = sva("policy", "show", "northshire", "--config", str(config), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    local = sva("policy", "show", "somerset", cwd=tmp_path)
    assert "Our practice standards" in local.stdout  # the local override, shown apart
    checked = sva("policy", "check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "ok\tnorthshire.toml" in checked.stdout and "ok\tsouthwark.toml" in checked.stdout
    query = {"policy": "northshire", "on": "2026-11-23", "subject": "record", "held": "2026-11-20"}
    due = sva("policy", "due", cwd=tmp_path, stdin=json.dumps(query) + "\n")
    assert due.returncode == 0, due.stdout
    assert json.loads(due.stdout)["rule"].startswith("northshire.")


def test_packs_still_overrides_the_configured_folder(tmp_path: Path) -> None:
    council(tmp_path)
    draft = tmp_path / "draft"
    draft.mkdir()
    (draft / "somerset.toml").write_text((PACKS_DIR / "somerset.toml").read_text())
    listed = sva("policy", "list", "--packs", str(draft), cwd=tmp_path)
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["somerset"]
    shown = sva("policy", "show", "somerset", "--packs", str(draft), cwd=tmp_path)
    assert "Our practice standards" in shown.stdout  # the configured local overrides apply


def test_a_configured_folder_that_is_missing_exits_2_with_its_key(tmp_path: Path) -> None:
    (tmp_path / "sva.toml").write_text(f'[assistant]\npolicy_packs = "{tmp_path / "nope"}"\n')
    listed = sva("policy", "list", cwd=tmp_path)
    assert listed.returncode == 2
    assert f"assistant.policy_packs: {tmp_path / 'nope'} is not a folder" in listed.stderr
