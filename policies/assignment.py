"""Which policy pack applies to whom: the `policy` of a person's import row, else their
team's configured pack, else the configured default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from policies.packs import PolicyPack
from policies.vocabulary import Service
from storage.records import Person


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """A team's configuration: its pack and the service its group supervision follows."""

    policy: str | None = None
    service: Service = Service.DEFAULT


class PackAssignment:
    """Finds the pack for a person or a team."""

    def __init__(
        self, *, packs: Mapping[str, PolicyPack], default: str, teams: Mapping[str, TeamSettings]
    ) -> None:
        self.packs = packs
        self.default = default
        self.teams = teams

    def for_person(self, person: Person | None) -> PolicyPack:
        """The person's pack; someone not in the directory gets the default."""
        if person is None:
            return self.packs[self.default]
        return self.packs[person.policy or self.team_pack_name(person.team)]

    def team_pack_name(self, team: str) -> str:
        settings = self.teams.get(team)
        return (settings.policy if settings else None) or self.default

    def service(self, team: str) -> Service:
        settings = self.teams.get(team)
        return settings.service if settings else Service.DEFAULT
