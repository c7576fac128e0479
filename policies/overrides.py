"""Local overrides: a council's own decisions where its published policy is silent or where
it decides otherwise, kept apart from the seed's rules.

`policies/local/<pack>.toml` (or the folder `assistant.local_policies` names) holds
`[[override]]` entries. Each names a rule by section and id (`case.practice-standards`,
`group.not-set`, `individual.nqsw`, `deadlines.rebook`, `subjects.direct-observation`),
the fields it sets, and who decided it, when and why:

    [[override]]
    rule = "case.practice-standards"
    set = { every = "monthly" }
    decided_by = "Head of Service"
    decided_on = 2026-11-02
    reason = "Our practice standards: every child's case is discussed monthly."

`[[add]]` entries add a rule to a section (`section = "case"`, `rule = {...}`), with the same
three decision keys. Setting an interval removes the rule's `none`, and setting `none` removes
its intervals. `sva policy show` lists these apart from the seed's rules.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from policies.pack_base import LocalDecision

INTERVAL_KEYS = ("every", "phases", "high", "within", "by_next_session", "months", "minutes")


class OverrideError(ValueError):
    """A local override file that cannot be applied; the message names the entry."""


def apply_overrides(data: dict[str, Any], local: dict[str, Any], path: Path) -> dict[str, Any]:
    """The pack's data with the local file's overrides and additions applied."""
    merged = copy.deepcopy(data)
    unknown = set(local) - {"override", "add"}
    if unknown:
        raise _error(
            path, "(top level)", f"unknown keys {sorted(unknown)}; use [[override]] or [[add]]"
        )
    for index, entry in enumerate(local.get("override", []), start=1):
        where = f"override[{entry.get('rule', index)}]"
        target = _target(merged, str(entry.get("rule", "")), path, where)
        changes = entry.get("set")
        if not isinstance(changes, dict) or not changes:
            raise _error(path, where, "'set' should be a table of the fields to change")
        _set(target, changes)
        target["local"] = _decision(entry, path, where)
    for index, entry in enumerate(local.get("add", []), start=1):
        where = f"add[{index}]"
        section, rule = entry.get("section"), entry.get("rule")
        if section not in ("individual", "case", "group", "subjects") or not isinstance(rule, dict):
            raise _error(
                path, where, "give section = individual|case|group|subjects and rule = {...}"
            )
        merged.setdefault(section, []).append({**rule, "local": _decision(entry, path, where)})
    return merged


def _target(data: dict[str, Any], name: str, path: Path, where: str) -> dict[str, Any]:
    section, _, rule_id = name.partition(".")
    found: Any = None
    if section == "deadlines":
        found = data.get("deadlines", {}).get(rule_id)
    elif section in ("individual", "case", "group", "subjects"):
        found = next((r for r in data.get(section, []) if r.get("id") == rule_id), None)
    elif section in ("session_length", "probation_reviews", "escalation") and not rule_id:
        found = data.get(section)
    if not isinstance(found, dict):
        raise _error(path, where, f"no rule {name!r} in the pack; write e.g. 'case.<rule id>'")
    return found


def _set(target: dict[str, Any], changes: dict[str, Any]) -> None:
    if any(key in changes for key in INTERVAL_KEYS):
        target.pop("none", None)
    if "none" in changes:
        for key in INTERVAL_KEYS:
            target.pop(key, None)
    target.update(changes)


def _decision(entry: dict[str, Any], path: Path, where: str) -> dict[str, Any]:
    fields = {k: entry.get(k) for k in ("decided_by", "decided_on", "reason")}
    try:
        decision = LocalDecision.model_validate({**fields, "file": path.name})
    except ValidationError as exc:
        missing = ", ".join(str(e["loc"][0]) for e in exc.errors())
        raise _error(path, where, f"say who decided it, when and why: {missing}") from exc
    return decision.model_dump()


def _error(path: Path, where: str, problem: str) -> OverrideError:
    return OverrideError(f"{path}: {where}: {problem}")
