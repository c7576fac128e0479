"""Word files in Teams: the file consent flow. The assistant sends a file consent card; when
the person accepts, Teams invokes us with an upload URL in their OneDrive, and we make the file
again (through the same command, so the access check runs again), upload it, and show it."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from bot.assistant.gateway import ChannelMessage, Gateway
from bot.channels.teams.cards import FILE, file_info_card, render
from dialogs.messages import Outbound

log = logging.getLogger(__name__)
DECLINED = Outbound("All right, I haven't sent the file.")
FAILED = Outbound("Sorry, I couldn't put the file in your OneDrive. Please ask for it again.")
UPLOAD_SECONDS = 60


async def on_file_consent(gateway: Gateway, channel: str, context: TurnContext) -> InvokeResponse:
    """Answer a `fileConsent/invoke`: upload on accept, acknowledge a decline."""
    activity: Activity = context.activity
    value: dict[str, Any] = activity.value if isinstance(activity.value, dict) else {}
    command = str((value.get("context") or {}).get(FILE) or "")
    if value.get("action") != "accept" or not command:
        await context.send_activities(render([DECLINED]))
        return InvokeResponse(status=200)
    sender = activity.from_property
    user_id = str(getattr(sender, "aad_object_id", None) or sender.id)
    person = await gateway.person(channel, user_id)
    replies = (
        await gateway.handle_as(person, ChannelMessage(channel, user_id, command))
        if person is not None
        else []
    )
    files = [r for r in replies if r.document is not None]
    if not files:  # no longer allowed (or unknown): say what the command says now
        await context.send_activities(render(replies or [DECLINED]))
        return InvokeResponse(status=200)
    upload = value.get("uploadInfo") or {}
    assert files[0].document is not None
    if not await _put(str(upload.get("uploadUrl", "")), files[0].document.content):
        await context.send_activities(render([FAILED]))
        return InvokeResponse(status=200)
    await context.send_activity(file_info_card(upload))
    return InvokeResponse(status=200)


async def _put(url: str, content: bytes) -> bool:
    """Upload the whole file in one PUT, as the consent flow's upload session accepts."""
    headers = {
        "Content-Length": str(len(content)),
        "Content-Range": f"bytes 0-{len(content) - 1}/{len(content)}",
    }
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=UPLOAD_SECONDS)) as http,
            http.put(url, data=content, headers=headers) as response,
        ):
            return response.status in {200, 201}
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        log.warning("Teams file upload failed: %s", type(error).__name__)
        return False
