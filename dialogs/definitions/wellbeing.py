"""The private wellbeing check-in.

Sources: Manchester supervision policy, appendix F "Personal supervision guidance";
Southwark standing agenda item 1 (check-in) and Standard 7 (employee assistance programme,
occupational health). Answers are private: only what the person picks at the end is shared.
"""

from __future__ import annotations

from dialogs.conversation import Answer, Conversation
from dialogs.definition import AnswerKind, DialogDefinition, DialogSettings, Prompt
from dialogs.messages import Choice

PERSONAL = "Manchester policy, appendix F (personal supervision guidance)"
CHECK_IN = "Southwark policy, standing agenda item 1 (check-in)"
LOCAL_SCALE = (
    "Local addition: no seed has a wellbeing scale. It is optional and used only to offer the "
    "council's signposting (Southwark policy, Standard 7: employee assistance programme, "
    "occupational health)"
)
CUT_OFF = "; the seed's text is cut off here and completed in its spirit"
SHARE_KEY = "share"


def low_score_signposting(answer: Answer, settings: DialogSettings) -> str | None:
    """Signposting after a low score; the assistant is not a crisis service and says so."""
    if not isinstance(answer, int) or answer > settings.low_wellbeing_score:
        return None
    return (
        "Thank you for telling me. It may help to talk to your supervisor about how things are; "
        "you can choose to share this at the end of the check-in.\n"
        f"{settings.signposting}\n"
        "I am an assistant for supervision, not a support or crisis service."
    )


def shareable(c: Conversation, definition: DialogDefinition) -> tuple[Choice, ...]:
    """Every question the person answered, as something they may choose to share."""
    return tuple(
        Choice(p.label, p.key) for p in definition.prompts if c.answers.get(p.key) is not None
    )


def closing(c: Conversation) -> str:
    shared = c.answers.get(SHARE_KEY)
    if not isinstance(shared, list) or not shared:
        return "Saved privately. Nothing from this check-in is shared with your supervisor."
    return f"Saved. {len(shared)} item(s) will go on your agenda; everything else stays private."


WELLBEING = DialogDefinition(
    name="checkin",
    title="wellbeing check-in",
    intro=(
        "Wellbeing check-in. This is private: your answers stay with you, and nothing goes to "
        "your supervisor unless you choose to share it at the end. Every question is voluntary: "
        "type skip to leave any of them. Type help at any time."
    ),
    prompts=(
        Prompt(
            "pressures",
            "What is making work harder",
            "Is anything making your life at work more difficult right now? Personal, external or organisational?",
            optional=True,
            cite=PERSONAL,
        ),
        Prompt(
            "sickness",
            "Sickness",
            "Sickness: is there anything about your health or sickness absence to note?",
            optional=True,
            cite=PERSONAL,
        ),
        Prompt(
            "equality",
            "Equality and diversity worries",
            "Do you have any worries about how equality and diversity issues are being addressed?",
            optional=True,
            cite=PERSONAL,
        ),
        Prompt(
            "coping",
            "How I am coping",
            "Thinking of whatever is making work more difficult: what are the best ways you are "
            "coping with it? Who or what helps you the most to deal with it? What are the best "
            "ways it is being managed?",
            optional=True,
            cite=PERSONAL,
        ),
        Prompt(
            "going_well",
            "What is going well",
            "What is going well for you at the moment? Anything you are proud of?",
            optional=True,
            cite=CHECK_IN,
        ),
        Prompt(
            "score",
            "How I am doing (0–10)",
            "On a scale of 0 to 10, how are you doing at work right now? (0 means really struggling, 10 means very well.)",
            kind=AnswerKind.SCALE,
            optional=True,
            follow_up=low_score_signposting,
            cite=LOCAL_SCALE,
        ),
        Prompt(
            "next_steps",
            "What needs to happen",
            "Thinking back over how things have been managed so far, what are the next steps that "
            "would help? What needs to happen to improve the situation?",
            optional=True,
            cite=PERSONAL + CUT_OFF,
        ),
        Prompt(
            "leave",
            "Leave, absence, TOIL, lone working",
            "Leave, absence, TOIL, or health and safety such as lone working: anything to plan or note?",
            optional=True,
            cite=CHECK_IN,
        ),
    ),
    share_prompt=Prompt(
        SHARE_KEY,
        "Shared with my supervisor",
        "Your check-in is saved privately. Choose any answers you want on your supervision agenda "
        "(choose one again to take it off), then “That's all”. Nothing is shared unless you choose it.",
        kind=AnswerKind.MULTI,
        choices_from=shareable,
        cite=CHECK_IN,
    ),
    closing=closing,
    source=PERSONAL,
)
