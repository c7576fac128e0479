"""A person's home page (Slack's App Home; /home elsewhere): next supervision, cases due,
open actions and their agenda draft."""

from __future__ import annotations

from dataclasses import dataclass

from bot.assistant.service import Assistant
from policies.agenda import render_agenda


@dataclass(frozen=True, slots=True)
class Home:
    next_supervision: str
    cases_due: tuple[str, ...]
    actions: tuple[str, ...]
    agenda: str


async def home_of(assistant: Assistant, person_id: str) -> Home:
    """The home page of `person_id`, from their current agenda draft."""
    draft = await assistant.current_agenda(person_id)
    session = draft.session_date
    return Home(
        next_supervision=(
            f"{session:%A} {session.day} {session:%B %Y}" if session else "not known yet"
        ),
        cases_due=tuple(
            f"{c.case_ref}: {'overdue since' if c.overdue else 'due by'} "
            f"{c.due:%d %b %Y} ({c.rule})"
            for c in draft.due_cases
        ),
        actions=tuple(
            f"{a.id}. {a.what}" + (f" (by {a.due:%d %b %Y})" if a.due else "")
            for a in draft.actions
        ),
        agenda=render_agenda(draft, assistant.templates),
    )
