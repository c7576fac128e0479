"""A conversation in progress: the model that a dialog's state machine moves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A stored answer: free text, a 0-10 score, a chosen value, a list (for "what else?" loops
# and multiple choice), or None when the person skipped an optional question.
Answer = str | int | list[str] | None


@dataclass(slots=True)
class Conversation:
    """One person's dialog in progress, exactly as stored in the database.

    `state` holds the machine's state *name*; `version` increases on every save so that two
    processes answering for the same person cannot both win.
    """

    person_id: str
    dialog: str
    state: str
    answers: dict[str, Answer] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)
    version: int = 0

    def copy(self) -> Conversation:
        """A deep enough copy to move through the machine without touching this one."""
        return Conversation(
            person_id=self.person_id,
            dialog=self.dialog,
            state=self.state,
            answers={k: list(v) if isinstance(v, list) else v for k, v in self.answers.items()},
            context=dict(self.context),
            version=self.version,
        )

    def to_data(self) -> dict[str, Any]:
        """The JSON document stored beside the state."""
        return {"answers": self.answers, "context": self.context}
