"""One `transitions` state machine per dialog definition, shared by all its conversations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
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


# One "next" step out of a prompt: where to go, and when (None: otherwise), in the order
# the machine tries them.
_Step = tuple[str, Callable[[Conversation], bool] | None]


class DialogFlow:
    """Moves conversations of one dialog through its states.

    The machine holds no model; each call wraps the conversation in a short-lived cursor, so
    one machine serves every conversation without registering them.

    `walk` runs on every answer, through every answered prompt. It follows a table of the
    machine's own "next" transitions, written by the loop that adds them, instead of firing
    the machine once per prompt: the machine's event dispatch was a fifth of a turn's time
    (issue 16). Every move a person makes still goes through the machine (`fire`).
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
        self._prompts = frozenset(p.key for p in definition.prompts)
        self._next: dict[str, tuple[_Step, ...]] = {}
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
            steps: list[_Step] = []
            for route in definition.routes.get(key, ()):
                self._machine.add_transition(
                    "next",
                    self.states[key],
                    self.states[route.dest],
                    conditions=[_holds(route.when)],
                )
                steps.append((route.dest, route.when))
            following = keys[index + 1] if index + 1 < len(keys) else SUMMARY
            self._machine.add_transition("next", self.states[key], self.states[following])
            self._next[key] = (*steps, (following, None))
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
        cursor = replace(conversation, state=self.initial)  # read only: answers are shared
        path: list[str] = []
        while cursor.state in self._prompts and self._settled(cursor):
            path.append(cursor.state)
            cursor.state = self._following(cursor)
        return path, cursor.state

    def _following(self, cursor: Conversation) -> str:
        """Where "next" leads from the cursor's prompt: the first step whose condition holds,
        as the machine would choose (`fire`)."""
        for dest, when in self._next[cursor.state]:
            if when is None or when(cursor):
                return dest
        raise AssertionError(f"no way on from {cursor.state}")  # the last step has no condition

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
        # transitions takes a condition only when it returns True itself; the walk's table
        # (`_following`) takes any true value: bool() keeps the two the same
        return bool(when(cursor.conversation))

    return condition
