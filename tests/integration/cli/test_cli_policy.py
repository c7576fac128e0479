"""`sva policy` for a council extending its pack: draft packs, local overrides, broken packs
and citations checked against the published texts (issue 18)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from policies.packs import PACKS_DIR
from tests.integration.cli.test_cli_contracts import sva

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
LOCAL = """
[[override]]
rule = "case.practice-standards"
set = { every = "monthly" }
decided_by = "Head of Service"
decided_on = 2026-11-02
reason = "Our practice standards: every child's case is discussed at least monthly."
"""


def copy_packs(tmp_path: Path) -> Path:
    packs = tmp_path / "packs"
    shutil.copytree(PACKS_DIR, packs)
    return packs


def test_a_broken_pack_does_not_take_the_others_down(tmp_path: Path) -> None:
    packs = copy_packs(tmp_path)
    bexley = packs / "bexley.toml"
    bexley.write_text(bexley.read_text().replace('every = "4 weeks"', "every = 4", 1))
    listed = sva("policy", "list", "--packs", str(packs), cwd=tmp_path)
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [
        "central-bedfordshire",
        "manchester",
        "somerset",
        "southwark",
    ]
    assert "policy pack bexley is broken and was left out" in listed.stderr
    assert (
        "individual[case-holding].phases[3].every: 4 is not an interval; write it as text"
        in listed.stderr
    )
    queries = [
        {"policy": "somerset", "on": "2026-11-23", "subject": "record", "held": "2026-11-20"},
        {"policy": "bexley", "on": "2026-11-23", "subject": "record", "held": "2026-11-20"},
    ]
    due = sva(
        "policy",
        "due",
        "--packs",
        str(packs),
        cwd=tmp_path,
        stdin="".join(json.dumps(q) + "\n" for q in queries),
    )
    first, second = (json.loads(line) for line in due.stdout.splitlines())
    assert first["due"] == "2026-11-25"
    assert second["error"].startswith("policy: pack 'bexley' is broken:")


def test_a_draft_sixth_pack_is_tried_with_packs(tmp_path: Path) -> None:
    packs = copy_packs(tmp_path)
    text = (PACKS_DIR / "somerset.toml").read_text().replace('name = "somerset"', 'name = "draft"')
    text = text.replace(
        'roles = ["student", "business_support"]',
        'roles = ["student", "business_support", "social_work_assistant"]',
    )
    text += '\n[terms]\nroles = [{ id = "social_work_assistant", label = "Social work assistant", cite = "2.1 (lines 38-50)" }]\n'
    (packs / "draft.toml").write_text(text)
    query = {
        "policy": "draft",
        "on": "2026-11-23",
        "subject": "individual",
        "role": "social_work_assistant",
        "started": "2020-01-01",
    }
    result = sva(
        "policy", "due", "--packs", str(packs), stdin=json.dumps(query) + "\n", cwd=tmp_path
    )
    assert "draft has no rule for individual supervision of social_work_assistant" in result.stdout
    checked = sva("policy", "check", "--packs", str(packs), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "ok\tdraft.toml" in checked.stdout


def test_an_undeclared_word_is_named(tmp_path: Path) -> None:
    packs = copy_packs(tmp_path)
    somerset = packs / "somerset.toml"
    somerset.write_text(
        somerset.read_text().replace(
            'roles = ["student", "business_support"]',
            'roles = ["student", "business_support", "wizard"]',
        )
    )
    result = sva("policy", "check", "--packs", str(packs), cwd=tmp_path)
    assert result.returncode == 1
    assert "individual: roles not known (declare them under [terms]): wizard" in result.stderr


def test_phases_must_increase(tmp_path: Path) -> None:
    packs = copy_packs(tmp_path)
    somerset = packs / "somerset.toml"
    somerset.write_text(
        somerset.read_text().replace(
            '{ until = "12 months", every = "fortnightly" }',
            '{ until = "4 weeks", every = "fortnightly" }',
        )
    )
    result = sva("policy", "check", "--packs", str(packs), cwd=tmp_path)
    assert (
        "somerset.toml: individual[nqsw]: rule 'nqsw': phases must end later and later"
        in result.stderr
    )


def test_local_overrides_are_used_and_shown_apart(tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "somerset.toml").write_text(LOCAL)
    query = {
        "policy": "somerset",
        "on": "2026-11-23",
        "subject": "case",
        "case_type": "child_in_need",
        "allocated": "2026-01-05",
        "last": "2026-10-31",
    }
    before = sva("policy", "due", stdin=json.dumps(query) + "\n", cwd=tmp_path)
    assert "has no rule for case supervision" in before.stdout
    after = json.loads(
        sva(
            "policy", "due", "--local", str(local), stdin=json.dumps(query) + "\n", cwd=tmp_path
        ).stdout
    )
    assert after["due"] == "2026-11-30"
    assert after["cite"].startswith("Local decision (somerset.toml: Head of Service, 2026-11-02)")
    shown = sva("policy", "show", "somerset", "--local", str(local), cwd=tmp_path).stdout
    seed_part, local_part = shown.split("Local decisions (not in the published policy):")
    assert "practice-standards" not in seed_part
    assert "[case[practice-standards]] every 1 month" in local_part
    assert "decided by Head of Service on 2026-11-02" in local_part


def test_a_local_override_without_who_decided_is_refused(tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "somerset.toml").write_text(LOCAL.replace('decided_by = "Head of Service"\n', ""))
    result = sva("policy", "check", "--local", str(local), cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "override[case.practice-standards]: say who decided it, when and why: decided_by"
        in result.stderr
    )


def test_check_sources_verifies_every_citation(tmp_path: Path) -> None:
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the councils' policy texts are not at {SEEDS}")
        pytest.skip(f"no policy texts at {SEEDS}")
    good = sva("policy", "check", "--sources", str(SEEDS), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert good.stdout.count("ok\t") == 5
    texts = tmp_path / "texts"
    shutil.copytree(SEEDS, texts)
    manchester = texts / "manchester-supervision-policy.txt"
    lines = manchester.read_text(encoding="utf-8").split("\n")
    lines[200 - 1] = "Non-frontline staff (e.g. Business Support)."  # the "Twelve weekly" line
    manchester.write_text("\n".join(lines[:1000]), encoding="utf-8")
    bad = sva("policy", "check", "--sources", str(texts), cwd=tmp_path)
    assert bad.returncode == 1
    assert (
        "manchester: individual[non-frontline]: encodes 12 weeks, which is not in the cited lines 200"
        in bad.stderr
    )
    assert (
        "manchester: deadlines.signoff: cites line 1012, but manchester-supervision-policy.txt has 1000 lines"
        in bad.stderr
    )
    assert "ok\tbexley.toml" in bad.stdout
