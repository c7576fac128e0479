"""The supervisee's agenda draft: the pack's standing items filled with what they prepared."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from jinja2 import Environment

from dialogs.conversation import Answer
from dialogs.definition import DialogDefinition
from dialogs.messages import Choice
from dialogs.name_gate import CONFIRMED, confirmed, unconfirmed
from policies.due import NoRule, agreement_due, agreement_since, case_due, individual_due
from policies.intervals import add_months
from policies.packs import AgendaItem, PolicyPack
from policies.subjects import OBSERVATION, SubjectFacts, next_step, subject_due, subjects_for
from storage.records import (
    Action,
    Case,
    CaseEvent,
    Decision,
    Person,
    PrepNote,
    SharedWellbeing,
)


@dataclass(frozen=True, slots=True)
class CaseOnAgenda:
    """One case's preparation notes as they appear on the agenda."""

    case_ref: str
    needs_ad_hoc: bool
    prepared_on: str
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class DueCase:
    """A case due for case supervision by the session date, under the person's pack."""

    case_ref: str
    due: date
    overdue: bool
    rule: str


@dataclass(frozen=True, slots=True)
class AgendaDraft:
    """Everything the agenda template needs; person-entered text is plain data here."""

    council: str
    items: tuple[AgendaItem, ...]
    cases: tuple[CaseOnAgenda, ...]
    wellbeing: tuple[tuple[str, str], ...]
    decisions: tuple[str, ...] = ()
    session_date: date | None = None
    due_cases: tuple[DueCase, ...] = ()
    actions: tuple[Action, ...] = ()
    key_dates: tuple[tuple[date, str], ...] = ()
    overdue_since: date | None = None  # the individual supervision was due then and is overdue
    for_supervisee: bool = True  # False: a supervisor or manager reads it (no "Type /checkin")
    names: Mapping[str, str] = field(default_factory=dict)  # person id -> name, for actions
    whose: str = ""  # the supervisee's name, when someone else reads it ("Sam Worker's")


def compose_agenda(
    *,
    pack: PolicyPack,
    prep_notes: list[PrepNote],
    shared: SharedWellbeing | None,
    prep: DialogDefinition,
    checkin: DialogDefinition,
    decisions: list[Decision] | None = None,
    session_date: date | None = None,
    due_cases: list[DueCase] | None = None,
    actions: list[Action] | None = None,
    items: tuple[AgendaItem, ...] | None = None,
    dates: list[tuple[date, str]] | None = None,
) -> AgendaDraft:
    """Build the draft. Only the wellbeing answers the supervisee chose to share are used."""
    cases = tuple(
        CaseOnAgenda(
            case_ref=note.case_ref,
            needs_ad_hoc=note.needs_ad_hoc,
            prepared_on=note.completed_at.date().isoformat(),
            answers=_labelled(_withheld(pack, note.answers), prep),
        )
        for note in prep_notes
    )
    wellbeing = _labelled(shared.answers, checkin) if shared else ()
    noted = tuple(_decision_line(d, pack) for d in decisions or [])
    due = tuple(sorted(due_cases or [], key=lambda c: (c.due, c.case_ref)))  # most overdue first
    return AgendaDraft(
        pack.council,
        items if items is not None else pack.standing_agenda,
        cases,
        wellbeing,
        noted,
        session_date,
        due,
        tuple(actions or ()),
        tuple(dates or ()),
    )


def cases_due(
    pack: PolicyPack, cases: list[tuple[Case, date | None]], by: date, today: date
) -> list[DueCase]:
    """The cases whose case supervision falls due by `by` (cases without a rule are left out)."""
    due = []
    for case, last in cases:
        try:
            found = case_due(
                pack,
                case.case_type,
                case.risk,
                case.allocated_on,
                last,
                key_worker=case.key_worker,
            )
        except NoRule:
            continue
        if found.due <= by:
            due.append(DueCase(case.ref, found.due, found.overdue_on(today), found.rule))
    return due


def key_dates(
    pack: PolicyPack,
    person: Person,
    today: date,
    horizon_days: int = 92,
    cases: Iterable[Case] = (),
    events: Iterable[CaseEvent] = (),
    next_session: date | None = None,
    supervisor_changed: date | None = None,
    agreed_on: date | None = None,
    observed_on: date | None = None,
) -> list[tuple[date, str]]:
    """Dates known from the person's start date (or their last change of supervisor, for
    the agreement where the pack says so), their cases' allocation and their pack:
    probation reviews, the supervision agreement deadline, and the pack's declared subjects
    (direct observations; case summaries and plan reviews), within the next three months;
    and decisions on their cases still to be discussed (`events`), even when past. The
    agreement date is left out once an agreement is recorded on or after the start, or the
    change of supervisor it is dated from (`agreed_on`); direct observations count from the last one recorded (`observed_on`)."""
    found = subject_dates(pack, person, today, cases, observed_on)
    for month in pack.probation_reviews.months:
        day = add_months(person.started_on, month)
        found.append(
            (
                day,
                f"probation review at the end of month {month} ({pack.probation_reviews.cite.split(':')[0]})",
            )
        )
    agreement = pack.deadlines.agreement
    since = agreement_since(pack, person.started_on, supervisor_changed)
    if agreement.within is not None and not (agreed_on and agreed_on >= since):
        found.append(
            (
                agreement_due(pack, person.started_on, supervisor_changed).due,
                f"supervision agreement in place ({agreement.cite.split(':')[0]})",
            )
        )
    dates = [d for d in found if today <= d[0] <= today + timedelta(days=horizon_days)]
    return sorted(dates + event_dates(pack, events, next_session))


