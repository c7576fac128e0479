"""Prompts, summaries and help as channel-neutral `Outbound` messages."""

from __future__ import annotations

from dialogs.conversation import Answer, Conversation
from dialogs.definition import AnswerKind, DialogDefinition, Prompt
from dialogs.flow import EDIT, SUMMARY, DialogFlow
from dialogs.messages import Choice, Expects, Outbound
from dialogs.name_gate import gate_message, held

DONE_CHOICE = Choice("That's all", "done")
SUMMARY_CHOICES = (
    Choice("Confirm and save", "confirm"),
    Choice("Edit an answer", "edit"),
    Choice("Cancel", "cancel"),
)
EXPECTS = {
    AnswerKind.TEXT: Expects.TEXT,
    AnswerKind.LOOP: Expects.TEXT,
    AnswerKind.CHOICE: Expects.CHOICE,
    AnswerKind.MULTI: Expects.CHOICE,
    AnswerKind.SCALE: Expects.SCALE,
}
HELP = (
    "You are in the {title}. Answer the question, or type:\n"
    "• back: go to the previous question\n"
    "• skip: leave an optional question unanswered\n"
    "• cancel: stop; nothing from this dialog is saved\n"
    "• help: this message\n"
    "At the end you see a summary, where you can edit any answer before saving. "
    "Your answers so far are kept if you leave and come back."
)


def show_answer(answer: Answer) -> str:
    """An answer as a person reads it."""
    if answer is None:
        return "(skipped)"
    if isinstance(answer, list):
        return "; ".join(answer) if answer else "(none)"
    return str(answer)


def prompt_choices(
    prompt: Prompt, conversation: Conversation, definition: DialogDefinition
) -> tuple[Choice, ...]:
    """The choices offered with a prompt, with "That's all" for loops and pick-any prompts."""
    if prompt.choices_from is not None:
        dynamic = prompt.choices_from(conversation, definition)
        return (*dynamic, DONE_CHOICE) if prompt.kind is AnswerKind.MULTI else dynamic
    if prompt.kind is AnswerKind.LOOP:
        return (DONE_CHOICE,)
    return prompt.choices


def prompt_message(conversation: Conversation, flow: DialogFlow) -> Outbound:
    """The message asking for whatever the conversation is waiting on."""
    definition = flow.definition
    if conversation.state == SUMMARY:
        return summary_message(conversation, definition, flow.walk(conversation)[0])
    if conversation.state == EDIT:
        return edit_message(conversation, definition, flow.walk(conversation)[0])
    waiting = held(conversation)
    if waiting is not None:
        return gate_message(conversation, waiting)
    prompt = definition.prompt(conversation.state)
    text = prompt.text
    if prompt.is_optional(conversation):
        text += "\n(Optional: type skip to leave it.)"
    if prompt.kind is AnswerKind.LOOP:
        text += "\nAnswer as many times as you like; choose “That's all” when you have finished."
    choices = prompt_choices(prompt, conversation, definition)
    answer = conversation.answers.get(prompt.key)
    if prompt.kind is AnswerKind.MULTI:
        labels = [c.label for c in choices if isinstance(answer, list) and c.value in answer]
        text += f"\n\nChosen so far: {'; '.join(labels) if labels else 'nothing'}"
    elif prompt.kind is AnswerKind.LOOP and isinstance(answer, list) and answer:
        listed = "; ".join(f"{n}) {item}" for n, item in enumerate(answer, start=1))
        text += f"\n\nYour answers so far: {listed}\n(“remove N” takes one out.)"
    elif answer is not None:
        text += f"\n\nYour answer so far: {show_answer(answer)}"
    return _ask(conversation, text, choices, EXPECTS[prompt.kind])


def summary_message(
    conversation: Conversation, definition: DialogDefinition, keys: list[str]
) -> Outbound:
    """The numbered summary to confirm, edit or cancel."""
    lines = [f"Your {definition.title}{_about(conversation)}:"]
    for number, key in enumerate(keys, start=1):
        lines.append(
            f"{number}. {definition.prompt(key).label}: {show_answer(conversation.answers[key])}"
        )
    lines.append("\nConfirm to save it, edit an answer (e.g. “edit 2”), or cancel.")
    if any(isinstance(conversation.answers[k], list) for k in keys if _is_loop(definition, k)):
        lines.append("To take one item out of a list, type e.g. “remove 3.2” (answer 3, item 2).")
    return _ask(conversation, "\n".join(lines), SUMMARY_CHOICES, Expects.CHOICE)


def edit_message(
    conversation: Conversation, definition: DialogDefinition, keys: list[str]
) -> Outbound:
    """Which answer to change."""
    choices = edit_choices(definition, keys)
    return _ask(conversation, "Which answer do you want to change?", choices, Expects.CHOICE)


def edit_choices(definition: DialogDefinition, keys: list[str]) -> tuple[Choice, ...]:
    """One choice per answered question, named by its label."""
    return tuple(Choice(definition.prompt(k).label, k) for k in keys)


def notice(conversation: Conversation, text: str) -> Outbound:
    """A message that expects nothing itself (an error, a confirmation, signposting)."""
    return Outbound(text=text, dialog=conversation.dialog, state=conversation.state)


def help_message(conversation: Conversation, definition: DialogDefinition) -> Outbound:
    """What a person can type inside a dialog, and where the question comes from."""
    text = HELP.format(title=definition.title)
    if definition.is_prompt(conversation.state) and definition.prompt(conversation.state).cite:
        text += f"\nThis question comes from {definition.prompt(conversation.state).cite}."
    return notice(conversation, text)


def _is_loop(definition: DialogDefinition, key: str) -> bool:
    return definition.prompt(key).kind is AnswerKind.LOOP


def _about(conversation: Conversation) -> str:
    case_ref = conversation.context.get("case_ref")
    return f" for {case_ref}" if case_ref else ""


def _ask(
    conversation: Conversation, text: str, choices: tuple[Choice, ...], expects: Expects
) -> Outbound:
    return Outbound(text, choices, expects, conversation.dialog, conversation.state)
