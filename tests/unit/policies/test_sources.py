"""`sva policy check --sources`: every citation of every pack against the published texts.

The texts live outside the repository. CI clones the project with `shared/` beside it, so
they are at `../shared/seeds` from the repository root; under CI=true their absence fails the
test instead of skipping it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policies.packs import load_packs
from policies.sources import check_sources, cited_lines

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT.parent / "shared" / "seeds"
PACKS = load_packs()


def seeds() -> Path:
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the councils' policy texts are not at {SEEDS} (../shared/seeds)")
        pytest.skip(f"no policy texts at {SEEDS}")
    return SEEDS


@pytest.mark.parametrize("name", sorted(PACKS))
def test_every_citation_holds_against_the_published_policy(name: str) -> None:
    assert check_sources(PACKS[name], seeds()) == []


def test_lines_and_ranges_are_read_from_a_cite() -> None:
    assert cited_lines("3.1 (lines 390, 400-402) and line 12") == [390, 400, 401, 402, 12]
    assert cited_lines("Whole policy") == []


def write_seed(folder: Path, lines: list[str]) -> None:
    (folder / "bexley-supervision-policy.txt").write_text("\n".join(lines), encoding="utf-8")


def test_a_missing_seed_file_is_named(tmp_path: Path) -> None:
    [problem] = check_sources(PACKS["bexley"], tmp_path)
    assert "bexley-supervision-policy.txt is not in" in problem


def test_a_cite_past_the_end_of_the_text_is_named_by_rule_id(tmp_path: Path) -> None:
    write_seed(tmp_path, ["one line"] * 50)
    problems = check_sources(PACKS["bexley"], tmp_path)
    assert any(
        p
        == "bexley: case[all-cases]: cites line 97, but bexley-supervision-policy.txt has 50 lines"
        for p in problems
    )


def test_a_number_missing_from_the_cited_lines_is_a_problem(tmp_path: Path) -> None:
    real = (seeds() / "bexley-supervision-policy.txt").read_text(encoding="utf-8").split("\n")
    real[109 - 1] = real[109 - 1].replace("12", "twenty")  # cwd-review-only cites lines 109-110
    real[110 - 1] = real[110 - 1].replace("12", "twenty")
    write_seed(tmp_path, real)
    [problem] = check_sources(PACKS["bexley"], tmp_path)
    assert problem.startswith("bexley: case[cwd-review-only]: encodes 12 weeks")


def test_a_reading_excuses_a_number_the_lines_do_not_show(tmp_path: Path) -> None:
    pack = PACKS["bexley"]
    rule = pack.case[2]
    assert rule.id == "cwd-review-only"
    read = pack.model_copy(
        update={
            "case": (*pack.case[:2], rule.model_copy(update={"reading": "why"}), *pack.case[3:])
        }
    )
    real = (seeds() / "bexley-supervision-policy.txt").read_text(encoding="utf-8").split("\n")
    real[108] = real[109] = "no numbers here"
    write_seed(tmp_path, real)
    assert check_sources(read, tmp_path) == []
