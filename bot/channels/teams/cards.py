"""The assistant's messages for Microsoft Teams: plain text (so nothing a person typed is ever
formatted or linked), choices and 0–10 scales as Adaptive Cards, and the preparation form."""

from __future__ import annotations

from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment, TextFormatTypes
from microsoft_agents.hosting.core import CardFactory

from bot.assistant.choice_tokens import DIRECT, encode
from bot.assistant.forms import FormField
from bot.channels.text_split import split_text
from dialogs.messages import Expects, Outbound

MAX_TEXT = 16_000  # characters a message; Teams refuses activities over about 28 KB
ANSWER = "sva_answer"  # the key of a pressed button's value in a card submit
FORM = "sva_form"  # the key of the command a submitted form belongs to
CARD_VERSION = "1.4"
MAX_VALUE = 1024
FILE = "sva_file"  # the consent card's context key: the command that makes the file
CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"


def render(messages: list[Outbound]) -> list[Activity]:
    """Activities for the replies: text pieces, then a card when something is to be picked."""
    out: list[Activity] = []
    for message in messages:
        out += [_text(piece) for piece in split_text(message.text or " ", MAX_TEXT)]
        card = _choice_card(message) or _consent_card(message)
        if card is not None:
            out.append(Activity(type=ActivityTypes.message, attachments=[card]))
    return out


def _consent_card(message: Outbound) -> Any:
    """A Word file: Teams asks the person's consent, then gives us a place to upload it
    (`fileConsent/invoke`); the context says which command makes the file again."""
    document = message.document
    if document is None:
        return None
    context = {FILE: document.source}
    return Attachment(
        content_type=CONSENT,
        name=document.filename,
        content={"description": document.title, "sizeInBytes": len(document.content),
                 "acceptContext": context, "declineContext": context},
    )  # fmt: skip


def file_info_card(upload: dict[str, Any]) -> Activity:
    """The message that shows an uploaded file in the chat."""
    card = Attachment(
        content_type=FILE_INFO,
        content_url=upload.get("contentUrl"),
        name=upload.get("name"),
        content={"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType", "docx")},
    )
    return Activity(type=ActivityTypes.message, attachments=[card])


def _text(text: str) -> Activity:
    return Activity(type=ActivityTypes.message, text=text, text_format=TextFormatTypes.plain)


def _choice_card(message: Outbound) -> Any:
    if message.expects is Expects.SCALE:
        options = [(str(n), DIRECT + str(n)) for n in range(11)]
    elif message.expects is Expects.CHOICE and message.choices:
        options = [(c.label, encode(message, i, MAX_VALUE)) for i, c in enumerate(message.choices)]
    else:
        return None
    actions = [
        {"type": "Action.Submit", "title": label, "data": {ANSWER: value}}
        for label, value in options
    ]
    return CardFactory.adaptive_card(_card([], actions))


def form_card(command: str, title: str, fields: list[FormField]) -> Activity:
    """The preparation tool as one card; submitting it sends every answer at once."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "wrap": True,
         "text": "Use the case reference only: please don't name the child or family."},
    ]  # fmt: skip
    for field in fields:
        body.append({"type": "TextBlock", "text": field.text, "wrap": True})
        body.append(_input(field))
    submit = {"type": "Action.Submit", "title": "Save", "data": {FORM: command}}
    card = CardFactory.adaptive_card(_card(body, [submit]))
    return Activity(type=ActivityTypes.message, attachments=[card])


def _input(field: FormField) -> dict[str, Any]:
    if field.choices:
        return {
            "type": "Input.ChoiceSet",
            "id": field.key,
            "style": "expanded",
            "isRequired": not field.optional,
            "choices": [{"title": c.label, "value": c.value} for c in field.choices],
        }
    return {
        "type": "Input.Text",
        "id": field.key,
        "isMultiline": True,
        "maxLength": 4000,
        "isRequired": not field.optional,
        "label": field.label,
    }


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "actions": actions,
    }
