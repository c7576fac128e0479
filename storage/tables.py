"""The database schema, in SQLAlchemy 2.0 typed declarative style.

Personal supervision data (wellbeing check-ins) and case data (preparation notes, EARS
reflections) live in separate tables, as DESIGN.md's privacy rules ask.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Base of every table; `Base.metadata` is what migrations are compared against."""


class ConversationRow(Base):
    """The one dialog a person has in progress; `version` guards concurrent writers."""

    __tablename__ = "conversations"

    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    dialog: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
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
    answers: Mapped[dict[str, Any]] = mapped_column(Json)
    needs_ad_hoc: Mapped[bool]
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EarsReflectionRow(Base):
    """A completed EARS reflection (case or professional)."""

    __tablename__ = "ears_reflections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    variant: Mapped[str] = mapped_column(String(20))
    case_ref: Mapped[str | None] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(Json)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WellbeingCheckinRow(Base):
    """A private wellbeing check-in; only the keys in `shared` may leave this table."""

    __tablename__ = "wellbeing_checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(Json)
    shared: Mapped[list[str]] = mapped_column(Json)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReceivedMessageRow(Base):
    """Channel message ids already handled, so a redelivered message is answered once."""

    __tablename__ = "received_messages"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
