"""The worked example in policies/README.md runs as written: the pack, its local override and
the published text are taken from the README, and every quoted answer is what `sva policy due`
gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.operations.due_queries import answer
from policies.packs import load_pack
from policies.sources import check_sources

README = Path(__file__).resolve().parents[3] / "policies" / "README.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(kind: str) -> list[str]:
    return [
        body for lang, body in BLOCK.findall(README.read_text(encoding="utf-8")) if lang == kind
    ]


def example(tmp_path: Path) -> tuple[Path, Path, Path]:
    packs, local, texts = (tmp_path / d for d in ("packs", "local", "texts"))
    for folder in (packs, local, texts):
        folder.mkdir()
    [text] = blocks("text")
    lines = [re.sub(r"^ ?\d+  ?", "", line, count=1) for line in text.rstrip("\n").split("\n")]
    (texts / "anytown-supervision-policy.txt").write_text("\n".join(lines) + "\n")
    pack, override = blocks("toml")
    (packs / "anytown.toml").write_text(pack)
    (local / "anytown.toml").write_text(override)
    return packs, local, texts


def test_the_example_pack_checks_clean_against_its_text(tmp_path: Path) -> None:
    packs, local, texts = example(tmp_path)
    assert check_sources(load_pack(packs / "anytown.toml"), texts) == []
    assert check_sources(load_pack(packs / "anytown.toml", local), texts) == []


def test_the_quoted_answers_are_what_due_gives(tmp_path: Path) -> None:
    packs, local, _ = example(tmp_path)
    with_local = {"anytown": load_pack(packs / "anytown.toml", local)}
    without = {"anytown": load_pack(packs / "anytown.toml")}
    shell = "\n".join(blocks("sh"))
    pairs = re.findall(
        r"echo '(\{.*?\})' \| sva policy due --packs packs( --local local)?\n(\{.*?\})\n", shell
    )
    assert len(pairs) == 2
    for query, uses_local, expected in pairs:
        got = answer(query, with_local if uses_local else without)
        assert got == json.loads(expected)
