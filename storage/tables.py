"""The database schema, in SQLAlchemy 2.0 typed declarative style.

Personal supervision data (wellbeing check-ins) and case data (preparation notes, EARS
reflections) live in separate tables, as DESIGN.md's privacy rules ask.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.sealing import SealedJson, SealedText

Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Base of every table; `Base.metadata` is what migrations are compared against."""


class ConversationRow(Base):
    """The one dialog a person has in progress; `version` guards concurrent writers."""

    __tablename__ = "conversations"

    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    dialog: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(SealedJson("conversations.data"))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrepNoteRow(Base):
    """A confirmed case preparation (Central Bedfordshire appendix 4), one per submission."""

    __tablename__ = "prep_notes"
    __table_args__ = (Index("ix_prep_notes_person_case", "person_id", "case_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200))
    case_ref: Mapped[str] = mapped_column(String(40))
    variant: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(SealedJson("prep_notes.answers"))
    needs_ad_hoc: Mapped[bool]
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EarsReflectionRow(Base):
    """A completed EARS reflection (case or professional)."""

    __tablename__ = "ears_reflections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    variant: Mapped[str] = mapped_column(String(20))
    case_ref: Mapped[str | None] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(SealedJson("ears_reflections.answers"))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WellbeingCheckinRow(Base):
    """A private wellbeing check-in; only the keys in `shared` may leave this table."""

    __tablename__ = "wellbeing_checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(SealedJson("wellbeing_checkins.answers"))
    shared: Mapped[list[str]] = mapped_column(Json)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReceivedMessageRow(Base):
    """Channel message ids already handled, so a redelivered message is answered once."""

    __tablename__ = "received_messages"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InboxRow(Base):
    """A chat event committed before the service was acknowledged; processed in `id` order per
    conversation. Its payload is cleared once processed (the event id stays, for dedupe)."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "event_id", name="uq_inbox_event"),
        Index("ix_inbox_pending", "conversation", "processed_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(300))
    conversation: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(SealedJson("inbox.payload"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReplyRow(Base):
    """One reply written in its turn's transaction; delivered in `id` order per conversation,
    marked sent once the service accepted it."""

    __tablename__ = "replies"
    __table_args__ = (Index("ix_replies_unsent", "conversation", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    conversation: Mapped[str] = mapped_column(String(300))
    address: Mapped[dict[str, Any]] = mapped_column(Json)
    message: Mapped[dict[str, Any]] = mapped_column(SealedJson("replies.message"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PersonRow(Base):
    """Someone the assistant works for: imported from the council's HR list."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    team: Mapped[str] = mapped_column(String(200), index=True)
    policy: Mapped[str | None] = mapped_column(String(60))
    supervisor_id: Mapped[str | None] = mapped_column(String(200), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    case_holding: Mapped[bool]
    # "qa": a quality-assurance reader (senior manager or auditor): reads case records,
    # read-only, every read audited (bot/assistant/access.py).
    access: Mapped[str | None] = mapped_column(String(20))
    # Set when an import of their team no longer lists them: their chat identities are gone,
    # reminders stop, and retention of what is kept about them runs from this date.
    left_on: Mapped[date | None] = mapped_column(Date)


class ChatIdentityRow(Base):
    """How a person is reached on a channel, e.g. ("slack", "U123")."""

    __tablename__ = "chat_identities"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel_user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)


class CaseRow(Base):
    """An open case, by reference only: no child's name is ever stored."""

    __tablename__ = "cases"
    __table_args__ = (
        # Covers the compliance report's count of open cases per worker, type, risk and
        # "ever supervised", in index order (migration 0020).
        Index(
            "ix_cases_groups",
            "worker_id",
            "case_type",
            "risk",
            "key_worker",
            text("(last_case_supervision IS NULL)"),
            "last_case_supervision",
            "allocated_on",
        ),
    )

    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(200), index=True)
    case_type: Mapped[str] = mapped_column(String(40))
    risk: Mapped[str] = mapped_column(String(10))
    allocated_on: Mapped[date] = mapped_column(Date)
    key_worker: Mapped[bool] = mapped_column(server_default=true())
    # The last held case supervision of this case, kept by storage.directory on every
    # import or recording of cases and sessions (so reports need not seek it per case).
    last_case_supervision: Mapped[date | None] = mapped_column(Date)


# The predicate of the open-records partial index; queries must repeat it word for word.
OPEN_RECORD = "recorded_on IS NULL OR signed_off_on IS NULL"
CANCELLED = "status = 'cancelled'"


class SessionRow(Base):
    """A supervision session, held or cancelled. `key` makes re-imports update, not duplicate."""

    __tablename__ = "sessions"
    __table_args__ = (
        # Covering indexes for the sweep's "last held session per supervisee / case / leader".
        Index("ix_sessions_last_by_supervisee", "kind", "status", "supervisee_id", "date"),
        Index("ix_sessions_last_by_case", "kind", "status", "case_ref", "date"),
        Index("ix_sessions_last_by_supervisor", "kind", "status", "supervisor_id", "date"),
        # Partial index: cancelled sessions by date, for the rebooking reminders.
        Index(
            "ix_sessions_cancelled",
            "date",
            sqlite_where=text(CANCELLED),
            postgresql_where=text(CANCELLED),
        ),
        # Partial index: only sessions whose record is unwritten or unsigned (a few percent).
        Index(
            "ix_sessions_open_records",
            "status",
            sqlite_where=text(OPEN_RECORD),
            postgresql_where=text(OPEN_RECORD),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date)
    supervisee_id: Mapped[str | None] = mapped_column(String(200))
    supervisor_id: Mapped[str] = mapped_column(String(200))
    case_ref: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_off_on: Mapped[dt.date | None] = mapped_column(Date)


class LeaveRow(Base):
    """A period of leave: the person is not chased by reminders while it lasts."""

    __tablename__ = "leave_periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class OutboxRow(Base):
    """One reminder, written under its unique key before it is sent; sent at most once."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unsent", "sent_at", "person_id"),
        Index("ix_outbox_claims", "claimed_by"),
    )

    key: Mapped[str] = mapped_column(String(600), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(200))
    case_ref: Mapped[str | None] = mapped_column(String(40))
    due: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(SealedText("outbox.text"))
    created_on: Mapped[date] = mapped_column(Date)
    # A dispatcher claims rows before sending; a claim older than the lease may be retaken.
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseEventRow(Base):
    """Something that happened on a case that a pack wants discussed in supervision (a
    closure, transfer, CP or legal planning decision): from a recorded decision or a case
    import. Appended once per case, event and day; a held case supervision of the case on
    or after the day closes it (nothing is updated)."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_ref", "event", "event_on", name="uq_case_events"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_ref: Mapped[str] = mapped_column(String(40), index=True)
    event: Mapped[str] = mapped_column(String(40))
    event_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))  # "decision" or "import"


