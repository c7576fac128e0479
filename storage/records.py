"""What storage hands back to the rest of the assistant: plain, frozen records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from dialogs.conversation import Answer


@dataclass(frozen=True, slots=True)
class PrepNote:
    """The latest confirmed preparation for one case."""

    case_ref: str
    variant: str
    answers: Mapping[str, Answer]
    needs_ad_hoc: bool
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class SharedWellbeing:
    """The answers of a wellbeing check-in that the supervisee chose to share, and no others."""

    answers: Mapping[str, Answer]
    completed_at: datetime
