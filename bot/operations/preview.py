"""What a dry-run sweep would send, for a person reading it before go-live: counts by team,
then every reminder under the person it would go to (by name), overdue ones first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from bot.assistant.names import counted
from policies.reminders import Reminder
from storage.records import Person

UNKNOWN_TEAM = "(no team)"


def by_team(reminders: list[Reminder], people: Mapping[str, Person]) -> list[str]:
    """One line per team of the people reminded: reminders, overdue, escalations."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for reminder in reminders:
        person = people.get(reminder.to)
        counts = tally[person.team if person else UNKNOWN_TEAM]
        counts[0] += 1
        counts[1] += reminder.overdue
        counts[2] += reminder.kind == "escalation"
    return [
        f"{team}: {counted(total, 'reminder')}, {overdue:,} overdue, "
        f"{counted(escalations, 'escalation')}"
        for team, (total, overdue, escalations) in sorted(tally.items())
    ]


def by_person(reminders: list[Reminder], people: Mapping[str, Person]) -> list[str]:
    """Each person reminded (name, id, team), then what they would be sent."""
    grouped: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        grouped[reminder.to].append(reminder)
    lines: list[str] = []
    for to in sorted(grouped, key=lambda pid: (_team(people, pid), _name(people, pid))):
        lines.append(f"{_name(people, to)} ({to}), {_team(people, to)}:")
        for reminder in sorted(grouped[to], key=lambda r: (not r.overdue, r.due, r.kind)):
            lines.append(f"  - {reminder.text.splitlines()[0]}")
    return lines


def _name(people: Mapping[str, Person], person_id: str) -> str:
    person = people.get(person_id)
    return person.name if person else person_id


def _team(people: Mapping[str, Person], person_id: str) -> str:
    person = people.get(person_id)
    return person.team if person else UNKNOWN_TEAM
