"""Channel-neutral messages: what a person sent (`Inbound`) and what we answer (`Outbound`).

Adapters in `bot/` translate native chat events into `Inbound` and render `Outbound` for
their channel; nothing in `dialogs/` knows which channel a message came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Expects(StrEnum):
    """What kind of answer the assistant is waiting for after a message."""

    TEXT = "text"
    CHOICE = "choice"
    SCALE = "scale"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Choice:
    """One option a person can pick: shown as `label`, answered as `value`."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a person.

    Attributes:
        person_id: our id for the person (already resolved from the channel's own id).
        channel: the channel it came through, e.g. "console" or "slack".
        text: what they typed; empty when they pressed a button.
        value: the `Choice.value` of a button they pressed, if any.
        message_id: the channel's id for the message, used to drop duplicates.
        token: a pressed button's payload that stands for a choice of the question being
            asked (channels with small payload limits); read against that question.
        bare_commands: the channel's client keeps "/" for itself, so "prep AB-12" typed
            when no question is waiting is the command /prep AB-12.
    """

    person_id: str
    channel: str
    text: str = ""
    value: str | None = None
    message_id: str | None = None
    token: str | None = None
    bare_commands: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """A file to hand over in the chat (an agenda or record draft as Word)."""

    filename: str
    content: bytes
    title: str
    source: str = ""  # the command that makes it again (Teams asks consent before the upload)


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message to a person. The last message of a reply says what is expected next."""

    text: str
    choices: tuple[Choice, ...] = ()
    expects: Expects = Expects.NONE
    dialog: str | None = None
    state: str | None = None
    document: Document | None = None  # channels that can send files attach it; others say so

    def to_json(self) -> dict[str, object]:
        """The console's `--json` line for this message (a documented contract)."""
        return {
            "text": self.text,
            "choices": [{"label": c.label, "value": c.value} for c in self.choices],
            "expects": self.expects.value,
            "dialog": self.dialog,
            "state": self.state,
        }
