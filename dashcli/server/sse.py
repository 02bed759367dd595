"""Server-Sent Events fan-out: one broadcaster per server, each event encoded once for every client.

The design is fixed by the fan-out benchmark (issue 3, section 6): a task and a queue per client
cost too much at 1000+ clients, so the :class:`Broadcaster` encodes each event once into the bytes
of an SSE block (plus its HTTP/1.1 chunk framing) and writes those same bytes straight to every
subscribed client's transport in turn, with a per-client type filter. A client whose transport
write buffer passes a bound is aborted and counted, so one slow reader never stalls the others.
A new client is registered in a *pending* state first: live events queue up for it while its
catch-up (current state, or the updates missed since ``Last-Event-ID``) is written, then the queued
events it has not already seen are flushed and it joins the shared write path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web

from dashcli.core.envelope import Update

log = logging.getLogger(__name__)

DEFAULT_MAX_BUFFER = 1024 * 1024
DEFAULT_PING_INTERVAL = 15.0
DEFAULT_RETRY_MS = 3000
# Announcements that are not data (the preview loop's page frames) reach only the clients that
# name them in ?types=; a client without a filter gets every data type and control events.
OPT_IN_KINDS = frozenset({"frame"})
# Live events a client may queue while its catch-up is written before it counts as too slow.
PENDING_LIMIT = 1000
# Recent encoded updates by seq: clients connecting together share their catch-up bytes.
ENCODED_CACHE_SIZE = 1024
# What a new client is sent before live events: current state, or the updates it missed.
CatchUp = Callable[[], Awaitable[list[Update]]]
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
}


@dataclass(frozen=True, eq=False)
class EncodedEvent:
    """One encoded SSE block: ``raw`` for identity bodies, ``chunk`` with HTTP/1.1 chunk framing.

    ``kind`` is the data type the type filter applies to (None: every client gets it, as for
    control and shutdown events); ``seq`` orders encoded updates against a client's catch-up.
    """

    raw: bytes
    chunk: bytes
    kind: str | None = None
    seq: int | None = None


def encode_event(
    event: str | None, data: str | None, *, event_id: int | None = None,
    kind: str | None = None, comment: str | None = None, retry_ms: int | None = None,
) -> EncodedEvent:
    """Encode one SSE block (event/id/retry/data lines or a comment) once, in both framings."""
    lines: list[str] = []
    if comment is not None:
        lines.append(f": {_one_line(comment)}")
    if retry_ms is not None:
        lines.append(f"retry: {retry_ms}")
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {_one_line(event)}")
    if data is not None:
        # Only CR and LF end SSE lines (str.splitlines would also split on U+2028 and others).
        lines.extend(f"data: {line}" for line in LINE_BREAK.split(data))
    raw = ("\n".join(lines) + "\n\n").encode()
    return EncodedEvent(raw, b"%x\r\n%b\r\n" % (len(raw), raw), kind, event_id)


def _one_line(text: str) -> str:
    """A field value that cannot end its line early (a type name is user input)."""
    return LINE_BREAK.sub(" ", text)


def encode_update(update: Update) -> EncodedEvent:
    """The SSE event of a stored update: ``event:`` = type, ``id:`` = seq, data = the envelope."""
    return encode_event(update.type, update.to_json(), event_id=update.seq, kind=update.type)


@dataclass(eq=False)
class Client:
    """One connected SSE client: its transport, framing, type filter and catch-up state."""

    transport: asyncio.Transport
    chunked: bool
    types: frozenset[str] | None
    done: asyncio.Future[None]
    pending: list[EncodedEvent] | None = field(default_factory=list)

    def write(self, event: EncodedEvent) -> None:
        self.transport.write(event.chunk if self.chunked else event.raw)


@dataclass
class SSEStats:
    """Counters for ``/metrics`` and ``/status``."""

    connections: int = 0
    events_sent: int = 0
    dropped: int = 0


class Broadcaster:
    """Fans every event out to the connected SSE clients, encoding it once.

    ``latest`` mirrors the newest update of each type the broadcaster has sent and ``position``
    the highest seq. New clients catch up from this mirror (not from the store, which may be
    ahead of the stream), so catch-up and live events never overlap; it also keeps state
    available while the store is unreachable.
    """

    def __init__(
        self, *, max_buffer: int = DEFAULT_MAX_BUFFER, retry_ms: int = DEFAULT_RETRY_MS
    ) -> None:
        self.max_buffer = max_buffer
        self.retry_ms = retry_ms
        self.stats = SSEStats()
        self.latest: dict[str, Update] = {}
        self.position = 0
        self.closing = False
        self._clients: dict[Client, None] = {}
        self._encoded: OrderedDict[int, EncodedEvent] = OrderedDict()
        self._ping = encode_event(None, None, comment="ping")

    @property
    def client_count(self) -> int:
        return len(self._clients)

    def encoded(self, update: Update) -> EncodedEvent:
        """``update`` encoded once, shared by every client that gets it."""
        if update.seq is None:
            return encode_update(update)
        event = self._encoded.get(update.seq)
        if event is None:
            event = self._encoded[update.seq] = encode_update(update)
            if len(self._encoded) > ENCODED_CACHE_SIZE:
                self._encoded.popitem(last=False)
        return event

    def remember(self, updates: Iterable[Update]) -> None:
        """Seed the mirror (at start-up, from the store's snapshot)."""
        for update in updates:
            self._record(update)

    def publish(self, update: Update) -> None:
        """Send a stored update to every client whose filter accepts its type.

        An update no newer than the mirror's of its type is one the clients already have (the
        subscription began before the start-up snapshot was read): it is not sent again.
        """
        current = self.latest.get(update.type)
        if current is not None and update.seq is not None and current.seq is not None and (
            update.seq <= current.seq
        ):
            return
        self._record(update)
        self.send(self.encoded(update))

    def _record(self, update: Update) -> None:
        self.latest[update.type] = update
        if update.seq is not None:
            self.position = max(self.position, update.seq)

    def control(self, action: str) -> int:
        """Broadcast a display control event (pause, resume, next, prev); returns the clients."""
        self.send(encode_event("control", json.dumps({"action": action})))
        return len(self._clients)

    def ping(self) -> None:
        """A keep-alive comment to every live client (also finds connections that went away)."""
        self.send(self._ping, skip_pending=True)

    def send(self, event: EncodedEvent, *, skip_pending: bool = False) -> None:
        """Write ``event`` to every client that wants it; drop clients that cannot keep up.

        This loop runs once per event for every client (80,000 writes a second at 4000
        clients and 20 events/s), so it stays flat: no per-client calls but the transport's.
        """
        limit = self.max_buffer
        kind = event.kind
        opt_in = kind in OPT_IN_KINDS
        sent = 0
        for client in tuple(self._clients):
            types = client.types
            if kind is not None and (kind not in types if types is not None else opt_in):
                continue
            if client.pending is not None:
                if skip_pending:
                    continue
                client.pending.append(event)
                if len(client.pending) > PENDING_LIMIT:
                    self.drop(client, f"{PENDING_LIMIT} events queued behind its catch-up")
                continue
            transport = client.transport
            if transport.is_closing():
                self._release(client)
            elif transport.get_write_buffer_size() > limit:
                self.drop(client, f"more than {limit} bytes unsent")
            else:
                transport.write(event.chunk if client.chunked else event.raw)
                sent += 1
        self.stats.events_sent += sent

    def drop(self, client: Client, reason: str) -> None:
        """Disconnect a client that cannot keep up (counted in the metrics)."""
        self.stats.dropped += 1
        log.warning("SSE client dropped: %s", reason)
        client.transport.abort()
        self._release(client)

    def _release(self, client: Client) -> None:
        self._clients.pop(client, None)
        if not client.done.done():
            client.done.set_result(None)

    async def stream(
        self, request: web.Request, types: frozenset[str] | None, catch_up: CatchUp
    ) -> web.StreamResponse:
        """Serve one ``/events`` request until the client leaves, is dropped or the server stops."""
        response = web.StreamResponse(headers=SSE_HEADERS)
        chunked = request.version >= (1, 1)
        if chunked:
            response.enable_chunked_encoding()
        else:
            response.force_close()
        await response.prepare(request)
        transport = request.transport
        if transport is None:
            return response
        client = Client(transport, chunked, types, asyncio.get_running_loop().create_future())
        self._clients[client] = None
        self.stats.connections += 1
        try:
            await response.write(encode_event(None, None, retry_ms=self.retry_ms).raw)
            updates = await catch_up()
            for update in updates:
                await response.write(self.encoded(update).raw)
            self._go_live(client, updates)
            await client.done
        except ConnectionResetError:
            log.debug("SSE client left during catch-up")
        finally:
            self._release(client)
        return response

    def _go_live(self, client: Client, sent: list[Update]) -> None:
        """Flush the events queued during catch-up that the client has not seen, then go live.

        A queued update is skipped when the catch-up already carried it or a newer one of its
        type: the catch-up was read after the client registered, so it may overlap the queue.
        """
        floor = {update.type: update.seq or 0 for update in sent}
        pending, client.pending = client.pending or [], None
        if client.transport.is_closing():
            return
        for event in pending:
            if event.seq is not None and event.kind is not None and event.seq <= floor.get(
                event.kind, -1
            ):
                continue
            client.write(event)
            self.stats.events_sent += 1

    async def shutdown(self) -> None:
        """Send every client a final ``shutdown`` event and end its stream (server stopping)."""
        self.closing = True
        final = encode_event("shutdown", json.dumps({"reason": "server stopping"}))
        for client in tuple(self._clients):
            if not client.transport.is_closing():
                client.write(final)
            self._release(client)

