"""The due-date engine: when the next supervision, record, sign-off or rebooking is due.

Every answer names the rule it used ("<pack>.<rule id>") and where the seed says so. A pack
with no rule for the question raises `NoRule` with the pack's own explanation; no rule is
ever borrowed from another pack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from policies.intervals import Interval, working_day_on_or_before
from policies.packs import Deadline, IndividualRule, PolicyError, PolicyPack, Rule
from policies.vocabulary import Risk

DeadlineName = Literal["record", "signoff", "rebook"]
R = TypeVar("R", bound=Rule)


class NoRule(PolicyError):
    """The pack has no rule for what was asked; the message says why, in the pack's words."""


@dataclass(frozen=True, slots=True)
class Due:
    """A due date and the rule it came from."""

    due: date
    rule: str
    cite: str

    def __post_init__(self) -> None:
        # A due date on a weekend or bank holiday is the working day before it (see
        # policies.intervals.working_day_on_or_before), the same everywhere it is shown.
        object.__setattr__(self, "due", working_day_on_or_before(self.due))

    def overdue_on(self, day: date) -> bool:
        """Overdue means the day asked about is after the due date."""
        return day > self.due


def individual_due(pack: PolicyPack, role: str, started: date, last: date | None) -> Due:
    """When the person's next individual supervision is due."""
    rule = _required(
        pack, _find(pack, pack.individual_rule, role, "role"), f"individual supervision of {role}"
    )
    name = f"{pack.name}.individual.{rule.id}"
    if last is None and rule.first is not None:
        return Due(rule.first.after(started), f"{name}.first", rule.source)
    if not rule.phases:
        assert rule.every is not None
        return Due(rule.every.after(last or started), name, rule.source)
    index, every = _phase(rule, started, last)
    return Due(every.after(last or started), f"{name}.phase-{index + 1}", rule.source)


def _phase(rule: IndividualRule, started: date, last: date | None) -> tuple[int, Interval]:
    """The phase containing the last session's date (the first phase when there is none)."""
    if last is None:
        return 0, rule.phases[0].every
    for index, phase in enumerate(rule.phases):
        if phase.until is None or last < phase.until.after(started):
            return index, phase.every
    return len(rule.phases) - 1, rule.phases[-1].every


@dataclass(frozen=True, slots=True)
class CaseSchedule:
    """A case type's rule in one pack, resolved once and applied to many cases."""

    every: Interval
    rule: str
    cite: str
    first: Interval | None
    first_rule: str
    first_cite: str

    def due(self, allocated: date, last: date | None) -> Due:
        if last is None and self.first is not None:
            return Due(self.first.after(allocated), self.first_rule, self.first_cite)
        return Due(self.every.after(last or allocated), self.rule, self.cite)


def case_schedule(
    pack: PolicyPack, case_type: str, risk: str, *, key_worker: bool = True
) -> CaseSchedule:
    """The rule for a case type and risk, including the first discussion after allocation.

    Staff involved in a case but not its key worker follow the pack's `not_key_worker` rule
    where it has one (Manchester); elsewhere the case type's own rule applies to them too.
    """
    rule = _required(
        pack,
        _find(pack, pack.case_rule, case_type, "case_type"),
        f"case supervision of {case_type} cases",
    )
    involved = pack.not_key_worker
    if not key_worker and involved is not None:
        name = f"{pack.name}.case.not-key-worker"
        return CaseSchedule(
            involved.every, name, involved.source, involved.first, name, involved.source
        )
    every, suffix = (rule.high, ".high") if risk == Risk.HIGH and rule.high else (rule.every, "")
    assert every is not None
    first = pack.deadlines.first_case_discussion
    name = f"{pack.name}.case.{rule.id}{suffix}"
    return CaseSchedule(
        every,
        name,
        rule.source,
        first.within if first.applies(case_type) else None,
        f"{pack.name}.deadlines.first_case_discussion",
        first.source,
    )


def case_due(
    pack: PolicyPack,
    case_type: str,
    risk: str,
    allocated: date,
    last: date | None,
    *,
    key_worker: bool = True,
) -> Due:
    """When a case's next case supervision is due."""
    return case_schedule(pack, case_type, risk, key_worker=key_worker).due(allocated, last)


def group_due(pack: PolicyPack, service: str, last: date) -> Due:
    """When a team's next group supervision is due."""
    rule = _required(
        pack,
        _find(pack, pack.group_rule, service, "service"),
        f"group supervision in the {service} service",
    )
    assert rule.every is not None
    return Due(rule.every.after(last), f"{pack.name}.group.{rule.id}", rule.source)


def deadline_due(
    pack: PolicyPack, name: DeadlineName, event: date, *, returned: date | None = None
) -> Due:
    """A deadline counted from an event: a record after the session, a sign-off after the
    record was sent, a rebooking after a cancellation (or, for a cancellation through
    sickness where the pack says so, after the return to work)."""
    deadline: Deadline = getattr(pack.deadlines, name)
    if deadline.within is None:
        raise NoRule(f"{pack.name} has no {name} deadline: {deadline.none}")
    rule = f"{pack.name}.deadlines.{name}"
    if returned is not None and deadline.after_sickness_from_return:
        return Due(
            deadline.within.after(max(event, returned)), f"{rule}.after-sickness", deadline.source
        )
    return Due(deadline.within.after(event), rule, deadline.source)


def agreement_due(pack: PolicyPack, started: date, supervisor_changed: date | None) -> Due:
    """When the supervision agreement is due: after starting, or after a change of
    supervisor where the pack says so (Somerset 7.2)."""
    deadline = pack.deadlines.agreement
    if deadline.within is None:
        raise NoRule(f"{pack.name} has no agreement deadline: {deadline.none}")
    rule = f"{pack.name}.deadlines.agreement"
    changed = supervisor_changed
    if changed is not None and deadline.on_supervisor_change and changed > started:
        return Due(deadline.within.after(changed), f"{rule}.supervisor-change", deadline.source)
    return Due(deadline.within.after(started), rule, deadline.source)


def agreement_since(pack: PolicyPack, started: date, supervisor_changed: date | None) -> date:
    """The day an agreement must be signed on or after to count: the start, or the change of
    supervisor where the pack dates the agreement from it (Somerset 7.2)."""
    changed = supervisor_changed
    deadline = pack.deadlines.agreement
    if changed is not None and deadline.on_supervisor_change and changed > started:
        return changed
    return started


def _find(pack: PolicyPack, lookup: Callable[[str], R], word: str, what: str) -> R:
    try:
        return lookup(word)
    except StopIteration:
        raise NoRule(f"{pack.name} does not know the {what} {word!r}") from None


def _required(pack: PolicyPack, rule: R, what: str) -> R:
    if rule.none is not None:
        raise NoRule(f"{pack.name} has no rule for {what}: {rule.none}")
    return rule
