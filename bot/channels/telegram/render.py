"""The assistant's messages for Telegram: HTML with person-entered text escaped, split at
4,096 characters, choices and scales as inline keyboards with callback data within 64 bytes."""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

from bot.assistant.choice_tokens import DIRECT, encode
from bot.channels.text_split import split_text
from dialogs.messages import Expects, Outbound

MAX_TEXT = 4096  # characters of a message, after entities are parsed
CALLBACK_BYTES = 64
COMMANDS = (
    BotCommand("prep", "Prepare a case for supervision: /prep CASE-REF [adhoc]"),
    BotCommand("ears", "EARS reflection: /ears case or /ears professional"),
    BotCommand("checkin", "A private wellbeing check-in"),
    BotCommand("agenda", "Your agenda draft for your next supervision"),
    BotCommand("decision", "Log a management decision: /decision CASE-REF"),
    BotCommand("help", "What I can do"),
)


@dataclass(frozen=True, slots=True)
class TelegramMessage:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


def render(messages: list[Outbound]) -> list[TelegramMessage]:
    """One or more Telegram messages per reply; a keyboard goes with the last piece."""
    out: list[TelegramMessage] = []
    for message in messages:
        pieces = split_text(message.text or " ", MAX_TEXT)
        for piece in pieces[:-1]:
            out.append(TelegramMessage(escape(piece)))
        out.append(TelegramMessage(escape(pieces[-1]), keyboard(message)))
    return out


def escape(text: str) -> str:
    """Text shown literally in HTML parse mode (no tags, no links)."""
    return html.escape(text if text.strip() else " ", quote=False)


def keyboard(message: Outbound) -> InlineKeyboardMarkup | None:
    if message.expects is Expects.SCALE:
        numbers = [InlineKeyboardButton(str(n), callback_data=f"{DIRECT}{n}") for n in range(11)]
        return InlineKeyboardMarkup([numbers[:6], numbers[6:]])
    if message.expects is not Expects.CHOICE or not message.choices:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(c.label, callback_data=encode(message, i, CALLBACK_BYTES))]
            for i, c in enumerate(message.choices)
        ]
    )


def as_command(text: str) -> str:
    """Telegram's command forms as ours: "/prep@SvaBot AB-1" → "/prep AB-1"; /start → /help."""
    first, _, rest = text.strip().partition(" ")
    if not first.startswith("/"):
        return text
    name = first.split("@", 1)[0]
    if name.casefold() == "/start":
        name = "/help"
    return f"{name} {rest}".strip()
