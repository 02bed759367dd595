"""Feeds fill a :class:`DisplayModel`: from a ``dash serve`` over SSE, a store, or fixed data.

Every display (panel, terminal, web) uses one of these, so they all see the same state the same
way. A malformed event is logged (at most once a minute per reason) and skipped: a display keeps
showing its last frames rather than crash on a bad message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from dashcli.core.envelope import CONTROL_ACTIONS, EnvelopeError, Update
from dashcli.core.errors import DashError
from dashcli.displays.model import DisplayModel
from dashcli.logs import RateLimitedLog
from dashcli.renderers.notice import parse_notice
from dashcli.store.base import Store

if TYPE_CHECKING:
    from dashcli.displays.sse import Event

log = logging.getLogger(__name__)
# The SSE event of the web preview's loop inside ``dash serve`` (dashcli/displays/web).
FRAME_EVENT = "frame"
# A notification for every display (POST /notify).
NOTICE_EVENT = "notify"


def events_url(server: str, types: Iterable[str] | None = None) -> str:
    """The ``/events`` URL of a server base URL, with an optional ``types`` filter."""
    base = server.rstrip("/")
    wanted = sorted(set(types or ()))
    return f"{base}/events" + (f"?{urlencode({'types': ','.join(wanted)})}" if wanted else "")


class ServerFeed:
    """Follows a ``dash serve`` over SSE; reconnects and resumes with ``Last-Event-ID``."""

    def __init__(self, server: str, *, token: str | None = None,
                 types: Iterable[str] | None = None) -> None:
        self.url = events_url(server, types)
        self.token = token
        self._bad = RateLimitedLog(log)

    async def run(self, model: DisplayModel) -> None:
        def status(connected: bool, detail: str) -> None:
            model.set_connection(connected, detail)

        from dashcli.displays.sse import SSEClient  # httpx: only displays following a server

        client = SSEClient(self.url, token=self.token, on_status=status)
        async for event in client.events():
            self.handle(model, event)

    def handle(self, model: DisplayModel, event: Event) -> None:
        """Apply one SSE event: ``control`` actions, ``shutdown``, or a state update."""
        if event.event == "control":
            try:
                action = json.loads(event.data).get("action")
            except (ValueError, AttributeError):
                action = None
            if action in CONTROL_ACTIONS:
                model.control(action)
            else:
                self._bad.warning("control", f"bad control event: {event.data[:80]}")
            return
        if event.event == NOTICE_EVENT:
            try:
                model.notify(parse_notice(json.loads(event.data)))
            except (ValueError, DashError) as exc:
                self._bad.warning("notify", f"bad notify event: {exc}")
            return
        if event.event == "shutdown":
            model.set_connection(False, "server shutting down")
            return
        if event.event == FRAME_EVENT:
            return  # the server's own preview loop announcing its page: not data
        try:
            update = Update.from_json(event.data)
        except EnvelopeError as exc:
            self._bad.warning("update", f"bad update event: {event.event}: {exc}")
            return
        model.apply(update)


class StoreFeed:
    """Reads a store directly (inside ``dash serve``): its snapshot, then every put."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def run(self, model: DisplayModel) -> None:
        updates = self.store.subscribe()
        model.replace_all(await self.store.snapshot())
        model.set_connection(True, self.store.name)
        async for update in updates:
            model.apply(update)


class StaticFeed:
    """Fixed updates (``--demo`` or ``--data FILE``): loaded once, nothing to follow."""

    def __init__(self, updates: Iterable[Update]) -> None:
        self.updates = {update.type: update for update in updates}

    async def run(self, model: DisplayModel) -> None:
        model.replace_all(self.updates)
