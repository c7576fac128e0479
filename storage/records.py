"""What storage hands back to the rest of the assistant: plain, frozen records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

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


@dataclass(frozen=True, slots=True)
class Person:
    """A member of staff, as imported. `chat` lists (channel, channel user id) pairs;
    `access` is "qa" for a quality-assurance reader (bot/assistant/access.py)."""

    id: str
    name: str
    role: str
    team: str
    policy: str | None
    supervisor_id: str | None
    started_on: date
    case_holding: bool
    chat: tuple[tuple[str, str], ...] = ()
    access: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """An open case, identified by reference only."""

    ref: str
    worker_id: str
    case_type: str
    risk: str
    allocated_on: date
    # False: the worker is involved in the case but is not its key worker or lead
    # professional (Manchester 3.1 gives those cases their own frequency).
    key_worker: bool = True


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """Something that happened on a case that a pack may want discussed in supervision
    (a closure, transfer, child protection or legal planning decision), from a recorded
    management decision or a case import; by case reference only."""

    case_ref: str
    worker_id: str
    event: str
    on: date


@dataclass(frozen=True, slots=True)
class SupervisorChange:
    """A person's supervisor changed on `on` (from a people import): a new supervision
    agreement may be due (Somerset 7.2) and the records pass to the new supervisor."""

    person_id: str
    on: date
    previous: str | None
    supervisor_id: str | None


@dataclass(frozen=True, slots=True)
class Session:
    """A supervision session. Group sessions have no supervisee; their team is the
    supervisor's team."""

    kind: str
    date: dt.date
    supervisee_id: str | None
    supervisor_id: str
    case_ref: str | None
    status: str
    recorded_on: dt.date | None = None
    signed_off_on: dt.date | None = None

    @property
    def key(self) -> str:
        """The natural key a re-import updates by."""
        who = self.supervisee_id if self.kind != "group" else self.supervisor_id
        return f"{self.kind}|{self.date.isoformat()}|{who}|{self.case_ref or ''}"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A reminder waiting in the outbox."""

    key: str
    person_id: str
    kind: str
    case_ref: str | None
    due: date
    text: str


@dataclass(frozen=True, slots=True)
class DecisionResponse:
    person_id: str
    kind: str  # "acknowledged" or "disputed"
    text: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """A recorded management decision with every response to it, oldest first."""

    id: int
    case_ref: str
    recorded_by: str
    acknowledge_by: str | None
    answers: Mapping[str, Answer]
    corrects_id: int | None
    created_at: datetime
    responses: tuple[DecisionResponse, ...] = ()


@dataclass(frozen=True, slots=True)
class RotaEntry:
    """A stored group supervision session of a team."""

    team: str
    date: dt.date
    roles: Mapping[str, str | None]
    case_ref: str | None


@dataclass(frozen=True, slots=True)
class Action:
    """An action from supervision (owner, what, why, by when), open until closed."""

    id: int
    supervisee_id: str
    case_ref: str | None
    owner: str
    what: str
    why: str
    due: dt.date | None
    closed_by: str | None = None


@dataclass(frozen=True, slots=True)
class AgendaEdits:
    """How a supervisee has arranged their agenda: item keys in order ("s3" is the pack's third
    standing item, "o1" their first own item), their own items, and what they last sent."""

    person_id: str
    order: tuple[str, ...]
    own_items: tuple[str, ...]
    sent_text: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Reflection:
    """A saved EARS reflection, read back by the person who wrote it."""

    variant: str  # "case" or "professional"
    case_ref: str | None
    answers: Mapping[str, Answer]
    completed_at: datetime
