"""The building blocks every part of a policy pack shares: strict models and citations."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from policies.intervals import Interval


def _interval(value: object) -> object:
    return Interval.parse(value) if isinstance(value, str) else value


Every = Annotated[Interval, BeforeValidator(_interval), PlainSerializer(str)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Strict):
    """Anything taken from a seed: where it was read, and how where the seed is unclear."""

    cite: str = Field(min_length=1)
    reading: str = ""  # the reading taken where the seed is ambiguous
