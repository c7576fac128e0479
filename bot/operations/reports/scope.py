"""Whose figures a report covers, and who may see them.

SEAM (issue 13): until `bot/assistant/access.py` lands, a manager's span is read from the
directory's supervisor chain here: a team manager sees their own team and every team of
the people below them; anyone who supervises nobody sees no dashboard. When access.py
lands, `may_view_*` delegate to its table (line management, QA reader) and this module
keeps only the span arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from storage.records import Person

MAX_DEPTH = 32  # deeper supervisor chains are treated as broken (or cyclic)


@dataclass(frozen=True, slots=True)
class Scope:
    """A team, a manager's span or the council; `ids` None means everyone."""

    kind: str  # "team", "manager" or "council"
    name: str
    teams: tuple[str, ...] | None = None
    manager: str | None = None

    @property
    def label(self) -> str:
        return {"team": f"team {self.name}", "manager": f"span of {self.name}"}.get(
            self.kind, "the whole council"
        )


def span(people: Iterable[Person], manager_id: str) -> list[Person]:
    """Everyone supervised by `manager_id`, directly or further down the chain."""
    reports: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if person.supervisor_id is not None:
            reports[person.supervisor_id].append(person)
    found: dict[str, Person] = {}
    frontier = [manager_id]
    for _ in range(MAX_DEPTH):
        following = []
        for boss in frontier:
            for person in reports.get(boss, []):
                if person.id not in found and person.id != manager_id:
                    found[person.id] = person
                    following.append(person.id)
        frontier = following
        if not frontier:
            break
    return sorted(found.values(), key=lambda p: (p.team, p.id))


def visible_teams(viewer: Person, people: Iterable[Person]) -> list[str]:
    """The teams whose overview the viewer may open: teams with someone in their span.

    A team manager's own team is included; a supervisee with nobody below sees none.
    """
    below = span(people, viewer.id)
    teams = {p.team for p in below}
    if below and viewer.role == "team_manager":
        teams.add(viewer.team)
    return sorted(teams)


def may_view_person(viewer: Person, subject: Person, people: Iterable[Person]) -> bool:
    """A person page: the person themself, or anyone above them in the supervisor chain."""
    return viewer.id == subject.id or subject.id in {p.id for p in span(people, viewer.id)}
