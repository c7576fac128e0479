"""The building blocks every part of a policy pack shares: strict models and citations."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from policies.intervals import Interval


def _interval(value: object) -> object:
    if isinstance(value, str):
        return Interval.parse(value)
    if isinstance(value, Interval):
        return value
    raise ValueError(f"{value!r} is not an interval; write it as text, e.g. '4 weeks' or 'monthly'")


Every = Annotated[Interval, BeforeValidator(_interval), PlainSerializer(str)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalDecision(Strict):
    """Who decided a local override, when, why, and in which file."""

    decided_by: str = Field(min_length=1)
    decided_on: date
    reason: str = Field(min_length=1)
    file: str = ""


class Cited(Strict):
    """Anything taken from a seed: where it was read, and how where the seed is unclear.
    `local` is set when a council's local override decided it instead of the seed."""

    cite: str = Field(min_length=1)
    reading: str = ""  # the reading taken where the seed is ambiguous
    local: LocalDecision | None = None

    @property
    def source(self) -> str:
        """The citation, or for a local decision who decided it, when and why."""
        if self.local is None:
            return self.cite
        return (
            f"Local decision ({self.local.file}: {self.local.decided_by}, "
            f"{self.local.decided_on.isoformat()}): {self.local.reason} "
            f"Published policy: {self.cite}"
        )
