"""The console channel: the assistant in a terminal, interactive or as JSON lines.

`--json` is a documented contract: one message per input line in; one JSON object per
assistant message out, written and flushed only after the answer has been stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from bot.assistant.inbox import unsaved
from bot.assistant.service import Assistant
from bot.errors import StorageRefused, TryAgainLater
from dialogs.messages import Expects, Inbound, Outbound

CHANNEL = "console"
WELCOME = "Supervision Assistant. Type /help to see what I can do; Ctrl-D or Ctrl-C to leave."
NOT_UTF8 = Outbound(
    "That message isn't valid UTF-8 text, so I couldn't read it. Please type it again."
)


class ConsoleChannel:
    """Reads lines from `stdin` for one person and writes the assistant's replies."""

    def __init__(
        self,
        *,
        assistant: Assistant,
        person_id: str,
        stdin: BinaryIO,
        stdout: TextIO,
        as_json: bool,
    ) -> None:
        self._assistant = assistant
        self._person_id = person_id
        self._stdin = stdin
        self._stdout = stdout
        self._as_json = as_json

    async def run(self) -> None:
        """Chat until stdin ends.

        Raises:
            StorageRefused: the database cannot save anything (read-only, full, deleted or
                replaced); the person has been told, and the chat ends.
        """
        if not self._as_json:
            pending = await self._assistant.pending(self._person_id)
            self._send([pending] if pending else [Outbound(WELCOME)])
        lines = self._read_lines()
        while True:
            if not self._as_json:
                self._stdout.write("> ")
                self._stdout.flush()
            line = await lines.get()
            if not line:
                return
            self._send(await self._reply(line))

    def _read_lines(self) -> asyncio.Queue[bytes]:
        """Lines from stdin, read by a daemon thread: a blocked read never holds up the end
        of the process, so Ctrl-C ends the chat at once (not at the next Enter)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes] = asyncio.Queue()

        def read() -> None:
            for line in _lines(self._stdin):
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                except RuntimeError:  # the chat has ended; nobody is listening
                    return

        threading.Thread(target=read, name="console-stdin", daemon=True).start()
        return queue

    async def _reply(self, line: bytes) -> list[Outbound]:
        try:
            text = line.decode("utf-8").removesuffix("\n").removesuffix("\r")
        except UnicodeDecodeError:
            return [NOT_UTF8]
        try:
            return await self._assistant.handle(
                Inbound(self._person_id, CHANNEL, text, bare_commands=True)
            )
        except StorageRefused as problem:
            self._send([unsaved(problem)])
            raise
        except TryAgainLater as problem:
            return [unsaved(problem)]

    def _send(self, messages: list[Outbound]) -> None:
        for message in messages:
            self._stdout.write(render_json(message) if self._as_json else render_text(message))
            self._stdout.write("\n")
        self._stdout.flush()


def _lines(stdin: BinaryIO) -> Iterator[bytes]:
    """Each line of `stdin`, then b"" at its end. A real file descriptor is read with os.read,
    unbuffered: a thread blocked in a buffered read would hold the buffer's lock and abort
    the interpreter's shutdown on Ctrl-C."""
    try:
        fd = stdin.fileno()
    except (OSError, ValueError):
        yield from iter(stdin.readline, b"")
        yield b""
        return
    pending = b""
    while chunk := os.read(fd, 65536):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from (line + b"\n" for line in complete)
    if pending:
        yield pending
    yield b""


def render_json(message: Outbound) -> str:
    """One JSON line (non-ASCII text kept readable). U+2028 and U+2029 are escaped: JSON
    allows them raw, but many line-splitting readers (JavaScript's among them) take them
    for line breaks and would cut the line in two."""
    line = json.dumps(message.to_json(), ensure_ascii=False)
    return line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_text(message: Outbound) -> str:
    """A message for a person at a terminal: the text, then numbered choices."""
    lines = [message.text]
    lines += [f"  {n}. {choice.label}" for n, choice in enumerate(message.choices, start=1)]
    if message.expects is Expects.SCALE:
        lines.append("  (a whole number from 0 to 10)")
    return "\n".join(lines)
