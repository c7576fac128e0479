"""How a dialog is described: its prompts, the order they come in, and what it produces.

A definition is data. `dialogs.flow.DialogFlow` turns it into one `transitions` machine that
every conversation of that dialog shares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from dialogs.conversation import Answer, Conversation
from dialogs.messages import Choice


class AnswerKind(StrEnum):
    """How a prompt's answer is read."""

    TEXT = "text"
    CHOICE = "choice"
    SCALE = "scale"  # a whole number from 0 to 10
    LOOP = "loop"  # free text, repeated ("what else?") until the person says done
    MULTI = "multi"  # pick any number of choices, then done


@dataclass(frozen=True, slots=True)
class DialogSettings:
    """Per-deployment values the dialogs read (from configuration and the policy pack)."""

    max_answer_chars: int = 4000
    low_wellbeing_score: int = 3
    signposting: str = ""


# A follow-up message after an answer, e.g. signposting after a low wellbeing score.
FollowUp = Callable[[Answer, DialogSettings], str | None]
# Choices computed from the conversation, e.g. "which of your answers to share".
ChoicesFrom = Callable[[Conversation, "DialogDefinition"], tuple[Choice, ...]]


@dataclass(frozen=True, slots=True)
class Prompt:
    """One question. `key` is the answer's key and the state's name."""

    key: str
    label: str  # short name used in summaries and the edit list
    text: str
    kind: AnswerKind = AnswerKind.TEXT
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    choices_from: ChoicesFrom | None = None
    follow_up: FollowUp | None = None
    cite: str = ""
    # Optional only on some paths, e.g. statement 4 once statement 3 is answered.
    optional_when: Callable[[Conversation], bool] | None = None

    def is_optional(self, conversation: Conversation) -> bool:
        """Whether this question may be skipped in this conversation."""
        if self.optional_when is not None:
            return self.optional_when(conversation)
        return self.optional


@dataclass(frozen=True, slots=True)
class Route:
    """A conditional next step: go to `dest` after this prompt when `when` holds."""

    dest: str
    when: Callable[[Conversation], bool]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a completed dialog leaves behind, handed to storage by the service."""

    kind: str  # "prep", "ears" or "wellbeing"
    person_id: str
    answers: Mapping[str, Answer]
    context: Mapping[str, str]
    completed_at: datetime
    flags: Mapping[str, bool] = field(default_factory=dict)


# Turns the finished conversation into the reply that closes the dialog.
Closing = Callable[[Conversation], str]
# Yes/no facts derived from a finished conversation, e.g. "needs ad hoc supervision".
Flags = Callable[[Conversation], Mapping[str, bool]]


@dataclass(frozen=True, slots=True)
class DialogDefinition:
    """A dialog: ordered prompts, optional conditional routes, and its after-summary step.

    States are the prompt keys plus the engine's own `summary`, `edit` and `done` (and the
    share prompt's key when `share_prompt` is set); `dialogs.flow` builds the Enum. Without a route, a prompt leads to the next one in
    order and the last prompt leads to the summary.
    """

    name: str
    title: str
    intro: str
    prompts: tuple[Prompt, ...]
    routes: Mapping[str, tuple[Route, ...]] = field(default_factory=dict)
    share_prompt: Prompt | None = None
    closing: Closing = lambda conversation: "Saved."
    flags: Flags | None = None
    source: str = ""

    def prompt(self, key: str) -> Prompt:
        """The prompt for a state name; raises KeyError for the engine's own states."""
        if self.share_prompt is not None and key == self.share_prompt.key:
            return self.share_prompt
        for prompt in self.prompts:
            if prompt.key == key:
                return prompt
        raise KeyError(key)

    def is_prompt(self, key: str) -> bool:
        """Whether the state is one of the dialog's questions."""
        return any(p.key == key for p in self.prompts)
