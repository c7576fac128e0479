"""Parts of a policy pack beyond the interval rules: the words a pack declares for itself,
escalation, the first case discussion, and due subjects declared as data.

A council whose policy names a role, case type or group service the shared vocabulary
(`policies.vocabulary`) lacks declares it under `[terms]` with its label and citation; its
rules may then use it, and only its own pack has to cover it.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from policies.pack_base import Cited, Every, Id, Strict


class Term(Cited):
    """A word a pack adds to the shared vocabulary, e.g. a case type only its policy has."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)


class Terms(Strict):
    roles: tuple[Term, ...] = ()
    case_types: tuple[Term, ...] = ()
    services: tuple[Term, ...] = ()


class Escalation(Cited):
    """When an overdue item is raised with the owner's manager, and how a supervisee whose
    supervision is not happening escalates it themselves (told to the supervisee)."""

    after_days: int = Field(default=14, ge=1)
    route: str = ""  # the supervisee's own route, in the seed's order; "" if the seed has none
    route_cite: str = ""

    @model_validator(mode="after")
    def _route_cited(self) -> Self:
        if self.route and not self.route_cite:
            raise ValueError("escalation: route needs route_cite")
        return self


class FirstDiscussion(Cited):
    """The first case discussion after allocation, for the case types the seed names."""

    within: Every | None = None
    none: str | None = None
    case_types: tuple[str, ...] = ()  # empty: every case type

    def applies(self, case_type: str) -> bool:
        return self.within is not None and (not self.case_types or case_type in self.case_types)


SubjectKind = Literal["person", "case", "event"]


class Subject(Cited):
    """A due subject declared as data: something that recurs for a person or a case
    (`every`, counted from the last time or else from the start or allocation), or that
    follows an event (`within` the event, or `by_next_session`: by the person's next
    supervision, for seeds that say "before or just after")."""

    id: Id
    label: str = Field(min_length=1)
    applies_to: SubjectKind
    every: Every | None = None
    within: Every | None = None
    by_next_session: bool = False
    none: str | None = None
    roles: tuple[str, ...] = ()  # person subjects: which roles (empty: every role)
    case_types: tuple[str, ...] = ()  # case subjects: which case types (empty: every type)
    events: tuple[str, ...] = ()  # event subjects: which events start the clock
    # event subjects: events of a case (a decision recorded on it, or a case import's
    # `event` column) or of the person (a change of supervisor, an absent supervisor)
    event_of: Literal["person", "case"] = "person"
    # event subjects of an absent supervisor: only an absence longer than this (the leave
    # recorded with `sva leave add`); without it, one over the supervisee's next supervision
    longer_than: Every | None = None
    remind: Literal["supervisor", "supervisee", "both"] = "supervisor"

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        given = [self.every, self.within, self.by_next_session or None, self.none]
        if sum(g is not None for g in given) != 1:
            raise ValueError(
                f"subject {self.id!r}: give exactly one of 'every', 'within', "
                "'by_next_session' and 'none'"
            )
        if self.applies_to == "event" and not self.events:
            raise ValueError(f"subject {self.id!r}: an event subject names its events")
        if self.longer_than is not None and self.applies_to != "event":
            raise ValueError(f"subject {self.id!r}: 'longer_than' is for an absence (an event)")
        if self.applies_to != "event" and (self.within or self.by_next_session):
            raise ValueError(f"subject {self.id!r}: 'within' and 'by_next_session' need events")
        return self


class NotKeyWorker(Cited):
    """Case supervision for staff involved in a case but not its key worker (Manchester 3.1)."""

    first: Every
    every: Every


class ClientNames(Cited):
    """The policy keeps client names out of supervision notes (Manchester 2.1): an answer
    with a possible name is saved only once reworded or confirmed as not a client's name,
    and the agenda withholds a flagged word that was never confirmed."""

    confirm: Literal[True] = True


class CaseAdvice(Cited):
    """Roles whose case supervision is advice and guidance, not management (Southwark: ASYE
    assessors and practice educators): they record it as a case note copied to the manager,
    and management decisions stay with the manager."""

    roles: tuple[str, ...] = Field(min_length=1)
    title: str = Field(min_length=1)  # the case note's title in the council's system
