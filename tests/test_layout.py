"""The layout is the architecture: imports only point the way the rooms allow.

`channels` and `cli` are entry points over `assistant` and `operations`; the application never
imports an entry point, a chat SDK or Typer; `dialogs`, `policies` and `storage` know nothing of
`bot`; only `storage` (and the wiring in `bot/bootstrap.py`) imports SQLAlchemy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHAT_SDKS = ("slack_bolt", "slack_sdk", "telegram", "microsoft_agents", "aiohttp", "typer")
ENTRY_POINTS = ("bot.channels", "bot.cli", "bot.web")
STORES = ("storage.sql", "storage.db", "storage.tables", "storage.memory", "storage.store")

# room → prefixes it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "bot/assistant": (*ENTRY_POINTS, *CHAT_SDKS, "sqlalchemy"),
    "bot/operations": (*ENTRY_POINTS, *CHAT_SDKS, "sqlalchemy"),
    "bot/channels": ("bot.cli", "bot.web", "typer", "sqlalchemy"),
    "bot/web": ("bot.cli", "bot.channels.slack", "bot.channels.teams", "bot.channels.telegram"),
    "dialogs": ("bot", "policies", "storage", *CHAT_SDKS, "sqlalchemy"),
    # Policies read the plain record dataclasses in storage.records, never a store or SQL.
    "policies": ("bot", *STORES, *CHAT_SDKS, "sqlalchemy"),
    # Storage keeps conversations, so it knows the dialogs' data types, never the application.
    "storage": ("bot", *CHAT_SDKS),
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-local imports count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def breaches(room: str) -> list[str]:
    found = []
    for path in sorted((ROOT / room).rglob("*.py")):
        for module in imported_modules(path):
            for prefix in FORBIDDEN[room]:
                if module == prefix or module.startswith(prefix + "."):
                    found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_imports_only_what_its_job_allows(room: str) -> None:
    assert breaches(room) == []


def test_the_rule_catches_a_breach(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from bot.channels.slack import channel\n")
    assert "bot.channels.slack" in imported_modules(bad)


def test_bot_top_level_holds_only_the_wiring() -> None:
    modules = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert modules == [
        "__init__.py",
        "__main__.py",
        "bootstrap.py",
        "config.py",
        "errors.py",
        "logs.py",
    ]
