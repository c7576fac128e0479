"""The Telegram channel, on python-telegram-bot v22: a webhook at /telegram/webhook on the
`sva serve` server (checked against the secret token), or long polling for local use.

A webhook update is committed to the durable inbox (keyed by its update id) before Telegram
gets its 200, so an acknowledged update survives a crash; a body that is not an update gets
400 with one log line. The answer is worked out in the background and replies go out
through the reply outbox once the turn is stored. Polling hands updates to the same path.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.assistant.gateway import Event, Gateway
from bot.channels.telegram.render import COMMANDS, as_command, render
from bot.config import TelegramConfig
from bot.errors import ChannelUnavailable, TryAgainLater
from dialogs.messages import Outbound

log = logging.getLogger(__name__)
CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FLOOD_RETRIES = 10
MAX_CAPTION = 1024  # characters of a file's caption
NOT_TEXT = Outbound(
    "I can only read typed text, so I haven't kept that. Please type your message instead."
)


class TelegramChannel:
    def __init__(self, config: TelegramConfig, gateway: Gateway) -> None:
        self._config = config
        self._gateway = gateway
        builder = Application.builder().token(config.token).base_url(config.api_url)
        builder = builder.concurrent_updates(True)
        if not config.polling:
            builder = builder.updater(None)
        self.application = builder.build()
        private = filters.ChatType.PRIVATE
        self.application.add_handler(MessageHandler(filters.TEXT & private, self._on_text))
        self.application.add_handler(MessageHandler(~filters.TEXT & private, self._on_other))
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self._background: set[asyncio.Task[None]] = set()
        gateway.attach(CHANNEL, self)

    # -- serving -----------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [] if self._config.polling else [web.post("/telegram/webhook", self._webhook)]

    async def start(self, *, serving: bool = True) -> None:
        """Check the token (getMe), then, `serving`, register the commands and poll or set
        the webhook; ChannelUnavailable says what is wrong in one line."""
        try:
            await self.application.initialize()  # calls getMe
        except InvalidToken as error:
            raise ChannelUnavailable(
                CHANNEL,
                "Telegram refused telegram.token (getMe: Unauthorized); set the token "
                "@BotFather gave and start again",
                refused=True,
            ) from error
        except NetworkError as error:
            raise ChannelUnavailable(
                CHANNEL,
                f"Telegram's API did not answer: {type(error).__name__}; will try again",
                refused=False,
            ) from error
        if not serving:
            return  # sending needs only the initialized bot
        await self.application.bot.set_my_commands(list(COMMANDS))
        if self._config.polling:
            assert self.application.updater is not None
            await self.application.updater.start_polling()
        elif self._config.webhook_url:
            await self.application.bot.set_webhook(
                self._config.webhook_url, secret_token=self._config.webhook_secret
            )
        await self.application.start()

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.application.bot.shutdown()  # its HTTP clients, even if getMe failed

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._config.webhook_secret.encode()):
            return web.Response(status=403, text="wrong secret token")
        try:
            data = json.loads(await request.text())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("no update_id")
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as problem:
            log.warning("refused a Telegram webhook body: %s", type(problem).__name__)
            return web.Response(status=400, text="not a Telegram update")
        try:
            await self.take(update)
        except TryAgainLater as problem:
            log.warning("Telegram update not stored yet (Telegram will retry): %s", problem)
            return web.Response(status=503, text="try again")
        return web.Response(status=200)

    async def take(self, update: Update) -> None:
        """Commit an update to the inbox (or queue the reply it needs); Telegram is answered
        after this returns."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or (chat is not None and chat.type != "private"):
            return
        address = {"chat": str(user.id)}
        key = f"update:{update.update_id}"
        query, message = update.callback_query, update.effective_message
        if query is not None:
            event = Event(CHANNEL, str(user.id), key, address, "", query.data or "", button=True)
            await self._gateway.receive(event)
            self._later(query.answer())
        elif message is not None and message.text is not None:
            text = as_command(message.text)
            await self._gateway.receive(Event(CHANNEL, str(user.id), key, address, text))
        elif message is not None:  # photos, files, stickers, voice: not read, nor kept
            event = Event(CHANNEL, str(user.id), key, address)
            await self._gateway.inbox.answer_only(event, [NOT_TEXT])

    def _later(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- handlers ----------------------------------------------------------------------

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.take(update)

    async def _on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.take(update)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.take(update)

    # -- delivery ----------------------------------------------------------------------

    async def _post(self, chat_id: str, replies: list[Outbound]) -> None:
        bot = self.application.bot
        for message in render([r for r in replies if r.document is None]):
            await _patiently(
                partial(
                    bot.send_message,
                    chat_id,
                    message.html,
                    parse_mode="HTML",
                    reply_markup=message.keyboard,
                )
            )
        for reply in replies:
            if reply.document is not None:  # a Word file, its text as the caption
                file = reply.document
                await _patiently(
                    partial(
                        bot.send_document,
                        chat_id,
                        file.content,
                        filename=file.filename,
                        caption=reply.text[:MAX_CAPTION],
                    )
                )

    async def reply(self, address: dict[str, Any], messages: list[Outbound]) -> bool:
        """Deliver queued replies to a private chat; False if Telegram did not take them."""
        return await self.send(str(address["chat"]), str(address["chat"]), messages)

    async def send(self, person_id: str, user_id: str, messages: list[Outbound]) -> bool:
        """Deliver to a person; False if they blocked the bot or Telegram could not be reached."""
        try:
            await self._post(user_id, messages)
        except (Forbidden, NetworkError, RetryAfter) as error:
            log.warning("Telegram could not deliver to %s: %s", person_id, error)
            return False
        except TelegramError as error:
            log.warning("Telegram refused a message to %s: %s", person_id, error)
            return False
        return True


async def _patiently(send: Callable[[], Awaitable[object]]) -> None:
    """Send, waiting out Telegram's flood control: a message is never dropped for it."""
    for attempt in range(FLOOD_RETRIES + 1):
        try:
            await send()
            return
        except RetryAfter as flood:
            if attempt == FLOOD_RETRIES:
                raise
            await asyncio.sleep(_seconds(flood.retry_after))


def _seconds(retry_after: object) -> float:
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(str(retry_after))