class SweepRow(Base):
    """A day whose reminders were computed and written to the outbox (committed with them):
    a later sweep of the same day only sends what is still queued (issue 16)."""

    __tablename__ = "sweeps"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    swept_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reminders: Mapped[int] = mapped_column(Integer)


class PersonEventRow(Base):
    """Something that happened to a person that a pack follows: a change of supervisor (a
    people import giving them another supervisor_id), with the previous and new supervisor.
    Appended once per person, event and day; never updated."""

    __tablename__ = "person_events"
    __table_args__ = (UniqueConstraint("person_id", "event", "event_on", name="uq_person_events"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    event: Mapped[str] = mapped_column(String(40))  # "supervisor_changed"
    event_on: Mapped[dt.date] = mapped_column(Date)
    previous_id: Mapped[str | None] = mapped_column(String(200))
    supervisor_id: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))  # "import"


class SicknessRow(Base):
    """A session cancelled through sickness (a sessions import's `reason`), with the return
    to work when known: Central Bedfordshire rebooks from the return, not the cancellation."""

    __tablename__ = "sickness_cancellations"

    session_key: Mapped[str] = mapped_column(String(500), primary_key=True)
    returned_on: Mapped[dt.date | None] = mapped_column(Date)


class DecisionRow(Base):
    """A management decision between supervisions. Append-only: never updated or deleted; a
    correction is a new row that names the one it corrects."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_ref: Mapped[str] = mapped_column(String(40), index=True)
    recorded_by: Mapped[str] = mapped_column(String(200), index=True)
    acknowledge_by: Mapped[str | None] = mapped_column(String(200), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(SealedJson("decisions.answers"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DecisionResponseRow(Base):
    """An acknowledgement or a dispute of a decision; appended, never overwritten."""

    __tablename__ = "decision_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # "acknowledged" or "disputed"
    text: Mapped[str | None] = mapped_column(SealedText("decision_responses.text"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RotaSessionRow(Base):
    """A planned group supervision session of a team: its roles and the case to present."""

    __tablename__ = "rota_sessions"

    team: Mapped[str] = mapped_column(String(200), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    roles: Mapped[dict[str, Any]] = mapped_column(Json)
    case_ref: Mapped[str | None] = mapped_column(String(40))


class SessionEventRow(Base):
    """What happened to a session's record, appended in order: written, agreed, disputed, or
    closed as agreed after the sign-off window. A dispute is kept, never overwritten."""

    __tablename__ = "session_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_key: Mapped[str] = mapped_column(String(500), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(SealedText("session_events.text"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ActionRow(Base):
    """An action agreed in supervision: owner, what, why, by when. Carried forward on every
    agenda until closed; closing keeps the row and records who closed it and when."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supervisee_id: Mapped[str] = mapped_column(String(200), index=True)
    case_ref: Mapped[str | None] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(SealedText("actions.what"))
    why: Mapped[str] = mapped_column(SealedText("actions.why"))
    due: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AgendaEditRow(Base):
    """A supervisee's changes to their agenda draft (items added, removed, reordered) and the
    last version they sent to their supervisor."""

    __tablename__ = "agenda_edits"

    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    order: Mapped[list[str]] = mapped_column(
        Json
    )  # item keys: "s3" standing item 3, "o1" own item 1
    own_items: Mapped[list[str]] = mapped_column(SealedJson("agenda_edits.own_items"))
    sent_text: Mapped[str | None] = mapped_column(SealedText("agenda_edits.sent_text"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChatReferenceRow(Base):
    """Where the assistant can write to a person first on a channel that needs it (Teams'
    conversation reference), saved when they first talk to the assistant there."""

    __tablename__ = "chat_references"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    reference: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One audited access (storage/audit.py): append-only, each row chained to the one
    before it by SHA-256, so an edited or deleted row is found by `sva audit verify`."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_subject", "subject", "id"),
        Index("ix_audit_actor", "actor", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(200))
    via: Mapped[str] = mapped_column(String(60))
    allowed: Mapped[bool]
    digest: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class SignInUseRow(Base):
    """A dashboard sign-in link that has been used: a link works once (its nonce is the key)."""

    __tablename__ = "sign_in_uses"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditFindingRow(Base):
    """A finding of a case file audit (dip sample) against a supervisee's record, carried to
    their next case supervision agenda until the supervisor marks it discussed."""

    __tablename__ = "audit_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supervisee_id: Mapped[str] = mapped_column(String(200), index=True)
    session_key: Mapped[str] = mapped_column(String(500))
    case_ref: Mapped[str | None] = mapped_column(String(40))
    finding: Mapped[str] = mapped_column(SealedText("audit_findings.finding"))
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    discussed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReportVersionRow(Base):
    """Each team's data version, bumped by database triggers whenever a row its compliance
    figures are read from is written (migration 0021): people, sessions, cases, leave."""

    __tablename__ = "report_versions"

    team: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)  # PostgreSQL: from report_versions_seq


class KeptReportFiguresRow(Base):
    """A team's computed share of a compliance report for a period, valid while the team's
    version is still `version` and the rules the same (`rules`: a fingerprint of the packs,
    team settings and measuring code; a share kept under other rules is replaced).
    bot/operations/reports/kept.py makes and reads `figures`. Only the most recently kept
    periods are kept (`kept_at`; storage.kept_figures)."""

    __tablename__ = "kept_report_figures"
    __table_args__ = (
        # Covers the search for the oldest periods and for other rules (migration 0022).
        Index("ix_kept_report_figures_kept", "period_start", "period_end", "kept_at", "rules"),
    )

    team: Mapped[str] = mapped_column(String(200), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date] = mapped_column(Date, primary_key=True)
    rules: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(BigInteger)
    figures: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
