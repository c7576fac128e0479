"""Every view of another person's data on the dashboard is audited.

SEAM (issue 13): `Auditor.viewed` is called inside the page's transaction for each person
whose data the page shows (other than the viewer). `TrailAuditor` appends to the audit trail
once `bot/assistant/audit.py` has landed; `MemoryAuditor` keeps entries for tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from storage.sql import SqlTransaction


@dataclass(frozen=True, slots=True)
class View:
    viewer_id: str
    subject_id: str
    kind: str  # what was shown: "overview", "timeline", "cases", "report"
    at: datetime


class Auditor(Protocol):
    def viewed(self, tx: SqlTransaction, views: list[View]) -> None: ...


@dataclass
class MemoryAuditor:
    """Keeps every view in memory (tests, and until the audit trail lands)."""

    views: list[View] = field(default_factory=list)

    def viewed(self, tx: SqlTransaction, views: list[View]) -> None:
        self.views.extend(views)
