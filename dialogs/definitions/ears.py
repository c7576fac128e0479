"""EARS: Elicit, Amplify, Reflect, Start over (Signs of Safety questioning).

Source: Manchester supervision policy, appendix G, "EARS guidance for case supervision" and
"EARS guidance for professional supervision: turning questions into conversations". The
case guidance's "what needs to happen" column is cut off in the seed; its questions here are
completed in the same spirit, as `shared/policy-digest.md` asks.
"""

from __future__ import annotations

from dialogs.conversation import Conversation
from dialogs.definition import AnswerKind, DialogDefinition, Prompt
from dialogs.names import name_checked

CASE = "Manchester policy, appendix G (EARS guidance for case supervision)"
PROFESSIONAL = "Manchester policy, appendix G (EARS guidance for professional supervision)"
SCALE = (
    "Manchester policy, 3.5 the Signs of Safety assessment and planning framework "
    "(lines 604-606: the 0–10 judgement scale)"
)
CUT_OFF = "; the column is cut off in the seed and completed in its spirit"


def _closing(c: Conversation) -> str:
    about = f" on {c.context['case_ref']}" if c.context.get("case_ref") else ""
    return f"Saved your EARS reflection{about}. It stays with your own notes."


EARS_CASE = DialogDefinition(
    name="ears-case",
    title="EARS case reflection",
    intro=(
        "EARS for case supervision: Elicit, Amplify, Reflect, Start over. Turning questions "
        "into conversations. Use case references only, no names. Type help at any time."
    ),
    prompts=name_checked(
        Prompt(
            "worried",
            "What are we worried about",
            "Elicit. What are we worried about? What harm has happened to any child in the care of "
            "these adults? What makes this situation more complicated?",
            cite=CASE,
        ),
        Prompt(
            "working_well",
            "What's working well",
            "Elicit. What's working well here? What are the best attributes of this parent's "
            "parenting? What would the child say are the best times they have with their parent?",
            cite=CASE,
        ),
        Prompt(
            "needs_to_happen",
            "What needs to happen",
            "Elicit. What needs to happen for the child to be safe enough? What would the child say "
            "needs to happen? Where would the child want to be at 18?",
            optional=True,
            cite=CASE + CUT_OFF,
        ),
        Prompt(
            "harm_detail",
            "When the harm happened",
            "Amplify. When did that harm happen? How often? How bad? How did it affect the child? "
            "How long has this been happening? Give the first, worst and most recent examples. "
            "What language can we use to say this so that the parents and the child can easily "
            "understand?",
            kind=AnswerKind.LOOP,
            optional=True,
            cite=CASE,
        ),
        Prompt(
            "good_detail",
            "When the good thing happened",
            "Amplify. When has that good thing happened? How often? How else?",
            kind=AnswerKind.LOOP,
            optional=True,
            cite=CASE,
        ),
        Prompt(
            "danger_first",
            "What to deal with first",
            "Reflect. Which of the danger statements is the most important (or easiest) to deal "
            "with first? Which danger would worry the parents most? Of all the complicating "
            "factors, which matters most?",
            optional=True,
            cite=CASE,
        ),
        Prompt(
            "useful_strengths",
            "Most useful strengths",
            "Reflect. Which of the strengths are most useful for getting this problem dealt with? "
            "Which aspects of their parenting and family life would the parents be most proud of?",
            optional=True,
            cite=CASE,
        ),
        Prompt(
            "safety_scale",
            "Safety scale (0–10)",
            "Reflect. Where are we on a scale of 0 to 10, where 10 means there is enough safety "
            "for child protection authorities to close the case and 0 means it is certain that "
            "the child will be (re) abused?",
            kind=AnswerKind.SCALE,
            cite=SCALE,
        ),
        Prompt(
            "missed",
            "Anything we have missed",
            "Start over. Are there any worries we have missed? Are there any good things happening "
            "in this family that we have missed?",
            kind=AnswerKind.LOOP,
            optional=True,
            cite=CASE,
        ),
    ),
    closing=_closing,
    source=CASE,
)

EARS_PROFESSIONAL = DialogDefinition(
    name="ears-professional",
    title="EARS professional reflection",
    intro=(
        "EARS for professional supervision: Elicit, Amplify, Reflect, Start over. "
        "Type help at any time."
    ),
    prompts=(
        Prompt(
            "proud_of",
            "Practice I am proud of",
            "Elicit. Tell me about a piece of practice you feel proud of. Where have you used Signs "
            "of Safety and it has been useful to you?",
            cite=PROFESSIONAL,
        ),
        Prompt(
            "what_happened",
            "Who did what, where and when",
            "Amplify. Who did what, where and when? What happened that made this piece of work "
            "important? What else did you do? Who else was involved?",
            kind=AnswerKind.LOOP,
            cite=PROFESSIONAL,
        ),
        Prompt(
            "others_say",
            "What others would say",
            "Amplify. What would the child, parent, judge or anyone else involved say about these "
            "outcomes? How did you know what you were doing was working?",
            optional=True,
            cite=PROFESSIONAL,
        ),
        Prompt(
            "learnt",
            "Most important thing I learnt",
            "Reflect. When you think about this piece of work, what was the most important thing you learnt?",
            cite=PROFESSIONAL,
        ),
        Prompt(
            "practice_scale",
            "Practice scale (0–10)",
            "Reflect. On a scale of 0 to 10, where 0 is my worst practice and 10 is the best I can "
            "do, where would you rate this practice?",
            kind=AnswerKind.SCALE,
            cite=PROFESSIONAL,
        ),
        Prompt(
            "more_detail",
            "More detail on starting over",
            "Start over. Begin again, looking for more behavioural and meaning detail: what else "
            "happened, and what did it mean?",
            kind=AnswerKind.LOOP,
            optional=True,
            cite=PROFESSIONAL,
        ),
    ),
    closing=_closing,
    source=PROFESSIONAL,
)
