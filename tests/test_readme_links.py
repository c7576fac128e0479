"""The README and the other documents in the repository point only inside it: a clone has
no `../shared/seeds/`, and nothing outside the repository may be linked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")],
)
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)""", re.IGNORECASE)


def targets(text: str) -> list[str]:
    return [*MARKDOWN_LINK.findall(text), *REFERENCE.findall(text), *HTML_LINK.findall(text)]


def outside(document: Path, target: str) -> str | None:
    """Why `target` (a link in `document`) points outside the repository, else None."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("//"):
        return "a link out of the repository"
    path = target.split("#", 1)[0]
    if not path:
        return None  # an anchor in the same document
    resolved = (document.parent / path).resolve()
    if not resolved.is_relative_to(ROOT):
        return "a path outside the repository"
    if not resolved.exists():
        return "a path that does not exist in the repository"
    return None


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if d.exists()], ids=lambda d: d.name)
def test_documents_link_only_inside_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    problems = [
        f"{document.name}: {target}: {why}"
        for target in targets(text)
        if (why := outside(document, target))
    ]
    assert problems == []
    assert "../" not in text, "a relative path climbing out of the repository"
    assert "shared/seeds" not in text, "the seeds are not part of a clone"


def test_the_checker_catches_what_the_readme_once_had() -> None:
    readme = ROOT / "README.md"
    assert outside(readme, "../shared/seeds/southwark.txt") == "a path outside the repository"
    assert outside(readme, "https://example.org/") == "a link out of the repository"
    assert outside(readme, "policies/packs/nowhere.toml") == (
        "a path that does not exist in the repository"
    )
    assert outside(readme, "policies/packs/southwark.toml") is None
    assert targets("see [the seed](../shared/seeds/x.txt) and <a href='http://x'>x</a>") == [
        "../shared/seeds/x.txt",
        "http://x",
    ]
