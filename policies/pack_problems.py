"""Pack validation problems as sentences: `FILE: section[rule id].key: problem`.

Pydantic's own messages ("Input should be a valid string") are replaced by what to write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

SENTENCES = {
    "missing": "is missing",
    "extra_forbidden": "is not a key of this section (check the spelling)",
    "string_type": "should be text in quotes",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "tuple_type": 'should be a list, e.g. ["a", "b"]',
    "list_type": 'should be a list, e.g. ["a", "b"]',
    "dict_type": "should be a table",
    "model_type": "should be a table",
    "model_attributes_type": "should be a table",
    "too_short": "should not be empty",
    "string_too_short": "should not be empty",
    "string_pattern_mismatch": "should be lower case letters, digits, '-' or '_'",
    "date_type": "should be a date, e.g. 2026-11-23",
    "date_parsing": "should be a date, e.g. 2026-11-23",
}


def describe_problems(path: Path, error: ValidationError, data: Any) -> str:
    """One line per problem, naming list items by their `id` where they have one."""
    problems = []
    for e in error.errors(include_url=False):
        where = _where(e["loc"], data) or "(top level)"
        message = SENTENCES.get(e["type"], e["msg"].removeprefix("Value error, "))
        if e["type"] in ("int_type", "greater_than_equal", "less_than_equal") and "input" in e:
            message = f"{message} (got {e['input']!r})"
        problems.append(f"{path}: {where}: {message}")
    return "\n".join(problems)


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
            label = node.get("id") if isinstance(node, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{label or part + 1}]"]
            continue
        node = node.get(part) if isinstance(node, dict) else None
        parts.append(str(part))
    return ".".join(parts)