def event_dates(
    pack: PolicyPack, events: Iterable[CaseEvent], next_session: date | None
) -> list[tuple[date, str]]:
    """When each case event (a recorded decision) is due for discussion under the pack."""
    found: list[tuple[date, str]] = []
    for event in events:
        for subject in subjects_for(pack, "event"):
            if subject.event_of == "case" and event.event in subject.events:
                facts = SubjectFacts(event=event.on, next_session=next_session)
                due = subject_due(pack, subject.id, facts).due
                what = f"{event.event.replace('_', ' ')} on {event.on:%a} {event.on.day} {event.on:%b %Y}"
                label = f"{subject.label.lower()} for {event.case_ref}, {what}"
                found.append((due, f"{label} ({_source(subject.cite)})"))
    return found


def overdue_since(pack: PolicyPack, person: Person, last: date | None, today: date) -> date | None:
    """The due date of the person's individual supervision if it is overdue today (the date
    `sva policy due` gives), else None."""
    try:
        due = individual_due(pack, person.role, person.started_on, last)
    except NoRule:
        return None
    return due.due if due.overdue_on(today) else None


def next_session(pack: PolicyPack, person: Person, last: date | None, today: date) -> date:
    """When the person's next individual supervision is due (today at the latest if overdue)."""
    try:
        return max(individual_due(pack, person.role, person.started_on, last).due, today)
    except NoRule:
        return today


def _decision_line(decision: Decision, pack: PolicyPack) -> str:
    state = decision.responses[-1].kind if decision.responses else "awaiting acknowledgement"
    kind = "Advice" if decision.answers.get("recorded_as") == "advice" else "Decision"
    return (
        f"{kind} {decision.id} on {decision.case_ref} ({decision.created_at:%d %b %Y}): "
        f"{_withheld(pack, decision.answers).get('chosen')} [{state}]"
    )


WITHHELD = "[possible name withheld]"


def _withheld(pack: PolicyPack, answers: Mapping[str, Answer]) -> Mapping[str, Answer]:
    """For a council that keeps client names out of notes (`[client_names]`): each word the
    name check flags and the person never confirmed is withheld from the agenda."""
    if pack.client_names is None:
        return answers
    words = confirmed(answers.get(CONFIRMED))

    def mask(text: str) -> str:
        for word in unconfirmed(text, words):
            text = re.sub(rf"(?<![\w']){re.escape(word)}\b", WITHHELD, text)
        return text

    return {
        key: mask(value)
        if isinstance(value, str)
        else [mask(v) for v in value]
        if isinstance(value, list)
        else value
        for key, value in answers.items()
    }


def render_agenda(draft: AgendaDraft, templates: Environment, form: str = "txt") -> str:
    """The draft as plain text ("txt") or Markdown ("md"); every answer is data, never template."""
    values = {f.name: getattr(draft, f.name) for f in fields(draft)}
    return templates.get_template(f"agenda.{form}.j2").render(**values).strip()


def _labelled(
    answers: Mapping[str, Answer], definition: DialogDefinition
) -> tuple[tuple[str, str], ...]:
    """(label, answer) pairs in the dialog's order, leaving out skipped questions."""
    pairs = []
    for prompt in definition.prompts:
        value = answers.get(prompt.key)
        if value is None or value == []:
            continue
        if isinstance(value, list):
            shown = "; ".join(_chosen(prompt.choices, v) for v in value)
        else:
            shown = _chosen(prompt.choices, str(value))
        pairs.append((prompt.label, shown))
    return tuple(pairs)


def _chosen(choices: tuple[Choice, ...], value: str) -> str:
    """A choice's answer as its label (a sentence), not its stored value ("no")."""
    return next((c.label for c in choices if c.value == value), value)


def subject_dates(
    pack: PolicyPack,
    person: Person,
    today: date,
    cases: Iterable[Case],
    observed_on: date | None = None,
) -> list[tuple[date, str]]:
    """The next date of each of the pack's person and case subjects for this person (direct
    observations from the last one recorded, `observed_on`, else the start date)."""
    found: list[tuple[date, str]] = []
    since = observed_on if observed_on and observed_on >= person.started_on else None
    for subject in subjects_for(pack, "person"):
        if not subject.roles or person.role in subject.roles:
            start = since if since and subject.id == OBSERVATION else person.started_on
            step = next_step(subject, start, today)
            if step is not None:
                found.append((step, f"{subject.label.lower()} ({_source(subject.cite)})"))
    for subject in subjects_for(pack, "case"):
        for case in cases:
            if subject.case_types and case.case_type not in subject.case_types:
                continue
            step = next_step(subject, case.allocated_on, today)
            if step is not None:
                found.append(
                    (step, f"{subject.label.lower()} for {case.ref} ({_source(subject.cite)})")
                )
    return found


def _source(cite: str) -> str:
    return cite.split(":")[0]
