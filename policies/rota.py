"""The group supervision rota: session dates at the pack's frequency, and roles that rotate.

Fairness, per role: whoever takes a role has held it no more often than anyone else available
that day, so nobody takes a role twice before every available member has had it; people on
leave are skipped and, having had it less often, come first when back; the manager is a
member like any other (Bexley: managers "should also take turns"). Nobody holds two roles in
one session while there are enough people available: where the fairest choices would double
someone up, the assignment that departs least from them is taken instead. With fewer people
than roles, someone doubles up rather than a role being left empty, and the session says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from policies.intervals import Interval, is_working_day

OnLeave = Callable[[str, date], bool]


@dataclass(frozen=True, slots=True)
class RotaSession:
    """One planned group supervision: its date and who takes each role (None: nobody free)."""

    day: date
    roles: dict[str, str | None]
    available: int = 0

    @property
    def short(self) -> bool:
        """Fewer people were available than there are roles, so someone holds two."""
        return self.available < len(self.roles)

    def shortage(self) -> str:
        """What a manager is told about a short session ("" when it is not short)."""
        if not self.short:
            return ""
        people = "person" if self.available == 1 else "people"
        return f"only {self.available} {people} available for {len(self.roles)} roles"


def session_dates(start: date, every: Interval, count: int) -> list[date]:
    """`count` dates from `start`, `every` apart, each moved to the next working day."""
    dates: list[date] = []
    planned = start
    for _ in range(count):
        day = next_working_day(planned)
        dates.append(day)
        planned = every.after(planned)
    return dates


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass
class _Tally:
    """How often, and when last, each member has held each role."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    last: dict[tuple[str, str], int] = field(default_factory=dict)

    def rank(self, role: str, member: str, order: int) -> tuple[int, int, int]:
        key = (role, member)
        return (self.counts.get(key, 0), self.last.get(key, -1), order)

    def record(self, role: str, member: str, session: int) -> None:
        self.counts[(role, member)] = self.counts.get((role, member), 0) + 1
        self.last[(role, member)] = session


def plan(
    members: Sequence[str],
    roles: Sequence[str],
    dates: Sequence[date],
    on_leave: OnLeave,
    history: Sequence[Mapping[str, str | None]] = (),
) -> list[RotaSession]:
    """Assign roles for every date, fairly (see the module's docstring), carrying on from the
    roles of earlier sessions in `history`, oldest first."""
    tally = _tally(history)
    sessions = []
    for index, day in enumerate(dates):
        available = [m for m in members if not on_leave(m, day)]
        assignment = _assign(roles, available, tally, index)
        for role, member in assignment.items():
            if member is not None:
                tally.record(role, member, index)
        sessions.append(RotaSession(day, assignment, len(available)))
    return sessions


def replacement(
    members: Sequence[str],
    role: str,
    history: Sequence[Mapping[str, str | None]],
    session: Mapping[str, str | None],
    unavailable: set[str],
) -> str | None:
    """Who takes `role` in `session` instead: the fairest available member, preferring one
    with no other role that day; None if nobody is free."""
    tally = _tally(history)
    candidates = [m for m in members if m not in unavailable]
    if not candidates:
        return None
    ranked = _ranked(role, candidates, tally, len(history))
    busy = {who for r, who in session.items() if r != role}
    return next((m for m in ranked if m not in busy), ranked[0])


def _tally(history: Sequence[Mapping[str, str | None]]) -> _Tally:
    tally = _Tally()
    for index, roles in enumerate(history):
        for role, member in roles.items():
            if member is not None:
                tally.record(role, member, index - len(history))
    return tally


def _assign(
    roles: Sequence[str], available: Sequence[str], tally: _Tally, session: int
) -> dict[str, str | None]:
    if not available:
        return dict.fromkeys(roles)
    if len(available) >= len(roles):
        return _fairest_distinct(roles, available, tally, session)
    due = {role: _due(role, available, tally, session) for role in roles}
    return _share_out(roles, due)


def _share_out(roles: Sequence[str], due: dict[str, list[str]]) -> dict[str, str | None]:
    """Too few due people for one role each: give each role the due member holding fewest
    roles so far this session, so the doubling-up is spread as thinly as it can be."""
    held: dict[str, int] = {}
    assignment: dict[str, str | None] = {}
    for role in roles:
        member = min(due[role], key=lambda m: (held.get(m, 0), due[role].index(m)))
        held[member] = held.get(member, 0) + 1
        assignment[role] = member
    return assignment


def _ranked(role: str, available: Sequence[str], tally: _Tally, session: int) -> list[str]:
    """Available members by their claim on `role`: held it least often, longest ago first;
    rotated per session so equal claims are not always settled in the same person's favour."""
    shift = session % len(available)
    ordered = list(available[shift:]) + list(available[:shift])
    ranks = {m: tally.rank(role, m, position) for position, m in enumerate(ordered)}
    return sorted(ordered, key=ranks.__getitem__)


def _due(role: str, available: Sequence[str], tally: _Tally, session: int) -> list[str]:
    """The members with the best claim on `role`: those who have held it least often."""
    ranked = _ranked(role, available, tally, session)
    fewest = tally.counts.get((role, ranked[0]), 0)
    return [m for m in ranked if tally.counts.get((role, m), 0) == fewest]


def _fairest_distinct(
    roles: Sequence[str], available: Sequence[str], tally: _Tally, session: int
) -> dict[str, str | None]:
    """A different member for every role, departing as little as possible from fairness:
    the cost of a choice is how many more times that member has held the role than the
    member who has held it least. Roles and teams are small; the search is pruned."""
    ranked = {role: _ranked(role, available, tally, session) for role in roles}
    excess = {
        (role, m): tally.counts.get((role, m), 0) - tally.counts.get((role, ranked[role][0]), 0)
        for role in roles
        for m in available
    }
    best: tuple[int, dict[str, str | None]] | None = None

    def search(index: int, cost: int, chosen: dict[str, str | None]) -> None:
        nonlocal best
        if best is not None and cost >= best[0]:
            return
        if index == len(roles):
            best = (cost, dict(chosen))
            return
        role = roles[index]
        for member in ranked[role]:
            if member not in chosen.values():
                chosen[role] = member
                search(index + 1, cost + excess[(role, member)], chosen)
                del chosen[role]

    search(0, 0, {})
    assert best is not None  # there are at least as many members as roles
    return best[1]
