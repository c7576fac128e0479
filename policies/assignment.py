"""Which policy pack applies to whom: the `policy` of a person's import row, else their
team's configured pack, else the configured default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from policies.packs import PolicyError, PolicyPack
from policies.vocabulary import Service
from storage.records import Person


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """A team's configuration: its pack and the service its group supervision follows."""

    policy: str | None = None
    service: str = Service.DEFAULT.value  # a shared service, or one the team's pack declares


class PackAssignment:
    """Finds the pack for a person or a team."""

    def __init__(
        self,
        *,
        packs: Mapping[str, PolicyPack],
        default: str,
        teams: Mapping[str, TeamSettings],
        broken: Mapping[str, str] | None = None,
    ) -> None:
        self.packs = packs
        self.default = default
        self.teams = teams
        self.broken = broken or {}  # pack name: its problems, for packs that failed to load

    def for_person(self, person: Person | None) -> PolicyPack:
        """The person's pack; someone not in the directory gets the default. A broken pack
        raises `PolicyError` (no other council's pack is ever used instead)."""
        name = self.pack_name(person)
        if name in self.broken and name not in self.packs:
            raise PolicyError(f"policy pack {name} is broken: {self.broken[name]}")
        return self.packs[name]

    def pack_name(self, person: Person | None) -> str:
        if person is None:
            return self.default
        return person.policy or self.team_pack_name(person.team)

    def is_broken(self, person: Person | None) -> bool:
        return self.pack_name(person) in self.broken

    def team_pack_name(self, team: str) -> str:
        settings = self.teams.get(team)
        return (settings.policy if settings else None) or self.default

    def service(self, team: str) -> str:
        settings = self.teams.get(team)
        return settings.service if settings else Service.DEFAULT.value
