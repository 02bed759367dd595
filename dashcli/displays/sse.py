"""A Server-Sent Events client for ``dash serve``'s ``/events``: parsing, reconnecting, resuming.

:func:`parse_events` implements the WHATWG event-stream rules (``event``, ``data``, ``id``,
``retry``, comments) over a stream of lines. :class:`SSEClient` connects with httpx, yields
:class:`Event` objects, and on any disconnect reconnects with capped exponential backoff, sending
``Last-Event-ID`` so the server replays exactly what was missed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx

from dashcli.core.backoff import Backoff
from dashcli.sources.http import USER_AGENT

log = logging.getLogger(__name__)

RECONNECT_BASE = 0.5
RECONNECT_CAP = 15.0


@dataclass(frozen=True)
class Event:
    event: str
    data: str
    id: str | None


async def parse_events(lines: AsyncIterator[str]) -> AsyncIterator[Event | int]:
    """Events from event-stream lines; a ``retry:`` field is yielded as its int (milliseconds)."""
    kind, event_id = "", None
    data: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield Event(kind or "message", "\n".join(data), event_id)
            kind, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            kind = value
        elif name == "data":
            data.append(value)
        elif name == "id" and "\0" not in value:
            event_id = value
        elif name == "retry" and value.isdigit():
            yield int(value)


class SSEClient:
    """Follows one ``/events`` URL forever, resuming with ``Last-Event-ID`` after each drop."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        on_status: Callable[[bool, str], Awaitable[None] | None] | None = None,
        backoff: Backoff | None = None,
        read_timeout: float = 60.0,
    ) -> None:
        self.url = url
        self.last_event_id: str | None = None
        self._token = token
        self._on_status = on_status
        self._backoff = backoff or Backoff(base=RECONNECT_BASE, cap=RECONNECT_CAP)
        self._read_timeout = read_timeout

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "text/event-stream", "User-Agent": USER_AGENT}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        return headers

    async def _status(self, connected: bool, detail: str) -> None:
        if self._on_status is not None:
            result = self._on_status(connected, detail)
            if result is not None:
                await result

    async def events(self) -> AsyncIterator[Event]:
        """Every event, across reconnections, until the consumer stops iterating."""
        timeout = httpx.Timeout(10.0, read=self._read_timeout)
        async with httpx.AsyncClient(timeout=timeout) as client:
            while True:
                try:
                    async with client.stream("GET", self.url, headers=self._headers()) as response:
                        if response.status_code == 401:
                            await self._status(False, "401 Unauthorized: check the token")
                        elif response.status_code != 200:
                            await self._status(False, f"HTTP {response.status_code}")
                        else:
                            self._backoff.reset()
                            await self._status(True, "connected")
                            async for item in parse_events(response.aiter_lines()):
                                if isinstance(item, int):
                                    self._backoff.base = max(0.1, item / 1000)
                                    continue
                                if item.id is not None:
                                    self.last_event_id = item.id
                                yield item
                            await self._status(False, "server closed the stream")
                except httpx.HTTPError as exc:
                    await self._status(False, f"{type(exc).__name__}")
                    log.debug("SSE connection to %s failed: %r", self.url, exc)
                await self._backoff.sleep()
