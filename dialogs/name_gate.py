"""Reword or confirm: an answer with a possible client name, held back until the person
decides, for councils whose policy keeps client names out of supervision notes (Manchester
2.1; the pack's `[client_names]`).

The service starts such a person's dialogs with `GATE` in the context. A free-text answer
that `dialogs.names` flags is then not saved: it waits in the conversation's context
(`PENDING`) while the question is asked as "reword, or keep as written". A reworded answer is
checked again; a kept one is saved and its words are remembered as confirmed (`CONFIRMED`,
stored with the outcome's answers), so the agenda can tell a confirmed word from one that
was never confirmed.
"""

from __future__ import annotations

from dialogs.answers import normalise
from dialogs.conversation import Answer, Conversation
from dialogs.definition import Prompt
from dialogs.messages import Choice, Expects, Outbound
from dialogs.names import name_warning, possible_names

GATE = "names"  # context: "confirm" when the person's council keeps client names out
PENDING = "names_pending"  # context: the held answer
PENDING_AT = "names_pending_at"  # context: the question it answers
CONFIRMED = "names_confirmed"  # context, then the outcome's answers: words confirmed
KEEP = Choice("Keep as written: it is not a client's name", "keep")
REWORD = Choice("Reword it", "reword")
_KEEP_WORDS = {"keep", "keep as written", normalise(KEEP.label), "1"}
_REWORD_WORDS = {"reword", "reword it", "2"}


def gated(conversation: Conversation, prompt: Prompt) -> bool:
    """Whether this question's answers go through the gate in this conversation."""
    return conversation.context.get(GATE) == "confirm" and prompt.follow_up is name_warning


def confirmed(source: Conversation | Answer) -> list[str]:
    """The words confirmed so far (a conversation) or with a saved outcome (its answer)."""
    if isinstance(source, Conversation):
        return [w for w in source.context.get(CONFIRMED, "").split(",") if w]
    return [w for w in source if isinstance(w, str)] if isinstance(source, list) else []


def unconfirmed(text: str, words: list[str]) -> list[str]:
    """The possible names in `text` not among the confirmed `words`."""
    return [w for w in possible_names(text) if w not in words]


def hold(work: Conversation, prompt: Prompt, text: str) -> bool:
    """Hold `text` back (True) if it has a possible name not yet confirmed."""
    if not gated(work, prompt) or not unconfirmed(text, confirmed(work)):
        return False
    work.context[PENDING] = text
    work.context[PENDING_AT] = prompt.key
    return True


def held(conversation: Conversation) -> str | None:
    """The answer waiting on reword or confirm at the current question, if any."""
    if conversation.context.get(PENDING_AT) != conversation.state:
        return None
    return conversation.context.get(PENDING)


def drop(work: Conversation) -> None:
    """Forget a held answer (reworded, or the person moved elsewhere)."""
    work.context.pop(PENDING, None)
    work.context.pop(PENDING_AT, None)


def decision(text: str) -> str | None:
    """ "keep" or "reword" when the reply picks one; None when it is a new answer."""
    said = normalise(text)
    if said in _KEEP_WORDS:
        return KEEP.value
    return REWORD.value if said in _REWORD_WORDS else None


def keep(work: Conversation) -> str:
    """Release the held answer as the person's own, remembering its words as confirmed."""
    text = work.context[PENDING]
    words = confirmed(work)
    words += [w for w in unconfirmed(text, words) if w not in words]
    work.context[CONFIRMED] = ",".join(words)
    drop(work)
    return text


def gate_message(conversation: Conversation, text: str) -> Outbound:
    """Ask the person to reword the held answer or keep it as written."""
    words = unconfirmed(text, confirmed(conversation))
    listed = ", ".join(f"“{w}”" for w in words[:3])
    verb = "is" if len(words) == 1 else "are"
    body = (
        f"Not saved yet: {listed} may be a name. Names or personal details of clients are not "
        "recorded in supervision notes: use the case reference instead. Type your answer "
        f"again without the name, or keep it as written if {listed} {verb} not a client's "
        f"name.\n\nYour answer: {text}"
    )
    return Outbound(body, (KEEP, REWORD), Expects.CHOICE, conversation.dialog, conversation.state)


def outcome_answers(work: Conversation) -> dict[str, Answer]:
    """What the gate adds to a completed dialog's answers: the confirmed words, if any."""
    words = confirmed(work)
    return {CONFIRMED: words} if words else {}


def outcome_context(work: Conversation) -> dict[str, str]:
    """The conversation's context without the gate's working keys."""
    return {k: v for k, v in work.context.items() if k not in {PENDING, PENDING_AT, CONFIRMED}}
