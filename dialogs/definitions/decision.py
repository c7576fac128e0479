"""Logging an ad hoc management decision between supervisions, defensibly.

Sources: Bexley Standard Four (presenting issues, outcome of previous decisions, options,
option chosen, rationale, disagreement; recorded by the most senior person present);
Southwark 1.6 ("recorded as a Managers Decision in case notes"); Manchester 1.1.2 (the manager
ensures unscheduled decisions are recorded); Somerset 8.12 ("Managers Decisions and Actions"
case note); Central Bedfordshire (each action with why; has the child been seen, and what do
they want).
"""

from __future__ import annotations

from dialogs.conversation import Conversation
from dialogs.definition import AnswerKind, DialogDefinition, Prompt, Route
from dialogs.messages import Choice
from dialogs.names import name_checked

BEXLEY = "Bexley policy, Standard Four: recording (defensible decisions)"
EVENTS = "case_events"  # context: the case events the person's pack follows, comma-joined
ADVICE = "advice"  # context: advice and guidance (a case note copied to the manager)
NO_EVENT = Choice("None of these", "none")
CHILD = "Central Bedfordshire policy, tips (the child's voice) and recording analysis"


def options(c: Conversation, definition: DialogDefinition) -> tuple[Choice, ...]:
    """The options the person listed, to choose the one decided on."""
    listed = c.answers.get("options")
    if not isinstance(listed, list):
        return ()
    return tuple(Choice(text if len(text) <= 60 else text[:59] + "…", text) for text in listed)


def events(c: Conversation, definition: DialogDefinition) -> tuple[Choice, ...]:
    """The case events the person's pack wants discussed in supervision, and "none"."""
    offered = [e for e in c.context.get(EVENTS, "").split(",") if e]
    return (*(Choice(e.replace("_", " ").capitalize(), e) for e in offered), NO_EVENT)


def closing(c: Conversation) -> str:
    if c.context.get(ADVICE):
        return (
            f"Saved your advice on {c.context['case_ref']} as a case note. The manager you named "
            "is asked to acknowledge it; management decisions stay with them."
        )
    corrects = f", correcting decision {c.context['corrects']}" if c.context.get("corrects") else ""
    return (
        f"Decision on {c.context['case_ref']} recorded{corrects}. It will be on the next agenda "
        "and can be exported as a case note for the child's record."
    )


DECISION = DialogDefinition(
    name="decision",
    title="management decision",
    intro=(
        "Management decision between supervisions. The most senior person present records it. "
        "Use the case reference only: no child or family names. Type help at any time."
    ),
    prompts=name_checked(
        Prompt(
            "presenting",
            "Presenting issue",
            "What is the presenting issue? What has changed?",
            cite=BEXLEY,
        ),
        Prompt(
            "event",
            "Kind of decision",
            "Is this one of the decisions your policy wants discussed in supervision before or "
            "just after it is made? It will be on the agenda until the case is discussed.",
            kind=AnswerKind.CHOICE,
            choices_from=events,
            cite="Bexley policy, Standard Three (lines 102-103): closure, transfer, child "
            "protection or legal planning decisions discussed in supervision",
        ),
        Prompt(
            "previous",
            "Previous decisions and actions",
            "What happened to the previous decisions and actions on this case?",
            optional=True,
            cite=BEXLEY,
        ),
        Prompt(
            "options",
            "Options considered",
            "What options were considered? One option per message.",
            kind=AnswerKind.LOOP,
            cite=BEXLEY,
        ),
        Prompt(
            "chosen",
            "Option chosen",
            "Which option was chosen?",
            kind=AnswerKind.CHOICE,
            choices_from=options,
            cite=BEXLEY,
        ),
        Prompt(
            "rationale", "Rationale", "Why was this option chosen? Give the rationale.", cite=BEXLEY
        ),
        Prompt(
            "disagreement",
            "Disagreement and how it will be resolved",
            "Was there any disagreement? If so, what was it, and how will it be resolved or escalated?",
            optional=True,
            cite=BEXLEY
            + "; Manchester 2.1 (disagreements recorded with how they will be resolved)",
        ),
        Prompt(
            "actions",
            "Actions (who, what, why, by when)",
            "Actions: who will do what, why, and by when? One action per message.",
            kind=AnswerKind.LOOP,
            optional=True,
            cite=CHILD,
        ),
        Prompt(
            "child_seen",
            "Child seen",
            "Has the child been seen?",
            kind=AnswerKind.CHOICE,
            choices=(Choice("Yes", "yes"), Choice("No", "no"), Choice("Not applicable", "n/a")),
            cite=CHILD,
        ),
        Prompt(
            "child_wants",
            "What the child wants",
            "What does the child want to happen? If the decision is not what they want, why not?",
            optional=True,
            cite=CHILD,
        ),
        Prompt(
            "consulted",
            "Present or consulted",
            "Who else was present or consulted (staff and professionals)?",
            optional=True,
            cite="Bexley policy, informal supervision (lines 203-208)",
        ),
        Prompt(
            "acknowledge_by",
            "To acknowledge",
            "Who should acknowledge this decision? Give their person id (e.g. the allocated worker or your manager).",
            cite="Bexley policy, Standard Four (signed by both parties)",
        ),
    ),
    routes={
        # Asked only where the person's pack follows case events (the service says which).
        "presenting": (
            Route("previous", lambda c: not c.context.get(EVENTS) or bool(c.context.get(ADVICE))),
        ),
    },
    closing=closing,
    source=BEXLEY,
)
