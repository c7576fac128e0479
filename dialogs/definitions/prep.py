"""The case supervision preparation tool, for one case reference.

Source: Central Bedfordshire supervision policy, appendix 4 "Case supervision preparation
tool" (taken from the Research in Practice reflective supervision resource pack, 2017), and
the child's-voice questions from the same policy's tips for supervisors.
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.conversation import Conversation
from dialogs.definition import AnswerKind, DialogDefinition, Prompt, Route
from dialogs.messages import Choice
from dialogs.names import name_checked

TOOL = "Central Bedfordshire policy, appendix 4 (case supervision preparation tool)"
CHILD_VOICE = "Central Bedfordshire policy, tips for supervisors (the child's voice)"
PREPARATION = (
    "Central Bedfordshire policy, preparation for case supervisions "
    "(supervisees should be clear about key dates / appointments on their cases)"
)
HOLD = "hold"


def _is_ad_hoc(c: Conversation) -> bool:
    return c.context.get("variant") == "adhoc"


def _decided(c: Conversation) -> bool:
    return c.answers.get("decided") is not None


def needs_ad_hoc(c: Conversation) -> Mapping[str, bool]:
    """An ad hoc preparation is flagged unless 1-3 were answered and the case can be held."""
    flagged = _is_ad_hoc(c) and (not _decided(c) or c.answers.get(HOLD) == "no")
    return {"needs_ad_hoc": flagged}


def closing(c: Conversation) -> str:
    case_ref = c.context["case_ref"]
    text = f"Saved your preparation for {case_ref}. It will be on your next supervision agenda (/agenda)."
    if needs_ad_hoc(c)["needs_ad_hoc"]:
        text += f"\nI have flagged {case_ref} for an ad hoc discussion with your supervisor."
    return text


PREP = DialogDefinition(
    name="prep",
    title="case preparation",
    intro=(
        "Case preparation. Answer statements 1–3 in note form; if you can't answer 3 yet, "
        "skip it and try to answer 4. Use the case reference only: please don't name the "
        "child or family. Type help at any time."
    ),
    prompts=name_checked(
        Prompt(
            "worrying",
            "What is worrying me",
            "1. This is what is worrying me and/or others for the child:",
            cite=TOOL,
        ),
        Prompt(
            "working_well", "What is working well", "2. This is what is working well:", cite=TOOL
        ),
        Prompt(
            "decided",
            "What I have decided to do",
            "3. This is what I have decided to do:\n(If you can't answer this yet, skip it and try to answer 4.)",
            optional=True,
            cite=TOOL,
        ),
        Prompt(
            "support",
            "Support I am asking for",
            "4. This is the issue that I am asking support with today:",
            # "If you can't respond to statement 3, try to respond to number 4": 4 is needed
            # when 3 was skipped, and may be skipped when 3 was answered.
            optional_when=_decided,
            cite=TOOL,
        ),
        Prompt(
            HOLD,
            "Can hold the case until the next supervision",
            "You have answered 1–3. Do you now feel you can hold the case until your next scheduled supervision?",
            kind=AnswerKind.CHOICE,
            choices=(
                Choice("Yes: I can hold the case until my next scheduled supervision", "yes"),
                Choice("No: I need ad hoc supervision before then", "no"),
            ),
            cite=TOOL,
        ),
        Prompt(
            "key_dates",
            "Key dates and appointments",
            "Key dates and appointments on this case: visits, meetings, reviews, court dates. What is coming up?",
            optional=True,
            cite=PREPARATION,
        ),
        Prompt(
            "child_thinks",
            "What the child thinks",
            "What does the child think about what is happening to them at the moment?",
            optional=True,
            cite=CHILD_VOICE,
        ),
        Prompt(
            "child_wants",
            "What the child wants",
            "What do they want to happen?",
            optional=True,
            cite=CHILD_VOICE,
        ),
        Prompt(
            "not_what_child_wants",
            "Why not what the child wants",
            "If a decision is not to do what the child wants, what is the rationale?",
            optional=True,
            cite=CHILD_VOICE
            + " (record the rationale behind any decision not to do what the child wants)",
        ),
    ),
    routes={
        # Only someone considering ad hoc supervision who could answer 1-3 is asked whether
        # they can hold the case. Statements 1-4 always come first, so the summary's numbers
        # 1-4 are the tool's own statements.
        "support": (
            Route(HOLD, lambda c: _decided(c) and _is_ad_hoc(c)),
            Route("key_dates", lambda c: True),
        ),
    },
    closing=closing,
    flags=needs_ad_hoc,
    source=TOOL,
)
