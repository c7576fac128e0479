"""A fake of the Telegram Bot API that answers like Telegram and records every call.

It checks what Telegram checks and the tests rely on: the token in the URL, message text of
1–4,096 characters after HTML entities are parsed, HTML that parses (an unescaped "<" that does
not start a supported tag is refused, as Telegram does), and callback data of at most 64 bytes.
`sendDocument` takes the file as a multipart/form-data upload, with a caption of at most 1,024
characters, as Telegram does.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.http_fake import Call, RecordingServer

TOKEN = "123456:TEST-token"
BOT = {"id": 123456, "is_bot": True, "first_name": "Supervision Assistant",
       "username": "sva_test_bot", "can_join_groups": False,
       "can_read_all_group_messages": False, "supports_inline_queries": False}  # fmt: skip
TAGS = r"/?(b|strong|i|em|u|ins|s|strike|del|a|code|pre|tg-spoiler|blockquote|span)\b"


class FakeTelegramApi(RecordingServer):
    def __init__(self) -> None:
        super().__init__()
        self._message_ids = itertools.count(1)
        self.pending_updates: list[dict[str, Any]] = []  # handed out by getUpdates (polling)

    @property
    def api_url(self) -> str:
        return self.url + "/bot"

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/bot{token}/{method}", self._handle)]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            body = await _body(request)
        except ConnectionResetError:  # the bot was killed mid-request (the fault suite)
            raise web.HTTPBadRequest() from None  # nobody is listening; no traceback
        self.calls.append(Call(method, body, request.path, dict(request.headers)))
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._updates(body)})
        problem = _problem(method, body)
        if problem:
            return _error(400, problem)
        return web.json_response({"ok": True, "result": self._result(method, body)})

    async def _updates(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling, shortened: updates from `offset` on, else an empty list after 0.1 s."""
        offset = int(body.get("offset") or 0)
        self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        if not self.pending_updates:
            await asyncio.sleep(0.1)
        return list(self.pending_updates)

    def _result(self, method: str, body: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method == "sendMessage":
            return {"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": int(body["chat_id"]), "type": "private"},
                    "from": BOT, "text": html.unescape(body["text"])}  # fmt: skip
        if method == "sendDocument":
            file = body["document"]
            return {"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": int(body["chat_id"]), "type": "private"}, "from": BOT,
                    "caption": body.get("caption", ""),
                    "document": {"file_id": f"doc{len(self.calls)}", "file_unique_id": "u1",
                                 "file_name": file["filename"], "file_size": len(file["content"])},
                    }  # fmt: skip
        return True  # setMyCommands, setWebhook, answerCallbackQuery, ...

    def sent(self, chat_id: str) -> list[dict[str, Any]]:
        """sendMessage calls Telegram accepted for `chat_id`."""
        return [
            c.body
            for c in self.named("sendMessage")
            if str(c.body.get("chat_id")) == chat_id and not _problem("sendMessage", c.body)
        ]

    def documents(self, chat_id: str) -> list[dict[str, Any]]:
        """Files Telegram accepted for `chat_id`: filename, content (bytes) and caption."""
        return [
            {**c.body["document"], "caption": c.body.get("caption", "")}
            for c in self.named("sendDocument")
            if str(c.body.get("chat_id")) == chat_id and not _problem("sendDocument", c.body)
        ]

    def shown(self, chat_id: str) -> str:
        """The text a person saw (entities parsed), message after message."""
        return "\n".join(html.unescape(m["text"]) for m in self.sent(chat_id))


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type == "multipart/form-data":  # an upload: files and form fields
        form = await request.post()
        return {
            k: {"filename": v.filename, "content": v.file.read()}
            if isinstance(v, web.FileField)
            else _maybe_json(str(v))
            for k, v in form.items()
        }
    raw = await request.text()
    if request.content_type == "application/json":
        return dict(json.loads(raw)) if raw else {}
    return {k: _maybe_json(v) for k, v in parse_qsl(raw)}


def _maybe_json(value: str) -> Any:
    if value[:1] in "[{":
        return json.loads(value)
    return value


def _problem(method: str, body: dict[str, Any]) -> str | None:
    if method == "sendDocument":
        if not isinstance(body.get("document"), dict):
            return "Bad Request: there is no document in the request"
        if len(str(body.get("caption", ""))) > 1024:
            return "Bad Request: message caption is too long"
        return None
    if method != "sendMessage":
        return None
    text = str(body.get("text", ""))
    if body.get("parse_mode") == "HTML" and re.search(r"<(?!" + TAGS + ")", text):
        return "Bad Request: can't parse entities: unsupported start tag"
    shown = html.unescape(text) if body.get("parse_mode") == "HTML" else text
    if not shown.strip():
        return "Bad Request: message text is empty"
    if len(shown) > 4096:
        return "Bad Request: message is too long"
    for row in (body.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            if len(str(button.get("callback_data", "")).encode()) > 64:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


def _error(status: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": status, "description": description}
    return web.json_response(body, status=status)
