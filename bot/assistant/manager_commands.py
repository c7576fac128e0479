"""What a supervisor or manager asks in chat: `/session` (record a session held, cancelled
or rebooked) and `/team` (who is due, overdue, on leave, records late, decisions waiting)."""

from __future__ import annotations

from datetime import date, datetime

from bot.assistant.access import Viewer
from bot.assistant.access import below as access_below
from bot.assistant.dates import DateError, read_day, spoken
from bot.assistant.names import counted, name_of
from bot.assistant.sessions import ONCE_HELD, VERBS, SessionChange, SessionError, record_session
from bot.operations.reports.overview import MemberStatus, below, staying, team_overview
from dialogs.messages import Outbound
from policies.assignment import PackAssignment
from storage.audit import AuditEntry
from storage.records import Person
from storage.sql import SqlTransaction
from storage.store import Transaction

SESSION_USAGE = (
    "Write /session held PERSON DATE [CASE-REF], /session cancel PERSON DATE [CASE-REF], "
    "/session rebook PERSON DATE NEW-DATE [CASE-REF], or /session agreement PERSON DATE "
    "(a supervision agreement signed) or /session observation PERSON DATE (a direct "
    "observation held); dates as 2026-11-23 or 23 Nov."
)


def session_command(tx: Transaction, viewer: Viewer, args: list[str], now: datetime) -> Outbound:
    """/session held|cancel|rebook PERSON DATE [NEW-DATE] [CASE-REF]."""
    try:
        change = read_session_change(args, now)
        return Outbound(record_session(tx, viewer, change, now))
    except (DateError, SessionError) as problem:
        return Outbound(str(problem))


def read_session_change(args: list[str], now: datetime) -> SessionChange:
    """The change a `/session` (or `sva session`) asks for; SessionError if it is malformed.
    `/session agreement|observation PERSON DATE` records one held (what the packs'
    agreement and direct-observation rules count)."""
    if len(args) >= 3 and args[0].casefold() in ONCE_HELD:
        day, used = _leading_day(args[2:], now)
        if args[2 + used :]:
            raise SessionError(SESSION_USAGE)
        return SessionChange("held", args[1], day, kind=args[0].casefold())
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


def team_command(
    tx: Transaction,
    asking: Viewer,
    who: str | None,
    now: datetime,
    policies: PackAssignment,
    *,
    go_live: date | None = None,
) -> Outbound:
    """/team [PERSON]: the viewer's span (or a supervisor's below them), by team: who is
    overdue (since when), due soon, on leave, records late, and decisions awaiting
    acknowledgement. The span is the supervisor chain (access: SUPERVISOR, LINE_MANAGER).
    Before `go_live` nothing is overdue, as the sweep chases nothing due before it."""
    if not isinstance(tx, SqlTransaction):
        return Outbound("The team view needs the assistant's database.")
    viewer, on = asking.person_id or "", now.date()
    root = who or viewer
    if root != viewer and not access_below(tx, viewer, root):
        return Outbound(f"{root[:40]} is not someone you supervise or manage.")
    members = staying(tx, below(tx, root))
    if not members:
        whose = "You supervise" if root == viewer else f"{name_of(tx, root)} supervises"
        return Outbound(f"{whose} nobody in the directory, so there is no team to show.")
    _audit_shown(tx, asking, members, now)
    lines = [
        f"{name_of(tx, root)}'s team on {spoken(on)} ({counted(len(members), 'person', 'people')}):"
    ]
    teams = sorted({m.team for m in members})
    for team in teams:
        overview = team_overview(
            tx, [m for m in members if m.team == team], team, on, policies, go_live
        )
        lines.append(f"\n{team}")
        lines += [f"- {member_line(m, on, go_live)}" for m in overview.members]
        for number, case_ref, asked, recorded in overview.awaiting:
            name = overview.names.get(asked, name_of(tx, asked))
            lines.append(
                f"- Decision {number} on {case_ref} awaits acknowledgement by {name} "
                f"(recorded {spoken(recorded)})"
            )
    return Outbound("\n".join(lines))


def member_line(member: MemberStatus, on: date, go_live: date | None = None) -> str:
    """One person on /team: the things a manager acts on first."""
    parts = []
    if member.on_leave_until is not None:
        parts.append(f"on leave until {spoken(member.on_leave_until)}")
    due = member.next_due
    if due is None:
        parts.append("no supervision rule for their role")
    elif go_live is not None and due.due < go_live:  # as the sweep counts it
        state = f"overdue since {spoken(go_live)}" if on > go_live else f"due by {spoken(go_live)}"
        parts.append(
            f"individual supervision {state} (go-live; due by the policy since {spoken(due.due)})"
        )
    elif member.overdue_days > 0:
        days = "day" if member.overdue_days == 1 else "days"
        parts.append(
            f"individual supervision overdue since {spoken(due.due)} ({member.overdue_days} {days})"
        )
    else:
        parts.append(f"individual supervision due by {spoken(due.due)}")
    if member.records_late:
        parts.append(f"{counted(member.records_late, 'record')} late")
    late_cases = [
        c
        for c in member.cases
        if c.overdue_days > 0 and c.due is not None and (go_live is None or on > go_live)
    ]
    if late_cases:
        listed = ", ".join(f"{c.ref} (since {spoken(c.due)})" for c in late_cases if c.due)
        parts.append(f"case supervision overdue: {listed}")
    return f"{member.person.name}: " + "; ".join(parts)


def _audit_shown(tx: SqlTransaction, asking: Viewer, shown: list[Person], now: datetime) -> None:
    """One audit row per person whose supervision status /team showed (as the dashboard's
    team page writes: a read of another person's record)."""
    entries = [
        AuditEntry(
            at=now,
            actor=asking.actor,
            action="read",
            record_kind="team",
            record_id=p.id,
            subject=p.id,
            via=asking.via,
            allowed=True,
        )
        for p in shown
        if p.id != asking.person_id
    ]
    tx.audit_many(entries)
