"""A real SSE client for the server tests: raw HTTP/1.1 over asyncio, SSE wire format parsed here.

It reads the stream exactly as a display does (chunked or identity body, WHATWG event fields),
keeps comments (keep-alive pings) apart, and can be made deliberately slow: a tiny receive buffer
and no reading, so the server's write buffer for it fills up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Event:
    """One dispatched SSE event."""

    event: str
    data: str
    id: str | None

    def json(self) -> Any:
        return json.loads(self.data)


class SSEClient:
    """``async with SSEClient(url) as client: event = await client.next_event()``."""

    def __init__(
        self, url: str, headers: dict[str, str] | None = None, *, slow: bool = False
    ) -> None:
        self.url = url
        self.headers = headers or {}
        self.slow = slow
        self.status = 0
        self.response_headers: dict[str, str] = {}
        self.comments: list[str] = []
        self.retry: int | None = None
        self.closed = False
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._chunked = False
        self._chunk_left = 0
        self._text = ""
        self._ready: list[Event] = []
        self._fields: dict[str, list[str]] = {}
        self._last_id: str | None = None

    async def __aenter__(self) -> SSEClient:
        await self.connect()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def connect(self) -> None:
        """Open the connection, send the request and read the response head."""
        parts = urlsplit(self.url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.slow:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
        self._reader, self._writer = await asyncio.open_connection(
            sock=sock, limit=1024 if self.slow else 2**20
        )
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await asyncio.wait_for(self._reader.readuntil(b"\r\n\r\n"), 5)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                self.response_headers[name.strip().lower()] = value.strip()
        self._chunked = "chunked" in self.response_headers.get("transfer-encoding", "")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()

    async def body(self, timeout: float = 5.0) -> bytes:
        """The rest of a non-SSE response body (for error replies)."""
        assert self._reader is not None
        length = int(self.response_headers.get("content-length", "0"))
        return await asyncio.wait_for(self._reader.readexactly(length), timeout)

    async def _read(self) -> bytes:
        """The next piece of the body; b"" at the end of the stream."""
        assert self._reader is not None
        if not self._chunked:
            return await self._reader.read(65536)
        if self._chunk_left == 0:
            size_line = await self._reader.readline()
            if not size_line:
                return b""
            self._chunk_left = int(size_line.split(b";")[0].strip() or b"0", 16)
            if self._chunk_left == 0:
                await self._reader.readline()
                return b""
        data = await self._reader.read(self._chunk_left)
        if not data:
            return b""
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            await self._reader.readexactly(2)
        return data

    def _feed(self, text: str) -> None:
        self._text += text
        while "\n" in self._text:
            line, self._text = self._text.split("\n", 1)
            line = line.removesuffix("\r")
            if not line:
                if "data" in self._fields:
                    event = self._fields.get("event", ["message"])[-1]
                    self._ready.append(
                        Event(event, "\n".join(self._fields["data"]), self._last_id)
                    )
                self._fields = {}
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "id":
                self._last_id = value
            elif name == "retry":
                self.retry = int(value)
            else:
                self._fields.setdefault(name, []).append(value)

    async def next_event(self, timeout: float = 5.0) -> Event:
        """The next dispatched event; TimeoutError if none comes, EOFError at the end."""
        async with asyncio.timeout(timeout):
            while not self._ready:
                data = await self._read()
                if not data:
                    self.closed = True
                    raise EOFError("SSE stream ended")
                self._feed(data.decode())
        return self._ready.pop(0)

    async def take(self, count: int, timeout: float = 5.0) -> list[Event]:
        """The next ``count`` events."""
        return [await self.next_event(timeout) for _ in range(count)]

    async def wait_closed(self, timeout: float = 5.0) -> list[Event]:
        """Read until the server ends the stream; returns the events read meanwhile."""
        events: list[Event] = []
        try:
            while True:
                events.append(await self.next_event(timeout))
        except EOFError:
            return events
        except ConnectionError:
            self.closed = True
            return events
