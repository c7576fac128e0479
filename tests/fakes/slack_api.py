"""A fake of the Slack Web API that answers like Slack and records every call.

It checks what Slack checks and tests rely on: the bot token, at most 50 blocks a message,
at most 3,000 characters in a section's text, a non-empty `text` or `blocks`; and it can
answer the next calls of a method with HTTP 429 and a Retry-After header.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.http_fake import Call, RecordingServer

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"  # Socket Mode's app-level token
BOT_USER = "UBOT"


class FakeSlackApi(RecordingServer):
    def __init__(self) -> None:
        super().__init__()
        self.users: dict[str, dict[str, Any]] = {}  # user id -> users.info "user"
        self._limited: dict[str, tuple[int, int]] = {}  # method -> (remaining 429s, retry after)
        self._ts = itertools.count(1)
        self.sockets: list[web.WebSocketResponse] = []  # Socket Mode connections
        self.acks: list[dict[str, Any]] = []  # what the app answered over them
        # files_upload_v2: file id -> {"filename", "length", "content", "title", "channel"}
        self.files: dict[str, dict[str, Any]] = {}
        self._file_ids = itertools.count(1)
        self.held: set[str] = set()  # methods whose calls hang (never answered, not recorded)
        self.slow: dict[str, float] = {}  # method -> seconds each call takes before it is taken

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def rate_limit(self, method: str, times: int, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 Too Many Requests."""
        self._limited[method] = (times, retry_after)

    def routes(self) -> list[web.RouteDef]:
        return [
            web.route("*", "/api/{method}", self._handle),
            web.get("/link", self._socket),
            web.post("/upload/{file_id}", self._upload),
        ]

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal hands out: takes the file's bytes."""
        entry = self.files.get(request.match_info["file_id"])
        body = await request.read()
        self.calls.append(Call("upload", {"bytes": len(body)}, request.path, dict(request.headers)))
        if entry is None or len(body) != entry["length"]:
            return web.Response(status=400, text="bad upload")
        entry["content"] = body
        return web.Response(status=200, text="OK - " + str(len(body)))

    def uploaded(self, channel: str) -> list[dict[str, Any]]:
        """Files completed into `channel` (completeUploadExternal), with their bytes."""
        return [f for f in self.files.values() if f.get("channel") == channel]

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then record every acknowledgement the app sends."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A1"}})  # fmt: skip
        async for message in socket:
            if message.type == web.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        return socket

    async def push(self, envelope_id: str, kind: str, payload: dict[str, Any]) -> None:
        """Deliver an envelope over the newest Socket Mode connection, as Slack does."""
        await self.sockets[-1].send_json({"envelope_id": envelope_id, "type": kind,
                                          "payload": payload, "accepts_response_payload": False,
                                          "retry_attempt": 0, "retry_reason": ""})  # fmt: skip

    async def stop(self) -> None:
        for socket in self.sockets:
            await socket.close()
        await super().stop()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await _body(request)
        if method in self.held:
            await asyncio.Event().wait()  # like a service that took the call and never answered
        await asyncio.sleep(self.slow.get(method, 0))
        self.calls.append(Call(method, body, request.path, dict(request.headers)))
        remaining, retry_after = self._limited.get(method, (0, 0))
        if remaining:
            self._limited[method] = (remaining - 1, retry_after)
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        if method == "apps.connections.open":
            if request.headers.get("Authorization") != f"Bearer {APP_TOKEN}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": self.url.replace("http", "ws") + "/link"})
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response(self._answer(method, body))

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://council.slack.com/", "team": "Council",
                    "user": "supervision", "team_id": "T1", "user_id": BOT_USER,
                    "bot_id": "BBOT", "is_enterprise_install": False}  # fmt: skip
        if method in {"chat.postMessage", "chat.update"}:
            problem = _message_problem(body)
            if problem:
                return {"ok": False, "error": problem}
            return {
                "ok": True,
                "channel": body["channel"],
                "ts": f"1700000000.{next(self._ts):06d}",
            }
        if method in {"views.open", "views.publish"}:
            view = body.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            if not isinstance(view, dict) or len(view.get("blocks", [])) > 100:
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True, "view": {"id": "V1", **view}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(body.get("users", ""))}}
        if method == "files.getUploadURLExternal":
            return self._upload_url(body)
        if method == "files.completeUploadExternal":
            return self._complete(body)
        if method == "users.info":
            user = self.users.get(str(body.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "users.lookupByEmail":
            for user in self.users.values():
                if user.get("profile", {}).get("email") == body.get("email"):
                    return {"ok": True, "user": user}
            return {"ok": False, "error": "users_not_found"}
        return {"ok": False, "error": "unknown_method"}

    def _upload_url(self, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("filename") or not str(body.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._file_ids):04d}"
        self.files[file_id] = {"filename": body["filename"], "length": int(body["length"])}
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}

    def _complete(self, body: dict[str, Any]) -> dict[str, Any]:
        listed = body.get("files")
        listed = json.loads(listed) if isinstance(listed, str) else listed
        channel = body.get("channel_id")
        done = []
        for item in listed or []:
            entry = self.files.get(item.get("id"))
            if entry is None or "content" not in entry or not channel:
                return {"ok": False, "error": "invalid_arguments"}
            entry |= {"title": item.get("title"), "channel": channel,
                      "comment": body.get("initial_comment")}  # fmt: skip
            done.append({"id": item["id"], "name": entry["filename"], "title": item.get("title")})
        return {"ok": True, "files": done}

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The bodies of chat.postMessage calls that Slack accepted, optionally to one channel."""
        return [
            c.body
            for c in self.named("chat.postMessage")
            if (channel is None or c.body.get("channel") == channel)
            and not _message_problem(c.body)
        ]

    def posted_text(self, channel: str) -> str:
        """Everything shown to `channel`: each section's text, in order."""
        return "\n".join(
            block["text"]["text"]
            for body in self.posted(channel)
            for block in _blocks(body)
            if block.get("type") == "section"
        )


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.text()
    if request.content_type == "application/json" and raw:
        return dict(json.loads(raw))
    fields = dict(parse_qsl(raw)) if raw else {}
    return {**dict(request.query), **fields}


def _blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = body.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def _message_problem(body: dict[str, Any]) -> str | None:
    blocks = _blocks(body)
    if not body.get("channel"):
        return "channel_not_found"
    if not body.get("text") and not blocks:
        return "no_text"
    if len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
            return "invalid_blocks"
    return None
