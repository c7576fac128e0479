"""Every view of another person's data on the dashboard is audited.

`Auditor.viewed` is called inside the page's transaction for each person whose data the
page shows (other than the viewer); `refused` records a page that was not shown.
`TrailAuditor` appends to the hash-chained audit trail (bot/assistant/audit.py, `sva audit`);
`MemoryAuditor` keeps entries for tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.assistant.access import Subject, Viewer
from bot.assistant.audit import record
from storage.audit import AuditEntry
from storage.sql import SqlTransaction

VIA = "dashboard"


@dataclass(frozen=True, slots=True)
class View:
    viewer_id: str
    subject_id: str
    kind: str  # what was shown: "overview", "timeline", "cases", "report"
    at: datetime


class Auditor(Protocol):
    def viewed(self, tx: SqlTransaction, views: list[View]) -> None: ...

    def refused(self, tx: SqlTransaction, viewer_id: str, page: str, at: datetime) -> None: ...


class TrailAuditor:
    """Appends one audit row per person shown (record kind `dashboard-<page>`)."""

    def viewed(self, tx: SqlTransaction, views: list[View]) -> None:
        """One row per person shown, chained and written together (one insert a page)."""
        entries = [
            AuditEntry(
                at=v.at,
                actor=Viewer.person(v.viewer_id, via=VIA).actor,
                action="read",
                record_kind=f"dashboard-{v.kind}",
                record_id=Subject(person_id=v.subject_id).record_id,
                subject=v.subject_id,
                via=VIA,
                allowed=True,
            )
            for v in views
        ]
        tx.audit_many(entries)

    def refused(self, tx: SqlTransaction, viewer_id: str, page: str, at: datetime) -> None:
        viewer = Viewer.person(viewer_id, via=VIA)
        subject = Subject(team=page)
        record(tx, viewer, "read", "dashboard", subject, at, allowed=False, record_id=page)


@dataclass
class MemoryAuditor:
    """Keeps every view and refusal in memory (tests)."""

    views: list[View] = field(default_factory=list)
    refusals: list[tuple[str, str]] = field(default_factory=list)

    def viewed(self, tx: SqlTransaction, views: list[View]) -> None:
        self.views.extend(views)

    def refused(self, tx: SqlTransaction, viewer_id: str, page: str, at: datetime) -> None:
        self.refusals.append((viewer_id, page))
