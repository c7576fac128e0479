"""Policy packs: one TOML file per council in `policies/packs/`, read into validated models.

Every rule carries `cite`, a pointer into the council's seed document.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PACKS_DIR = Path(__file__).with_name("packs")


class PolicyError(Exception):
    """A pack is missing or invalid; the message names the file, the key and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgendaItem(_Strict):
    """A standing agenda item. `slot` says what the assistant fills in under it."""

    title: str = Field(min_length=1)
    detail: str = ""
    slot: Literal["wellbeing", "cases", "actions"] | None = None
    cite: str = Field(min_length=1)


class Signposting(_Strict):
    """Where a supervisee is pointed for support (never the assistant itself)."""

    text: str = Field(min_length=1)
    cite: str = Field(min_length=1)


class PolicyPack(_Strict):
    """One council's supervision policy, as data."""

    name: str = Field(pattern=r"^[a-z][a-z-]*$")
    council: str
    seed: str
    signposting: Signposting
    standing_agenda: tuple[AgendaItem, ...] = Field(min_length=1)


def load_pack(path: Path) -> PolicyPack:
    """Read and validate one pack file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        pack = PolicyPack.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise PolicyError(_describe(path, exc)) from exc
    if pack.name != path.stem:
        raise PolicyError(f"{path}: name: is {pack.name!r} but the file is named {path.stem!r}")
    return pack


def load_packs(directory: Path = PACKS_DIR) -> dict[str, PolicyPack]:
    """Every pack in `directory`, by name."""
    return {p.stem: load_pack(p) for p in sorted(directory.glob("*.toml"))}


def _describe(path: Path, error: ValidationError) -> str:
    problems = [
        f"{path}: {'.'.join(str(part) for part in e['loc']) or '(top level)'}: {e['msg']}"
        for e in error.errors()
    ]
    return "\n".join(problems)
