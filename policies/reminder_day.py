"""The vocabulary of the reminder sweep: reminders, the day being swept, its snapshot, and
the helpers every reminder rule shares (wording of dates, gathering escalations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from policies.assignment import PackAssignment
from policies.due import Due
from policies.packs import PolicyPack
from storage.records import Case, CaseEvent, Person, RotaEntry, Session, SupervisorChange


@dataclass(frozen=True, slots=True)
class Reminder:
    """One thing one person should do; `key` is unique per (person, subject, due date)."""

    to: str
    kind: str
    subject: str
    case_ref: str | None
    due: date
    overdue: bool
    text: str

    @property
    def key(self) -> str:
        return f"{self.to}|{self.kind}|{self.subject}|{iso(self.due)}"


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """How far ahead to remind, and when to escalate (None: the pack's own figure)."""

    ahead_days: int = 5
    escalate_after_days: int | None = None
    presenter_notice_days: int = 5  # working days before a group session the presenter is told
    agenda_notice_days: int = 2  # working days before a supervision the supervisor gets the agenda
    go_live: date | None = None  # nothing is chased as due before this day (a new deployment)


@dataclass
class Snapshot:
    """Everything the sweep reads, loaded once."""

    people: Mapping[str, Person]
    cases: Iterable[tuple[Case, date | None]]  # each open case with its last held supervision
    last_individual: Mapping[str, date]
    last_group: Mapping[str, date]
    open_records: list[Session]
    cancellations: list[Session]
    on_leave: set[str]
    rota: list[RotaEntry] = field(default_factory=list)  # group sessions of the coming weeks
    sent_agendas: Mapping[str, str] = field(default_factory=dict)  # person: agenda text they sent
    # Case events (decisions) not yet followed by a case supervision of the case.
    case_events: Iterable[CaseEvent] = ()
    # The open cases of people whose pack declares case subjects (case summaries, plan
    # reviews): those are scheduled from allocation, whenever the case was last supervised.
    subject_cases: Iterable[Case] = ()
    # Changes of supervisor recorded by people imports, oldest first.
    supervisor_changes: Iterable[SupervisorChange] = ()
    # Leave periods (person, first day, last day) running on the day or starting soon.
    absences: Iterable[tuple[str, date, date]] = ()
    # Cancelled sessions (by key) cancelled through sickness, with the return to work if known.
    sickness: Mapping[str, date | None] = field(default_factory=dict)
    # Each person's last recorded direct observation: their observations count from it.
    last_observation: Mapping[str, date] = field(default_factory=dict)
    # Each person's last recorded supervision agreement: an agreement due since is in place.
    last_agreement: Mapping[str, date] = field(default_factory=dict)


@dataclass
class Sweep:
    """The reminders of one day, and what could not be computed (counted by reason)."""

    reminders: list[Reminder] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)


@dataclass
class Day:
    on: date
    settings: ReminderSettings
    people: Mapping[str, Person]
    policies: PackAssignment
    sweep: Sweep
    overdue: dict[tuple[str, str, str], Overdue] = field(default_factory=dict)

    def counted(self, due: Due) -> Due:
        """The due date the sweep chases: never before go-live, so a first sweep after an
        import does not chase (or escalate) years of history nobody recorded."""
        go_live = self.settings.go_live
        if go_live is None or due.due >= go_live:
            return due
        return Due(go_live, due.rule, due.cite)

    def soon(self, due: Due) -> bool:
        return due.due <= self.on + timedelta(days=self.settings.ahead_days)

    def escalates(self, due: Due, pack: PolicyPack) -> bool:
        limit = self.settings.escalate_after_days or pack.escalate_after_days
        return (self.on - due.due).days > limit

    def name(self, person_id: str | None) -> str:
        person = self.people.get(person_id or "")
        return person.name if person else (person_id or "unknown")

    def manager_of(self, person_id: str | None) -> str | None:
        person = self.people.get(person_id or "")
        return person.supervisor_id if person else None


def when(due: Due, on: date) -> str:
    text = day_name(due.due)
    return f"is overdue (it was due {text})" if due.overdue_on(on) else f"is due by {text}"


@lru_cache(maxsize=4096)
def iso(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=4096)  # strftime is slow, and a sweep names the same few hundred days
def day_name(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@dataclass
class Overdue:
    """Items a supervisor owes that are overdue beyond the pack's limit, for one manager."""

    count: int
    oldest: date
    limit: int


def escalate(day: Day, pack: PolicyPack, due: Due, what: str, owner: str | None) -> None:
    """Note, for the owner's own manager, something overdue by more than the pack allows.

    Escalations are gathered per (manager, supervisor, kind) and sent as one line: a head of
    service wants "12 case supervisions in Tom's team are overdue", not twelve lines.
    """
    manager = day.manager_of(owner)
    if owner and manager and day.escalates(due, pack):
        found = day.overdue.get((manager, owner, what))
        if found is None:
            limit = day.settings.escalate_after_days or pack.escalate_after_days
            day.overdue[(manager, owner, what)] = Overdue(1, due.due, limit)
        else:
            found.count += 1
            found.oldest = min(found.oldest, due.due)


def escalations(day: Day) -> Iterator[Reminder]:
    for (manager, owner, what), overdue in sorted(day.overdue.items()):
        items = f"1 {what}" if overdue.count == 1 else f"{overdue.count} {what}s"
        text = (
            f"Escalation: {items} owed by {day.name(owner)} {'is' if overdue.count == 1 else 'are'} "
            f"more than {overdue.limit} days overdue (the oldest was due {day_name(overdue.oldest)})."
        )
        yield Reminder(manager, "escalation", f"{owner}/{what}", None, overdue.oldest, True, text)
