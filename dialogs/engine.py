"""The dialog engine: one stored conversation plus one `Inbound` gives the next conversation.

`DialogEngine.handle` is pure. It never touches storage or a channel; the service loads the
conversation, calls it, and saves what it returns in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from dialogs.answers import (
    InvalidAnswer,
    clean_text,
    is_done,
    read_choice,
    read_choices,
    read_scale,
)
from dialogs.conversation import Answer, Conversation
from dialogs.definition import AnswerKind, DialogDefinition, DialogSettings, Outcome, Prompt
from dialogs.flow import DONE, EDIT, SUMMARY, DialogFlow
from dialogs.messages import Choice, Inbound, Outbound
from dialogs.name_gate import (
    PENDING,
    REWORD,
    drop,
    gate_message,
    gated,
    held,
    hold,
    keep,
    outcome_answers,
    outcome_context,
)
from dialogs.name_gate import (
    decision as decide,
)
from dialogs.rendering import (
    DONE_CHOICE,
    SUMMARY_CHOICES,
    edit_choices,
    help_message,
    notice,
    prompt_choices,
    prompt_message,
)

REMOVE_ITEM = re.compile(r"remove (?P<item>\d{1,4})")
REMOVE_FROM_SUMMARY = re.compile(r"remove (?P<answer>\d{1,3})(?:\.(?P<item>\d{1,4}))?")


MAX_LOOP_ITEMS = 30  # answers one "what else?" question keeps (each up to its own limit)


@dataclass(frozen=True, slots=True)
class Turn:
    """The result of one step.

    Attributes:
        conversation: the conversation to store, or None when the dialog ended.
        replies: the messages to send, in order; the last one says what is expected next.
        changed: whether storage must be written (False for help and refused input).
        outcome: what a completed dialog produced, to be stored with the same transaction.
    """

    conversation: Conversation | None
    replies: tuple[Outbound, ...]
    changed: bool = False
    outcome: Outcome | None = None


class DialogEngine:
    """Runs every registered dialog; holds one `DialogFlow` (one machine) per definition."""

    def __init__(
        self, *, definitions: Iterable[DialogDefinition], settings: DialogSettings
    ) -> None:
        self._flows = {d.name: DialogFlow(d) for d in definitions}
        self.settings = settings
        self._commands: Mapping[str, Callable[[DialogFlow, Conversation], Turn]] = {
            "back": self._back,
            "skip": self._skip,
            "cancel": self._cancel,
            "help": self._help,
        }

    def definition(self, name: str) -> DialogDefinition:
        """The definition registered under `name` (KeyError if there is none)."""
        return self._flows[name].definition

    def start(self, *, person_id: str, dialog: str, context: Mapping[str, str]) -> Turn:
        """Begin a dialog: its introduction and its first question."""
        flow = self._flows[dialog]
        conversation = Conversation(person_id, dialog, flow.initial, context=dict(context))
        intro = notice(conversation, flow.definition.intro)
        return Turn(conversation, (intro, prompt_message(conversation, flow)), changed=True)

    def pending(self, conversation: Conversation) -> Outbound:
        """The question the conversation is waiting on, asked again."""
        return prompt_message(conversation, self._flows[conversation.dialog])

    def resume(self, conversation: Conversation) -> Outbound:
        """The waiting question for someone coming back, saying first what it is about:
        "Back to your case preparation for CR-1234 — question 2 of 5."."""
        flow = self._flows[conversation.dialog]
        asked = prompt_message(conversation, flow)
        about = f"Back to your {flow.definition.title}"
        if case_ref := conversation.context.get("case_ref"):
            about += f" for {case_ref}"
        position = flow.position(conversation)
        if position is not None:
            about += f" — question {position[0]} of {position[1]}"
        elif conversation.state == SUMMARY:
            about += " — the summary, ready to confirm"
        return replace(asked, text=f"{about}.\n\n{asked.text}")

    def handle(self, conversation: Conversation, inbound: Inbound, now: datetime) -> Turn:
        """Apply one message to a conversation. Never raises for anything a person sends."""
        flow = self._flows[conversation.dialog]
        raw = inbound.value if inbound.value is not None else inbound.text
        word = raw.strip().lstrip("/").casefold()
        command = self._commands.get(word)
        if command is not None:
            if word != "help" and PENDING in conversation.context:
                conversation = conversation.copy()
                drop(conversation)  # moving on drops an answer held for reword or confirm
            return command(flow, conversation)
        try:
            if held(conversation) is not None:
                return self._at_gate(flow, conversation.copy(), raw, now)
            if conversation.state == SUMMARY:
                return self._at_summary(flow, conversation.copy(), raw, now)
            if conversation.state == EDIT:
                return self._at_edit(flow, conversation.copy(), raw)
            return self._answer(flow, conversation.copy(), raw, now)
        except InvalidAnswer as problem:
            return self._refuse(flow, conversation, str(problem))

    # -- answering a question -------------------------------------------------------------

    def _answer(self, flow: DialogFlow, work: Conversation, raw: str, now: datetime) -> Turn:
        prompt = flow.definition.prompt(work.state)
        text = clean_text(raw, max_chars=self.settings.max_answer_chars)
        if prompt.kind is AnswerKind.LOOP:
            return self._loop(flow, work, prompt, text)
        if prompt.kind is AnswerKind.MULTI:
            return self._multi(flow, work, prompt, text, now)
        value = self._read(prompt, work, flow, text)
        if isinstance(value, str) and hold(work, prompt, value):
            return Turn(work, (gate_message(work, value),), changed=True)
        work.answers[prompt.key] = value
        checked = prompt.follow_up and not gated(work, prompt)  # the gate has done the check
        follow_up = prompt.follow_up(value, self.settings) if checked and prompt.follow_up else None
        return self._resume(flow, work, () if follow_up is None else (notice(work, follow_up),))

    def _at_gate(self, flow: DialogFlow, work: Conversation, raw: str, now: datetime) -> Turn:
        """An answer held for a possible client name: keep it, reword it, or a new answer."""
        prompt = flow.definition.prompt(work.state)
        said = clean_text(raw, max_chars=self.settings.max_answer_chars)
        choice = decide(said)
        if choice == "keep":
            kept = keep(work)
            if prompt.kind is AnswerKind.LOOP:
                items = work.answers.get(prompt.key)
                return self._add_item(flow, work, prompt, list(items or []), kept)  # type: ignore[arg-type]
            work.answers[prompt.key] = kept
            return self._resume(flow, work)
        drop(work)
        if choice == REWORD.value:
            asked = prompt_message(work, flow)
            return Turn(work, (notice(work, "Not saved. Please write it again."), asked), True)
        return self._answer(flow, work, raw, now)

    def _read(self, prompt: Prompt, work: Conversation, flow: DialogFlow, text: str) -> Answer:
        if prompt.kind is AnswerKind.SCALE:
            return read_scale(text)
        if prompt.kind is AnswerKind.CHOICE:
            return read_choice(text, prompt_choices(prompt, work, flow.definition))
        return text

    def _loop(self, flow: DialogFlow, work: Conversation, prompt: Prompt, text: str) -> Turn:
        """A "what else?" prompt: each answer adds to the list until the person is done."""
        items = work.answers.get(prompt.key)
        items = list(items) if isinstance(items, list) else []
        removing = REMOVE_ITEM.fullmatch(text.casefold())
        if removing and items:
            removed = _remove(work, prompt, int(removing["item"]))
            asked = prompt_message(work, flow)
            return Turn(work, (notice(work, removed), asked), changed=True)
        if is_done(text):
            if not items and not prompt.is_optional(work):
                raise InvalidAnswer("Please give at least one answer before finishing this one.")
            work.answers[prompt.key] = items or None
            return self._resume(flow, work)
        if len(items) >= MAX_LOOP_ITEMS:
            raise InvalidAnswer(
                f"That's {len(items)} already, the most this question keeps. Choose "
                "“That's all” to go on, or write remove N to take one out."
            )
        if hold(work, prompt, text):
            return Turn(work, (gate_message(work, text),), changed=True)
        return self._add_item(flow, work, prompt, items, text)

    def _add_item(
        self, flow: DialogFlow, work: Conversation, prompt: Prompt, items: list[str], text: str
    ) -> Turn:
        work.answers[prompt.key] = [*items, text]
        asked = prompt_message(work, flow)
        noted = f"Noted ({len(items) + 1} so far). What else? Choose “That's all” when you have finished."
        return Turn(work, (replace(asked, text=f"{noted}\n\n{asked.text}"),), changed=True)

    def _multi(
        self, flow: DialogFlow, work: Conversation, prompt: Prompt, text: str, now: datetime
    ) -> Turn:
        """Pick-any prompt (what to share): each choice toggles; "That's all" finishes."""
        values = read_choices(text, prompt_choices(prompt, work, flow.definition))
        chosen = work.answers.get(prompt.key)
        chosen = list(chosen) if isinstance(chosen, list) else []
        for value in values:
            if value != DONE_CHOICE.value:
                chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        work.answers[prompt.key] = chosen
        if DONE_CHOICE.value in values:
            flow.fire(work, "confirm")
            return self._complete(flow, work, now)
        return Turn(work, (prompt_message(work, flow),), changed=True)

    def _resume(
        self, flow: DialogFlow, work: Conversation, notices: tuple[Outbound, ...] = ()
    ) -> Turn:
        """Go to the first unanswered question on the path, or the summary."""
        _, resume_at = flow.walk(work)
        flow.goto(work, resume_at)
        return Turn(work, (*notices, prompt_message(work, flow)), changed=True)

    # -- summary, edit, completion --------------------------------------------------------

    def _at_summary(self, flow: DialogFlow, work: Conversation, raw: str, now: datetime) -> Turn:
        text = clean_text(raw, max_chars=self.settings.max_answer_chars)
        words = text.casefold().split()
        removing = REMOVE_FROM_SUMMARY.fullmatch(text.casefold())
        if removing:
            return self._remove_at_summary(flow, work, int(removing["answer"]), removing["item"])
        if len(words) == 2 and words[0] == "edit":
            return self._edit_to(flow, work, read_choice(words[1], _edit_choices(flow, work)))
        choice = read_choice(text, SUMMARY_CHOICES)
        if choice == "cancel":
            return self._cancel(flow, work)
        flow.fire(work, choice)  # "confirm" or "edit"
        if work.state == DONE:
            return self._complete(flow, work, now)
        return Turn(work, (prompt_message(work, flow),), changed=True)

    def _remove_at_summary(
        self, flow: DialogFlow, work: Conversation, answer: int, item: str | None
    ) -> Turn:
        """ "remove 3.2": take the second item out of answer 3, a "what else?" list."""
        keys = flow.walk(work)[0]
        if not 1 <= answer <= len(keys):
            raise InvalidAnswer(f"There is no answer {answer}; the summary has {len(keys)}.")
        prompt = flow.definition.prompt(keys[answer - 1])
        listed = work.answers.get(prompt.key)
        if prompt.kind is not AnswerKind.LOOP or not isinstance(listed, list):
            raise InvalidAnswer(f"Answer {answer} is not a list; use “edit {answer}” to change it.")
        if item is None and len(listed) != 1:
            raise InvalidAnswer(
                f"Answer {answer} has {len(listed)} items: say which, e.g. “remove {answer}.1”."
            )
        removed = _remove(work, prompt, int(item or 1))
        _, resume_at = flow.walk(work)
        flow.goto(work, resume_at)
        return Turn(work, (notice(work, removed), prompt_message(work, flow)), changed=True)

    def _at_edit(self, flow: DialogFlow, work: Conversation, raw: str) -> Turn:
        text = clean_text(raw, max_chars=self.settings.max_answer_chars)
        return self._edit_to(flow, work, read_choice(text, _edit_choices(flow, work)))

    def _edit_to(self, flow: DialogFlow, work: Conversation, key: str) -> Turn:
        flow.goto(work, key)
        return Turn(work, (prompt_message(work, flow),), changed=True)

    def _complete(self, flow: DialogFlow, work: Conversation, now: datetime) -> Turn:
        definition = flow.definition
        path, _ = flow.walk(work)
        keys = [*path, definition.share_prompt.key] if definition.share_prompt else path
        outcome = Outcome(
            kind=definition.name,
            person_id=work.person_id,
            answers={k: work.answers.get(k) for k in keys} | outcome_answers(work),
            context=outcome_context(work),
            completed_at=now,
            flags=definition.flags(work) if definition.flags else {},
        )
        return Turn(None, (notice(work, definition.closing(work)),), changed=True, outcome=outcome)

    # -- commands available everywhere ------------------------------------------------------

    def _back(self, flow: DialogFlow, conversation: Conversation) -> Turn:
        path, _ = flow.walk(conversation)
        target = _previous(flow, conversation, path)
        if target is None:
            return self._refuse(
                flow, conversation, "This is the first question; there is nothing before it."
            )
        work = conversation.copy()
        flow.goto(work, target)
        return Turn(work, (prompt_message(work, flow),), changed=True)

    def _skip(self, flow: DialogFlow, conversation: Conversation) -> Turn:
        definition = flow.definition
        if not definition.is_prompt(conversation.state):
            return self._refuse(flow, conversation, "There is no question to skip here.")
        prompt = definition.prompt(conversation.state)
        if not prompt.is_optional(conversation):
            return self._refuse(
                flow, conversation, "This question can't be skipped; please answer it."
            )
        work = conversation.copy()
        existing = work.answers.get(prompt.key)
        keep = prompt.kind is AnswerKind.LOOP and isinstance(existing, list) and existing
        work.answers[prompt.key] = existing if keep else None
        return self._resume(flow, work)

    def _cancel(self, flow: DialogFlow, conversation: Conversation) -> Turn:
        text = f"Cancelled. Nothing from this {flow.definition.title} was saved."
        return Turn(None, (notice(conversation, text),), changed=True)

    def _help(self, flow: DialogFlow, conversation: Conversation) -> Turn:
        return Turn(
            conversation,
            (help_message(conversation, flow.definition), prompt_message(conversation, flow)),
        )

    def _refuse(self, flow: DialogFlow, conversation: Conversation, problem: str) -> Turn:
        """Input that is not a valid answer: say why, ask again, change nothing."""
        return Turn(
            conversation, (notice(conversation, problem), prompt_message(conversation, flow))
        )


def _previous(flow: DialogFlow, conversation: Conversation, path: list[str]) -> str | None:
    """Where "back" goes: the question before this one, or from the summary the last one."""
    state = conversation.state
    if state == EDIT or (
        flow.definition.share_prompt and state == flow.definition.share_prompt.key
    ):
        return SUMMARY
    if state in path:
        index = path.index(state)
        return path[index - 1] if index > 0 else None
    return path[-1] if path else None


def _edit_choices(flow: DialogFlow, work: Conversation) -> tuple[Choice, ...]:
    return edit_choices(flow.definition, flow.walk(work)[0])


def _remove(work: Conversation, prompt: Prompt, number: int) -> str:
    """Take item `number` (1-based) out of a "what else?" list; say what was removed."""
    items = work.answers.get(prompt.key)
    items = list(items) if isinstance(items, list) else []
    if not 1 <= number <= len(items):
        raise InvalidAnswer(f"There is no item {number}; {prompt.label} has {len(items)}.")
    if len(items) == 1 and not prompt.is_optional(work):
        raise InvalidAnswer(
            f"{prompt.label} needs at least one answer: add another before removing this one."
        )
    removed = items.pop(number - 1)
    work.answers[prompt.key] = items or None
    return f"Removed “{removed}” from {prompt.label}."
