"""A fake PostgreSQL server that asks for a password and refuses it, as a real server does
for a wrong password (SQLSTATE 28P01): enough of the wire protocol for libpq to report it."""

from __future__ import annotations

import asyncio
import struct

SSL_OR_GSS = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered "N" (not offered)


class RefusingPostgres:
    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self.port = 0
        self.attempts = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                (length,) = struct.unpack("!I", await reader.readexactly(4))
                body = await reader.readexactly(length - 4)
                if struct.unpack("!I", body[:4])[0] in SSL_OR_GSS:
                    writer.write(b"N")
                    continue
                user = dict(zip(*[iter(body[4:].split(b"\0"))] * 2, strict=False)).get(b"user")
                writer.write(b"R" + struct.pack("!II", 8, 3))  # cleartext password, please
                await writer.drain()
                await reader.readexactly(1)  # "p"
                (length,) = struct.unpack("!I", await reader.readexactly(4))
                await reader.readexactly(length - 4)
                self.attempts += 1
                message = f'password authentication failed for user "{(user or b"").decode()}"'
                fields = b"".join(
                    code + value.encode() + b"\0"
                    for code, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", "28P01"),
                                        (b"M", message))
                ) + b"\0"  # fmt: skip
                writer.write(b"E" + struct.pack("!I", len(fields) + 4) + fields)
                await writer.drain()
                break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
