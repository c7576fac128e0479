"""Reading the assistant's commands (/prep, /ears, /checkin, /agenda, /help, /cancel).

The same words work on every channel; an adapter only has to hand over the text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from dialogs.definitions.decision import ADVICE

COMMAND_WORDS = (
    "prep", "ears", "checkin", "decision", "decisions", "acknowledge", "dispute", "agenda",
    "record", "rota", "agree", "disagree", "actions", "done", "cancel", "help", "session", "dashboard", "reflections",
    "team",
)  # fmt: skip
AGENDA_EDITS = {"add", "remove", "move", "send", "reset"}
WORD = {"word", "docx"}  # /agenda word, /record sw1 word: a Word file in the chat
CASE_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}")
EARS_VARIANTS = {"case": "ears-case", "professional": "ears-professional"}
HELP = """I help you prepare for supervision. Commands:
/prep CASE-REF: the case preparation tool for one case
/prep CASE-REF adhoc: the same, when you are deciding whether you need ad hoc supervision
/ears case [CASE-REF] or /ears professional: EARS reflection (Signs of Safety)
/checkin: a private wellbeing check-in; you choose what, if anything, to share
/decision CASE-REF: log a management decision made between supervisions
/decision CASE-REF corrects N: a new decision that corrects decision N (nothing is overwritten)
/decision CASE-REF advice: advice and guidance on a case (an assessor's or practice educator's), a case note copied to the manager
/acknowledge N, /dispute N REASON: respond to a decision you were asked to acknowledge
/decisions [CASE-REF]: decisions you recorded or were asked to acknowledge
/agenda: your agenda draft for your next supervision (/agenda PERSON: a supervisee's, with EARS questions)
/agenda word, /record [PERSON] [DATE] word: the same as a Word file (Slack and Teams)
/agenda add TEXT, /agenda remove N, /agenda move N M, /agenda reset: arrange it; /agenda send: send it to your supervisor
/record [PERSON] [DATE]: draft records of a session (yours, or a supervisee's)
/rota: your team's next group supervision sessions and roles
/reflections: read back your saved EARS reflections
/team: for supervisors and managers: who is due, overdue, on leave, records late, decisions waiting
/session held PERSON DATE [CASE-REF], /session cancel PERSON DATE, /session rebook PERSON DATE NEW-DATE: record what happened to a supervision (they are told); /session agreement PERSON DATE, /session observation PERSON DATE: a supervision agreement signed, a direct observation held
/agree DATE, /disagree DATE REASON: respond to the written record of your supervision on DATE
/actions: your open actions from supervision; /done N when action N is done
/dashboard: a one-time link (valid a few minutes) that signs you in to the manager dashboard
/seen: who has seen my records? (reads of your records by anyone else, from the audit trail)
/cancel: stop what you are doing (nothing from it is saved)
/help: this message
Identify children by case reference only, never by name."""


class CommandError(ValueError):
    """A command with missing or malformed arguments; the message says how to write it."""


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command: `name` plus the dialog and context it starts, if it starts one."""

    name: str
    dialog: str | None = None
    context: dict[str, str] = field(default_factory=dict)


MAX_RECORD_ID = 2**31 - 1


def parse_command(text: str) -> Command | None:
    """The command in `text`, None if `text` is not a command, or CommandError."""
    words = text.strip().split()
    if not words or not words[0].startswith("/"):
        return None
    name, args = words[0][1:].casefold(), words[1:]
    if name == "prep":
        return _prep(args)
    if name == "ears":
        return _ears(args)
    if name == "decision":
        return _decision(args)
    if name in {"acknowledge", "dispute"}:
        return _response(name, args)
    if name in {"agree", "disagree"}:
        return _record_response(name, args)
    if name == "decisions":
        if len(args) > 1:
            raise CommandError("Write /decisions or /decisions CASE-REF.")
        return Command("decisions", context={"case_ref": _case_ref(args[0])} if args else {})
    if name == "done":
        if len(args) == 1 and _too_big(args[0]):
            raise CommandError(f"There is no action {args[0]}.")
        if len(args) != 1 or record_id(args[0]) is None:
            raise CommandError("Write /done N, with N the action's number (see /actions).")
        return Command("done", context={"id": str(record_id(args[0]))})
    if name in {"agenda", "record"}:
        return _view(name, args)
    if name == "session":
        return Command("session", context={"args": " ".join(args)})
    if name == "team":
        if len(args) > 1:
            raise CommandError("Write /team, or /team PERSON for one supervisor's team.")
        return Command("team", context={"person": args[0]} if args else {})
    if name in {
        "checkin",
        "help",
        "cancel",
        "back",
        "skip",
        "rota",
        "actions",
        "dashboard",
        "seen",
        "reflections",
    }:
        if args:
            raise CommandError(f"/{name} takes nothing after it.")
        return Command(name, dialog="checkin" if name == "checkin" else None)
    guess = difflib.get_close_matches(name, COMMAND_WORDS, n=1, cutoff=0.6)
    hint = f" Did you mean /{guess[0]}?" if guess else ""
    raise CommandError(
        f"I don't know the command /{name[:30]}.{hint} Type /help to see what I can do."
    )


def record_id(word: str) -> int | None:
    """A record number as typed (decision, action), or None if it cannot be one: only ASCII
    digits, and within the database's integer range (PostgreSQL's INTEGER stops at 2**31 - 1;
    a bigger number would fail in the database instead of being answered)."""
    if not (word.isascii() and word.isdecimal()) or len(word) > 10:
        return None
    number = int(word)
    return number if 0 < number <= MAX_RECORD_ID else None


def _too_big(word: str) -> bool:
    return word.isascii() and word.isdecimal() and int(word) > MAX_RECORD_ID


def _prep(args: list[str]) -> Command:
    if not args or len(args) > 2 or (len(args) == 2 and args[1].casefold() != "adhoc"):
        raise CommandError("Write /prep CASE-REF, or /prep CASE-REF adhoc, e.g. /prep CR-1234.")
    variant = "adhoc" if len(args) == 2 else "scheduled"
    return Command(
        "prep", dialog="prep", context={"case_ref": _case_ref(args[0]), "variant": variant}
    )


def _ears(args: list[str]) -> Command:
    if not args or args[0].casefold() not in EARS_VARIANTS or len(args) > 2:
        raise CommandError("Write /ears case [CASE-REF] or /ears professional.")
    variant = args[0].casefold()
    context = {"variant": variant}
    if len(args) == 2:
        if variant != "case":
            raise CommandError(
                "/ears professional is about your practice, not one case: write it alone."
            )
        context["case_ref"] = _case_ref(args[1])
    return Command("ears", dialog=EARS_VARIANTS[variant], context=context)


def _decision(args: list[str]) -> Command:
    usage = (
        "Write /decision CASE-REF, /decision CASE-REF corrects N to correct decision N, or "
        "/decision CASE-REF advice for advice and guidance copied to the manager."
    )
    if len(args) == 2 and args[1].casefold() == "advice":
        return Command(
            "decision", dialog="decision", context={"case_ref": _case_ref(args[0]), ADVICE: "yes"}
        )
    if len(args) == 3 and _too_big(args[2]):
        raise CommandError(f"There is no decision {args[2]} to correct.")
    if len(args) not in (1, 3) or (
        len(args) == 3 and (args[1].casefold() != "corrects" or record_id(args[2]) is None)
    ):
        raise CommandError(usage)
    context = {"case_ref": _case_ref(args[0])}
    if len(args) == 3:
        context["corrects"] = str(record_id(args[2]))
    return Command("decision", dialog="decision", context=context)


def _response(name: str, args: list[str]) -> Command:
    if args and _too_big(args[0]):
        raise CommandError(f"There is no decision {args[0]}.")
    if not args or record_id(args[0]) is None or (name == "acknowledge" and len(args) > 1):
        raise CommandError(
            "Write /acknowledge N, or /dispute N REASON, with N the decision's number."
        )
    if name == "dispute" and len(args) < 2:
        raise CommandError(
            "Say why you disagree: /dispute N REASON. A disagreement is recorded, never overwritten."
        )
    return Command(name, context={"id": str(record_id(args[0])), "text": " ".join(args[1:])})


def _view(name: str, args: list[str]) -> Command:
    """/agenda [PERSON] and /record [PERSON] [YYYY-MM-DD]: your own, or a supervisee's; and
    /agenda add TEXT | remove N | move N M | send | reset to arrange your own."""
    if name == "agenda" and args and args[0].casefold() in AGENDA_EDITS:
        return Command(
            "agenda-edit", context={"op": args[0].casefold(), "args": " ".join(args[1:])}
        )
    usage = (
        f"Write /{name}, or /{name} PERSON for a supervisee"
        + (" (and a session date YYYY-MM-DD)" if name == "record" else "")
        + "; add word for a Word file."
    )
    word = bool(args) and args[-1].casefold() in WORD
    args = args[:-1] if word else args
    if len(args) > (2 if name == "record" else 1) or any(len(a) > 200 for a in args):
        raise CommandError(usage)
    context = {"person": args[0]} if args else {}
    if word:
        context["format"] = "docx"
    if len(args) == 2:
        try:
            context["date"] = date.fromisoformat(args[1]).isoformat()
        except ValueError:
            raise CommandError(usage) from None
    return Command(name, context=context)


def _record_response(name: str, args: list[str]) -> Command:
    usage = "Write /agree YYYY-MM-DD, or /disagree YYYY-MM-DD REASON, with the date of the session."
    try:
        day = date.fromisoformat(args[0]) if args else None
    except ValueError:
        day = None
    if day is None or (name == "agree" and len(args) > 1) or (name == "disagree" and len(args) < 2):
        raise CommandError(usage)
    return Command(name, context={"date": day.isoformat(), "text": " ".join(args[1:])})


def _case_ref(text: str) -> str:
    if not CASE_REF.fullmatch(text):
        raise CommandError(
            "A case reference is 1 to 40 letters, digits and - / _ . starting with a letter or "
            "digit, e.g. CR-1234. Children are identified by case reference only, never by name."
        )
    return text
