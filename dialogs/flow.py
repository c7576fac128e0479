"""One `transitions` state machine per dialog definition, shared by all its conversations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from transitions import EventData, Machine

from dialogs.conversation import Conversation
from dialogs.definition import DialogDefinition

SUMMARY = "summary"
EDIT = "edit"
DONE = "done"


@dataclass(slots=True)
class _Cursor:
    """The machine's model for one step: a conversation and its state as an Enum member."""

    conversation: Conversation
    state: Enum


class DialogFlow:
    """Moves conversations of one dialog through its states.

    The machine holds no model; each call wraps the conversation in a short-lived cursor, so
    one machine serves every conversation without registering them.
    """

    def __init__(self, definition: DialogDefinition) -> None:
        self.definition = definition
        names = [p.key for p in definition.prompts]
        if definition.share_prompt is not None:
            names.append(definition.share_prompt.key)
        self.states: type[Enum] = Enum(  # type: ignore[misc]
            f"{definition.name.title()}State", [*names, SUMMARY, EDIT, DONE]
        )
        self.initial = names[0]
        self._machine = Machine(
            model=None,
            states=self.states,
            initial=self.states[self.initial],
            send_event=True,
            auto_transitions=False,
        )
        self._add_transitions()

    def _add_transitions(self) -> None:
        definition = self.definition
        keys = [p.key for p in definition.prompts]
        for index, key in enumerate(keys):
            for route in definition.routes.get(key, ()):
                self._machine.add_transition(
                    "next",
                    self.states[key],
                    self.states[route.dest],
                    conditions=[_holds(route.when)],
                )
            following = keys[index + 1] if index + 1 < len(keys) else SUMMARY
            self._machine.add_transition("next", self.states[key], self.states[following])
        after_summary = DONE if definition.share_prompt is None else definition.share_prompt.key
        self._machine.add_transition("confirm", self.states[SUMMARY], self.states[after_summary])
        if definition.share_prompt is not None:
            self._machine.add_transition(
                "confirm", self.states[definition.share_prompt.key], self.states[DONE]
            )
        self._machine.add_transition("edit", self.states[SUMMARY], self.states[EDIT])

    def fire(self, conversation: Conversation, trigger: str) -> None:
        """Apply `trigger` ("next", "confirm" or "edit") to the conversation's state."""
        cursor = _Cursor(conversation, self.states[conversation.state])
        self._machine.events[trigger].trigger(cursor)
        conversation.state = cursor.state.name

    def goto(self, conversation: Conversation, key: str) -> None:
        """Put the conversation at a state directly (back and edit)."""
        conversation.state = self.states[key].name

    def walk(self, conversation: Conversation) -> tuple[list[str], str]:
        """The answered prompts on the conversation's path, and where it should resume.

        Starting from the first prompt, follow "next" while the prompt has an answer (or was
        skipped). The path is derived, never stored, so editing an early answer that changes
        the route (e.g. the case preparation rule "if you cannot answer 3, answer 4") simply
        changes which later prompts are on the path.
        """
        cursor = conversation.copy()
        cursor.state = self.initial
        path: list[str] = []
        while self.definition.is_prompt(cursor.state) and self._settled(cursor):
            path.append(cursor.state)
            self.fire(cursor, "next")
        return path, cursor.state

    def _settled(self, cursor: Conversation) -> bool:
        """Answered, or skipped while skipping is allowed (a question optional only on some
        paths is asked again when an edit makes it required)."""
        if cursor.state not in cursor.answers:
            return False
        return cursor.answers[cursor.state] is not None or self.definition.prompt(
            cursor.state
        ).is_optional(cursor)

    def position(self, conversation: Conversation) -> tuple[int, int] | None:
        """(question number, questions on the path) for a conversation waiting on a question,
        counting the questions still ahead as the answers so far route them; None elsewhere."""
        if not self.definition.is_prompt(conversation.state):
            return None
        path, _ = self.walk(conversation)
        before = path.index(conversation.state) if conversation.state in path else len(path)
        cursor = conversation.copy()
        ahead = 0
        while self.definition.is_prompt(cursor.state) and ahead <= len(self.definition.prompts):
            ahead += 1
            self.fire(cursor, "next")
        return before + 1, before + ahead


def _holds(when: Callable[[Conversation], bool]) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        cursor: _Cursor = event.model  # type: ignore[assignment]
        return when(cursor.conversation)

    return condition
