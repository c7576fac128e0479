"""A dialog filled in as one form (Slack modal, Teams card): the same questions, the same
checks, stored exactly as if typed one by one, or not at all.

The answers are played through the dialog engine in one transaction; if any is refused the
transaction is rolled back and the refusal is returned against its field.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.assistant.service import Assistant, Turns
from dialogs.definition import AnswerKind, DialogDefinition
from dialogs.messages import Choice, Expects, Inbound, Outbound

SUMMARY = "summary"
MAX_STEPS = 50  # more turns than any dialog has questions: a guard against a loop
GENERAL = "_form"  # the key of a problem that belongs to no one field


@dataclass(frozen=True, slots=True)
class FormField:
    key: str
    label: str
    text: str
    optional: bool
    choices: tuple[Choice, ...]


class FormRejected(Exception):
    """The form was not stored; `problems` maps field keys (or GENERAL) to what to fix."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def form_fields(definition: DialogDefinition) -> list[FormField]:
    """Every question of the dialog, in order (a form shows the whole path at once)."""
    return [
        FormField(
            p.key,
            p.label,
            p.text,
            # choices and conditionally optional questions are needed only on some paths
            p.optional or p.optional_when is not None or p.kind is AnswerKind.CHOICE,
            p.choices,
        )
        for p in definition.prompts
    ]


@dataclass(frozen=True, slots=True)
class FormSubmission:
    person_id: str
    channel: str
    command: str  # the command that starts the dialog, e.g. "/prep AB-12 adhoc"
    answers: dict[str, str]
    message_id: str | None = None


async def submit_form(assistant: Assistant, form: FormSubmission) -> list[Outbound]:
    """Store the form's answers as one completed dialog; the replies a typed dialog would end
    with (notes such as a name check, then the closing message).

    Raises:
        FormRejected: an answer was refused or the dialog could not start; nothing stored.
        TryAgainLater: storage failed; nothing stored.
    """
    return await assistant.run_script(form.person_id, lambda turn: _play(turn, form))


def _play(turn: Turns, form: FormSubmission) -> list[Outbound]:
    def send(
        text: str = "", value: str | None = None, message_id: str | None = None
    ) -> list[Outbound]:
        return turn(Inbound(form.person_id, form.channel, text, value, message_id))

    replies = send(form.command, message_id=form.message_id)
    if not replies:
        return []  # this very form was stored already (a resubmission)
    notes: list[Outbound] = []
    for _ in range(MAX_STEPS):
        last = replies[-1]
        if last.expects is Expects.NONE:  # the closing message: nothing more is asked
            return [*notes, *replies]
        if last.state == SUMMARY:
            replies = send(value="confirm")
            continue
        state = last.state or ""
        answer = form.answers.get(state, "").strip()
        if last.dialog != _dialog_of(form.command):
            raise FormRejected({GENERAL: replies[0].text})  # e.g. another dialog is open
        # An empty or absent answer skips the question, which only optional ones allow.
        replies = send(answer) if answer else send("/skip")
        if replies[-1].state == state:  # refused: the same question is asked again
            raise FormRejected({state: replies[0].text if answer else "Please answer this."})
        notes += [r for r in replies[:-1] if r.state == state]
    raise FormRejected({GENERAL: "The form could not be completed."})


def _dialog_of(command: str) -> str:
    return command.split()[0].removeprefix("/")
