"""What a supervisor or manager asks in chat: `/session` (record a session held, cancelled
or rebooked) and `/team` (who is due, overdue, on leave, records late, decisions waiting)."""

from __future__ import annotations

from datetime import date, datetime

from bot.assistant.dates import DateError, read_day
from bot.assistant.sessions import VERBS, SessionChange, SessionError, record_session
from dialogs.messages import Outbound
from storage.store import Transaction

SESSION_USAGE = (
    "Write /session held PERSON DATE [CASE-REF], /session cancel PERSON DATE [CASE-REF], or "
    "/session rebook PERSON DATE NEW-DATE [CASE-REF]; dates as 2026-11-23 or 23 Nov."
)


def session_command(tx: Transaction, actor: str, args: list[str], now: datetime) -> Outbound:
    """/session held|cancel|rebook PERSON DATE [NEW-DATE] [CASE-REF]."""
    try:
        change = read_session_change(args, now)
        return Outbound(record_session(tx, actor, change, now))
    except (DateError, SessionError) as problem:
        return Outbound(str(problem))


def read_session_change(args: list[str], now: datetime) -> SessionChange:
    """The change a `/session` (or `sva session`) asks for; SessionError if it is malformed."""
    if len(args) < 3 or args[0].casefold() not in VERBS:
        raise SessionError(SESSION_USAGE)
    verb, person, rest = VERBS[args[0].casefold()], args[1], args[2:]
    day, used = _leading_day(rest, now)
    rest = rest[used:]
    new_day = None
    if verb == "rebooked":
        if not rest:
            raise SessionError(SESSION_USAGE)
        new_day, used = _leading_day(rest, now)
        rest = rest[used:]
    if len(rest) > 1:
        raise SessionError(SESSION_USAGE)
    return SessionChange(verb, person, day, rest[0] if rest else None, new_day)


def _leading_day(words: list[str], now: datetime) -> tuple[date, int]:
    """The date at the start of `words` ("2026-11-23", or "23 Nov", or "23 Nov 2026") and how
    many words it took."""
    for size in (3, 2, 1):
        if len(words) >= size:
            try:
                return read_day(" ".join(words[:size]), now.date()), size
            except DateError:
                continue
    raise DateError(f"'{words[0][:40] if words else ''}' is not a date: write e.g. 2026-11-23.")
