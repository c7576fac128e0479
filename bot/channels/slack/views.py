"""Slack views: the App Home tab and the preparation tool as one modal."""

from __future__ import annotations

from typing import Any

from bot.assistant.forms import GENERAL, FormField, form_fields
from bot.assistant.home import Home
from bot.channels.slack.render import Block, escape, sections
from dialogs.definitions import PREP
from dialogs.messages import Outbound

MAX_VIEW_BLOCKS = 100  # Slack's limit for a Home tab or modal
PREP_FORM = "prep_form"  # the modal's callback id
MAX_INPUT = 3000  # Slack's limit for a plain-text input


def home_view(home: Home) -> dict[str, Any]:
    """The App Home tab of a known person."""
    blocks: list[Block] = [_header("Your supervision")]
    blocks += sections(f"*Next supervision:* {escape(home.next_supervision)}")
    blocks += _listing("Cases due for supervision", home.cases_due, "none due")
    blocks += _listing("Open actions", home.actions, "no open actions")
    blocks.append(_header("Your agenda draft"))
    agenda = sections(home.agenda)
    room = MAX_VIEW_BLOCKS - len(blocks) - 1
    if len(agenda) > room:
        agenda = [*agenda[: room - 1], *sections("(Longer than fits here: send agenda to me.)")]
    return {"type": "home", "blocks": blocks + agenda}


def stranger_view(text: str) -> dict[str, Any]:
    """The App Home tab of someone the assistant does not know."""
    return {"type": "home", "blocks": sections(text)}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def _listing(title: str, lines: tuple[str, ...], empty: str) -> list[Block]:
    body = "\n".join(f"• {escape(line)}" for line in lines) if lines else f"_{empty}_"
    return sections(f"*{title}*\n{body}")


def prep_modal(command: str, case_ref: str, fields: list[FormField]) -> dict[str, Any]:
    """The preparation tool for `case_ref` as one form; `command` travels as metadata."""
    blocks: list[Block] = sections(
        "Answer 1–3 in note form; if you can't answer 3 yet, leave it and answer 4. "
        "Use the case reference only: please don't name the child or family."
    )
    blocks += [_input(f) for f in fields]
    return {
        "type": "modal",
        "callback_id": PREP_FORM,
        "private_metadata": command,
        "title": {"type": "plain_text", "text": "Case preparation"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _input(field: FormField) -> Block:
    label = field.text if len(field.text) <= 2000 else field.label
    element: Block
    if field.choices:
        element = {
            "type": "radio_buttons",
            "action_id": "answer",
            "options": [
                {"text": {"type": "plain_text", "text": c.label}, "value": c.value}
                for c in field.choices
            ],
        }
    else:
        element = {
            "type": "plain_text_input",
            "action_id": "answer",
            "multiline": True,
            "max_length": MAX_INPUT,
        }
    return {
        "type": "input",
        "block_id": field.key,
        "optional": field.optional,
        "label": {"type": "plain_text", "text": label[:2000]},
        "element": element,
    }


def form_answers(state: dict[str, Any]) -> dict[str, str]:
    """The answers of a submitted modal, by question key (absent answers as empty)."""
    answers: dict[str, str] = {}
    for key, actions in state.get("values", {}).items():
        element = actions.get("answer", {})
        if element.get("type") == "radio_buttons":
            selected = element.get("selected_option") or {}
            answers[key] = str(selected.get("value", ""))
        else:
            answers[key] = str(element.get("value") or "")
    return answers


def form_errors(problems: dict[str, str], fields: list[FormField]) -> dict[str, str]:
    """Slack's `errors` response: a message under each field; general ones under the first."""
    first = fields[0].key
    errors: dict[str, str] = {}
    for key, text in problems.items():
        target = first if key == GENERAL else key
        errors[target] = (errors.get(target, "") + " " + text).strip()[:500]
    return errors


def late_refusal(errors: dict[str, str], state: dict[str, Any]) -> Outbound:
    """When a form was refused after the modal closed: why, and what was written, so that
    nothing typed is lost."""
    labels = {f.key: f.label for f in form_fields(PREP)}
    problems = "; ".join(f"{labels.get(k, k)}: {text}" for k, text in errors.items())
    written = "\n".join(
        f"{labels.get(k, k)}: {v}" for k, v in form_answers(state).items() if v.strip()
    )
    return Outbound(
        f"I couldn't save your preparation form ({problems}). Nothing was saved. "
        f"Here is what you wrote, to paste into the form again:\n{written}"
    )
