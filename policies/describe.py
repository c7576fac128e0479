"""A plain-text account of a pack (`sva policy show`): the seed's own rules first, then the
council's local decisions apart, each with who decided it, when and why."""

from __future__ import annotations

from policies.pack_base import Cited
from policies.packs import PolicyPack
from policies.sources import cited_items


def describe(pack: PolicyPack) -> str:
    """Every rule of the pack with its source, in the order a reader would ask."""
    lines = [f"{pack.council} ({pack.name}), from {pack.seed}", "", "Individual supervision:"]
    lines += [
        _line(r.id, ", ".join(r.roles), _how_often(r), r) for r in pack.individual if not r.local
    ]
    lines += ["", "Case supervision:"]
    for case in (c for c in pack.case if not c.local):
        how = _how_often(case) + (f"; high risk {case.high}" if case.high else "")
        lines.append(_line(case.id, ", ".join(case.case_types), how, case))
    if pack.not_key_worker:
        nkw = pack.not_key_worker
        how = f"first within {nkw.first} of allocation; then every {nkw.every}"
        lines.append(_line("not-key-worker", "staff who are not the key worker", how, nkw))
    lines += ["", "Group supervision:"]
    lines += [
        _line(g.id, ", ".join(g.services), _how_often(g), g) for g in pack.group if not g.local
    ]
    lines += ["", "Deadlines:"]
    for name, deadline in pack.deadlines:
        if not deadline.local:
            lines.append(_line(name, "", _within(deadline), deadline))
    lines += _subjects(pack)
    if pack.client_names:
        how = "a possible name is reworded or confirmed before it is saved"
        lines += ["", "Client names:", _line("client-names", "", how, pack.client_names)]
    if pack.case_advice:
        advisers = ", ".join(pack.case_advice.roles)
        how = f"advice as a case note copied to the manager ({pack.case_advice.title}); no management decisions"
        lines += ["", "Case advice:", _line("case-advice", advisers, how, pack.case_advice)]
    lines += [
        "",
        "Escalation:",
        _line("escalation", "", f"after {pack.escalate_after_days} days overdue", pack.escalation),
    ]
    if pack.escalation.route:
        lines.append(
            f"      supervisee's route: {pack.escalation.route} ({pack.escalation.route_cite})"
        )
    lines += _declared(pack)
    return "\n".join(lines + _local(pack))


def _subjects(pack: PolicyPack) -> list[str]:
    if not pack.subjects:
        return []
    lines = ["", "Other due subjects:"]
    for s in (s for s in pack.subjects if not s.local):
        applies = ", ".join(s.roles or s.case_types or s.events) or f"every {s.applies_to}"
        lines.append(_line(s.id, f"{s.label} ({applies})", _within(s), s))
    return lines


def _declared(pack: PolicyPack) -> list[str]:
    terms = [
        (kind, t) for kind in ("roles", "case_types", "services") for t in getattr(pack.terms, kind)
    ]
    if not terms:
        return []
    return ["", "Words this pack declares:"] + [
        f"  {kind[:-1].replace('_', ' ')} {t.id}: {t.label}\n      source: {t.cite}"
        for kind, t in terms
    ]


def _local(pack: PolicyPack) -> list[str]:
    decided = [(where, item) for where, item in cited_items(pack) if item.local is not None]
    if not decided:
        return []
    lines = ["", "Local decisions (not in the published policy):"]
    for where, item in decided:
        local = item.local
        assert local is not None
        lines.append(
            f"  [{where}] {_how(item)}\n      decided by {local.decided_by} on "
            f"{local.decided_on.isoformat()} ({local.file}): {local.reason}\n"
            f"      the published policy: {item.cite}"
        )
    return lines


def _how(item: Cited) -> str:
    if hasattr(item, "phases") or hasattr(item, "roles") or hasattr(item, "case_types"):
        return _how_often(item)
    return _within(item)


def _within(item: object) -> str:
    none = getattr(item, "none", None)
    if none:
        return f"no rule: {none}"
    for key, words in (("within", "within"), ("every", "every")):
        value = getattr(item, key, None)
        if value is not None:
            return f"{words} {value}"
    if getattr(item, "by_next_session", False):
        return "by the next supervision"
    return ""


def _how_often(rule: object) -> str:
    none = getattr(rule, "none", None)
    if none:
        return f"no rule: {none}"
    first = getattr(rule, "first", None)
    start = f"first within {first} of starting; then " if first else ""
    phases = getattr(rule, "phases", ())
    if phases:
        steps = (
            f"every {p.every}" + (f" until {p.until} after starting" if p.until else "")
            for p in phases
        )
        return start + "; then ".join(steps)
    return start + f"every {getattr(rule, 'every', '')}"


def _line(rule_id: str, applies_to: str, how: str, item: Cited) -> str:
    text = (
        f"  [{rule_id}] {applies_to + ': ' if applies_to else ''}{how}\n      source: {item.cite}"
    )
    return text + (f"\n      reading: {item.reading}" if item.reading else "")
