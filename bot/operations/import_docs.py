"""What each import file holds: columns, allowed values and an example (for `--help`, and
kept in step with the README's "Importing people, cases and sessions")."""

from __future__ import annotations

from bot.operations.import_spellings import ABBREVIATIONS
from policies.vocabulary import CaseType, Risk, Role


def _values(allowed: type[Role] | type[CaseType] | type[Risk]) -> str:
    return ", ".join(v.value for v in allowed)


def _also(allowed: type[Role] | type[CaseType] | type[Risk]) -> str:
    values = {v.value for v in allowed}
    known = [f"{k.upper()}={v}" for k, v in ABBREVIATIONS.items() if v in values and "_" not in k]
    return f" Also read: {', '.join(known)}." if known else ""


SPELLING = (
    "Case, spaces and hyphens do not matter ('Team Manager' is team_manager); the import says "
    "what any other spelling was read as."
)

PEOPLE = f"""Import people (one row per member of staff) from a CSV file with a header row.

id: your id for the person, e.g. sw1 (used by --as, /agenda PERSON and the other files).

name: as people read it, e.g. Sam Worker.

role: one of {_values(Role)}, or a role the person's council pack declares under \\[terms]
(`sva policy show PACK`).{_also(Role)} {SPELLING}

team: the team's name, e.g. Team A (a team's pack can be set in the configuration).

policy: the council pack (see `sva policy list`), or empty for the team's or the default.

supervisor_id: the id of their supervisor, in this file or an earlier import; empty for none.

started_on: YYYY-MM-DD, when they started in post (probation and first supervision count from it).

case_holding: true or false.

chat: slack:U123, telegram:4567, teams:<aad object id>, console:alice; several joined by ';'.

access (optional column): qa for a quality-assurance reader; empty otherwise.

last_supervised (optional column): YYYY-MM-DD of their last individual supervision before
the assistant, so the first sweep counts from it (needs supervisor_id).

supervisor_since (optional column): YYYY-MM-DD the person's supervisor last changed. A
re-import that gives someone another supervisor_id records a change of supervisor on this
day, or on the import day when empty (a new supervision agreement may then fall due).

Example:

id,name,role,team,policy,supervisor_id,started_on,case_holding,chat,last_supervised
tm1,Tom Manager,team_manager,Team A,southwark,,2018-01-01,false,slack:U01,2026-11-10
sw1,Sam Worker,Social Worker,Team A,southwark,tm1,2020-01-01,true,slack:U02,2026-11-16
"""

CASES = f"""Import open cases (one row per case, by reference only: never a child's name).

ref: the case reference, e.g. CR-1234 (letters, digits and - / _ .).

worker_id: the id of the allocated worker (imported first).

case_type: one of {_values(CaseType)}, or a case type the worker's council pack declares
under \\[terms] (e.g. Central Bedfordshire's parent_carer_needs_assessment); each case is
checked against its worker's pack.{_also(CaseType)} {SPELLING}

risk: one of {_values(Risk)} (anything else, e.g. medium, is refused).

allocated_on: YYYY-MM-DD.

last_supervised (optional column): YYYY-MM-DD of the case's last case supervision before the
assistant.

event, event_on (optional columns): a decision on the case the worker's pack wants discussed
in supervision, and its day (YYYY-MM-DD): e.g. closure, transfer, child_protection_decision,
legal_planning_decision (Bexley); each is checked against the worker's pack.

key_worker (optional column): false when the worker is involved in the case but is not its key
worker or lead professional (Manchester gives those cases their own frequency); empty or true
otherwise.

Example:

ref,worker_id,case_type,risk,allocated_on,last_supervised
CR-1234,sw1,CIN,standard,2026-03-01,2026-11-02
"""

SESSIONS = """Import past and booked supervision sessions.

kind: individual, case, group, agreement (a supervision agreement signed on the date) or
observation (a direct observation of the supervisee's practice held on the date).

date: YYYY-MM-DD.

supervisee_id: the supervisee (empty for group sessions).

supervisor_id: who supervised (for group sessions: who ran it; their team is the group).

case_ref: the case, for case sessions only.

status: held, cancelled or booked (agreement and observation: held).

recorded_on, signed_off_on (optional columns): YYYY-MM-DD when the record was written and
agreed.

reason, returned_on (optional columns): reason sickness for a session cancelled through
sickness, and returned_on the YYYY-MM-DD the person returned to work. Where the pack says so
(Central Bedfordshire) the rebooking counts from the return, and waits while it is empty.

Example:

kind,date,supervisee_id,supervisor_id,case_ref,status,recorded_on,signed_off_on
individual,2026-11-16,sw1,tm1,,held,2026-11-17,2026-11-18
case,2026-11-02,sw1,tm1,CR-1234,held,,
agreement,2026-01-12,sw1,tm1,,held,,
observation,2026-10-20,sw1,tm1,,held,,
"""
