"""The aiohttp application of ``dash serve``: state, SSE, control, frames, health and metrics.

:func:`create_app` builds the :class:`aiohttp.web.Application` around a store (and, optionally,
the scheduler whose status it reports). Its start-up seeds the broadcaster's state mirror from
the store, subscribes to the store and starts keep-alive pings; its shutdown sends every SSE
client a final event. When the store is shared (Redis), a control posted to this replica is
also published through it, and controls posted to other replicas reach this one's displays.
Everything the handlers share sits in one :class:`ServerContext` under :data:`CONTEXT`, so
further routes (the live preview page) are added with ``app.router.add_get(...)`` and read
``request.app[CONTEXT]``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from aiohttp import web

from dashcli.core.backoff import Backoff
from dashcli.core.envelope import CONTROL_ACTIONS, Update, utcnow
from dashcli.core.errors import UsageError
from dashcli.logs import RateLimitedLog
from dashcli.server.hosts import host_guard
from dashcli.server.metrics import Metrics
from dashcli.server.sse import DEFAULT_MAX_BUFFER, DEFAULT_PING_INTERVAL, Broadcaster
from dashcli.server.supervise import Supervised
from dashcli.store.base import ControlChannel, Store, StoreError

if TYPE_CHECKING:
    from dashcli.displays.loop import RenderFunction
    from dashcli.health import StatusSource
    from dashcli.profiles.schema import Profile
    from dashcli.renderers.notice import Notice

log = logging.getLogger(__name__)

# Browsers cannot set headers on EventSource or <img>: these paths also accept ?token=.
QUERY_TOKEN_PATHS = ("/events", "/frames/")
# "/" is the static preview page: its data comes from /events and /frames/ (token in the query).
OPEN_PATHS = frozenset({"/healthz", "/"})
STORE_TIMEOUT = 3.0
# Sharing a control waits at most this long: the local displays already have it.
CONTROL_SHARE_TIMEOUT = 1.0
RESUBSCRIBE_BASE_DELAY = 0.5
RESUBSCRIBE_MAX_DELAY = 10.0
MAX_PART = 99  # /frames/{page}.png?part=N: pages take a few frames, never this many
EVENT_ID = re.compile(r"[0-9]{1,18}")
T = TypeVar("T")


@dataclass
class ServerContext:
    """What every handler shares: the store, the broadcaster and the server's settings."""

    store: Store
    broadcaster: Broadcaster
    scheduler: StatusSource | None = None
    token: str | None = None
    ping_interval: float = DEFAULT_PING_INTERVAL
    size: tuple[int, int] = (128, 64)
    timezone: str = "UTC"
    # Draws /frames/{page}.png; dash serve passes the displays' renderer (profile fonts, clock).
    renderer: RenderFunction | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    # Internal tasks restarted after a failure; /readyz reports those that are down.
    supervised: list[Supervised] = field(default_factory=list)
    # Called with each control action (the preview's own display loop follows them too).
    control_listeners: list[Callable[[str], None]] = field(default_factory=list)
    complaints: RateLimitedLog = field(default_factory=lambda: RateLimitedLog(log))
    metrics: Metrics | None = None
    # Types the profile's cycle draws as app pages: POST /state checks them as apps.
    app_types: frozenset[str] = frozenset()
    # Set by dash serve: reads the profile again (None when valid, else the problem).
    reload: Callable[[], str | None] | None = None
    # Called with each notification (POST /notify): the preview's display loop shows them too.
    notify_listeners: list[Callable[[Notice], None]] = field(default_factory=list)

    def control(self, action: str) -> int:
        """Hand ``action`` to the control listeners and this replica's SSE clients (counted)."""
        for listener in self.control_listeners:
            listener(action)
        return self.broadcaster.control(action)

    def remote_control(self, action: str) -> None:
        """A control another replica published through the store: delivered here like a POST."""
        if action not in CONTROL_ACTIONS:
            self.complaints.warning("control", f"skipped an unknown shared control {action[:40]!r}")
            return
        self.control(action)

    async def state(self) -> tuple[dict[str, Update], bool]:
        """The latest update of every type, and whether it came from the store.

        While the store is unreachable the broadcaster's mirror answers, so displays keep
        their data (the response says so in ``X-Dash-State``).
        """
        try:
            return await store_call(self.store.snapshot()), True
        except StoreError as exc:
            log.warning("state from the server's mirror: %s", exc)
            return dict(self.broadcaster.latest), False


CONTEXT = web.AppKey("dash_context", ServerContext)


async def store_call(call: Awaitable[T], timeout: float = STORE_TIMEOUT) -> T:
    """Await a store call with a timeout; any backend failure becomes a StoreError."""
    try:
        # asyncio.timeout, not wait_for: 3.11's wait_for can hang when a cancellation and its
        # timeout coincide.
        async with asyncio.timeout(timeout):
            return await call
    except StoreError:
        raise
    except (OSError, TimeoutError, ConnectionError) as exc:
        raise StoreError(f"store unreachable ({type(exc).__name__})") from None


def create_app(
    store: Store,
    *,
    scheduler: StatusSource | None = None,
    token: str | None = None,
    max_buffer: int = DEFAULT_MAX_BUFFER,
    ping_interval: float = DEFAULT_PING_INTERVAL,
    retry_ms: int = 3000,
    size: tuple[int, int] = (128, 64),
    timezone: str = "UTC",
    renderer: RenderFunction | None = None,
    preview: Profile | None = None,
    app_types: frozenset[str] = frozenset(),
    hosts: frozenset[str] | None = None,
) -> web.Application:
    """The ``dash serve`` application for an opened ``store``.

    ``token`` enables bearer auth on every endpoint but ``/healthz``; ``max_buffer`` is the
    number of unsent bytes after which an SSE client is dropped. ``renderer`` draws
    ``/frames/{page}.png`` (default: ``dashcli.renderers.render`` at ``size`` and ``timezone``), so
    a
    profile's fonts and clock format reach it as they reach the displays. ``preview`` (a
    profile) adds the live preview page at ``/`` with a display loop following its cycle.
    ``app_types`` are the types ``POST /state/{type}`` checks as app pages. ``hosts`` is the
    ``Host`` allow-list (:mod:`dashcli.server.hosts`; None accepts any Host).
    """
    context = ServerContext(
        store=store,
        broadcaster=Broadcaster(max_buffer=max_buffer, retry_ms=retry_ms),
        scheduler=scheduler,
        token=token or None,
        ping_interval=ping_interval,
        size=size,
        timezone=timezone,
        renderer=renderer,
        app_types=app_types,
    )
    context.metrics = Metrics(store, scheduler=scheduler, broadcaster=context.broadcaster)
    app = web.Application(middlewares=[host_guard(hosts), _auth])
    app[CONTEXT] = context
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/status", _status)
    app.router.add_get("/metrics", context.metrics.handle)
    app.router.add_get("/state", _state)
    app.router.add_get("/state/{type}", _state_one)
    from dashcli.server.push import add_push_routes

    add_push_routes(app)
    from dashcli.server.notify import add_notify_route

    add_notify_route(app)
    app.router.add_get("/events", _events)
    app.router.add_post("/control/{action}", _control)
    if preview is not None:
        from dashcli.displays.web import add_preview

        add_preview(app, preview)
    app.router.add_get("/frames/{page}.png", _frame)
    app.cleanup_ctx.append(_background)
    app.on_shutdown.append(_shutdown)
    return app


def _json(
    data: object, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.json_response(
        data, status=status, headers=headers, dumps=lambda value: json.dumps(value, default=str)
    )


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    return _json({"error": message}, status=status, headers=headers)


@web.middleware
async def _auth(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Require the bearer token (when one is configured) everywhere but ``/healthz``."""
    token = request.app[CONTEXT].token
    if token is None or request.path in OPEN_PATHS:
        return await handler(request)
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        offered = ""
    if not offered and request.path.startswith(QUERY_TOKEN_PATHS):
        offered = request.query.get("token", "")
    if offered and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return await handler(request)
    return _error(401, "unauthorized: bearer token required", {"WWW-Authenticate": "Bearer"})


async def _healthz(request: web.Request) -> web.Response:
    return _json({"ok": True})


async def _readyz(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    try:
        ready = await store_call(context.store.ping())
    except StoreError:
        ready = False
    down = {task.name: task.problem for task in context.supervised if task.problem}
    ready = ready and not down
    body: dict[str, object] = {"ready": ready, "store": context.store.name}
    if down:
        body["tasks_down"] = down
    return _json(body, status=200 if ready else 503)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


async def _status(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    statuses = context.scheduler.status() if context.scheduler is not None else {}
    now = utcnow()
    sources = {
        name: {
            "health": status.health(now),
            "problem": status.problem,
            "failing_since": _plain(status.failing_since),
            "valid": _plain(status.valid),
            "last_success": _plain(status.last_success),
            "last_error": _plain(status.last_error),
            "next_run": _plain(status.next_run),
            "consecutive_failures": status.consecutive_failures,
            "fetches": status.fetches,
            "errors": status.errors,
            "last_latency_seconds": status.last_latency_seconds,
        }
        for name, status in statuses.items()
    }
    stats = context.broadcaster.stats
    body: dict[str, object] = {
        "sources": sources,
        "store": context.store.name,
        "clients": context.broadcaster.client_count,
        "events_sent": stats.events_sent,
        "dropped_clients": stats.dropped,
    }
    # The legacy services' start-up records (dash serve --legacy): which run, since when.
    services = context.broadcaster.latest.get("services")
    if services is not None:
        body["services"] = services.values.get("services")
    return _json(body)


def _state_headers(fresh: bool) -> dict[str, str]:
    return {} if fresh else {"X-Dash-State": "mirror; store unreachable"}


async def _state(request: web.Request) -> web.Response:
    state, fresh = await request.app[CONTEXT].state()
    return _json({kind: update.to_dict() for kind, update in sorted(state.items())},
                 headers=_state_headers(fresh))


async def _state_one(request: web.Request) -> web.Response:
    kind = request.match_info["type"]
    state, fresh = await request.app[CONTEXT].state()
    update = state.get(kind)
    if update is None:
        return _error(404, f"unknown type {kind!r}: no state stored for it")
    return _json(update.to_dict(), headers=_state_headers(fresh))


def _last_event_id(request: web.Request) -> int | None:
    text = request.headers.get("Last-Event-ID") or request.query.get("last_event_id")
    if text is None or not text.strip():
        return None
    # Digits only, and short enough for every store's integer seq (SQLite's is 64-bit).
    if not EVENT_ID.fullmatch(text.strip()):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "Last-Event-ID: not an event id of this server"}),
            content_type="application/json",
        )
    return int(text)


async def _events(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    if context.broadcaster.closing:
        return _error(503, "server is shutting down")
    wanted = [kind.strip() for kind in request.query.get("types", "").split(",") if kind.strip()]
    types = frozenset(wanted) if wanted else None
    last_id = _last_event_id(request)

    def selected(update: Update) -> bool:
        return types is None or update.type in types

    async def catch_up() -> list[Update]:
        # Both answers stop at what the broadcaster has sent: anything newer reaches the
        # client live, so nothing arrives twice.
        broadcaster = context.broadcaster
        if last_id is not None:
            position = broadcaster.position
            try:
                missed = await store_call(context.store.since(last_id))
            except StoreError as exc:
                log.warning("replay unavailable, sending full state: %s", exc)
                missed = None
            if missed is not None:
                return [update for update in missed
                        if selected(update) and (update.seq or 0) <= position]
        current = [update for update in broadcaster.latest.values() if selected(update)]
        return sorted(current, key=lambda update: update.seq or 0)

    return await context.broadcaster.stream(request, types, catch_up)


async def _control(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action == "reload":
        reload = request.app[CONTEXT].reload
        if reload is None:
            return _error(404, "reload: only dash serve reloads its profile")
        problem = reload()
        if problem is not None:
            return _error(400, f"reload refused, still running the previous profile: {problem}")
        return _json({"action": "reload", "reloaded": True})
    if action not in CONTROL_ACTIONS:
        return _error(404, f"unknown control {action!r}: use {', '.join(sorted(CONTROL_ACTIONS))}")
    context = request.app[CONTEXT]
    # Local delivery first: a store outage must not cost this replica's displays the control.
    clients = context.control(action)
    store = context.store
    if not isinstance(store, ControlChannel):
        return _json({"action": action, "clients": clients})
    try:
        await store_call(store.publish_control(action), timeout=CONTROL_SHARE_TIMEOUT)
    except StoreError as exc:
        log.warning("control %r reached this replica only: %s", action, exc)
        return _json({"action": action, "clients": clients, "shared": False})
    return _json({"action": action, "clients": clients, "shared": True})


async def _frame(request: web.Request) -> web.Response:
    """The PNG of a page drawn from the current state (``?scale=N`` enlarges it, 1 to 8;
    ``?part=N`` is the page's N-th frame, for pages taking several, from 0)."""
    from dashcli.renderers import page_spec, render
    from dashcli.renderers.output import png_bytes

    context = request.app[CONTEXT]
    page = request.match_info["page"]
    try:
        page_spec(page)
    except UsageError as exc:
        return _error(404, str(exc))
    try:
        scale = int(request.query.get("scale", "1"))
    except ValueError:
        scale = 0
    if not 1 <= scale <= 8:
        return _error(400, "scale: an integer from 1 to 8")
    try:
        part = int(request.query.get("part", "0"))
    except ValueError:
        part = -1
    if not 0 <= part <= MAX_PART:
        return _error(400, f"part: an integer from 0 to {MAX_PART}")
    state, _ = await context.state()
    now = utcnow()

    def draw() -> bytes:
        if context.renderer is not None:
            image = context.renderer(page, state, now, part=part)
        else:
            image = render(page, state, now, size=context.size, timezone=context.timezone,
                           part=part)
        return png_bytes(image, scale=scale)

    # Drawing takes milliseconds of CPU: off the loop, so SSE fan-out is not delayed.
    body = await asyncio.to_thread(draw)
    return web.Response(body=body, content_type="image/png", headers={"Cache-Control": "no-cache"})


async def _pump(context: ServerContext, updates: AsyncIterator[Update]) -> None:
    """Forward every stored update to the broadcaster, subscribing again after a failure.

    Backends reconnect by themselves (Redis catches up from its log); this loop only guards
    against a subscription that still fails, so the server outlives it.
    """
    backoff = Backoff(base=RESUBSCRIBE_BASE_DELAY, cap=RESUBSCRIBE_MAX_DELAY)
    while True:
        try:
            async for update in updates:
                backoff.reset()
                context.broadcaster.publish(update)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("store subscription failed (%s); subscribing again", type(exc).__name__)
        finally:
            await _close(updates)
        await backoff.sleep()
        updates = context.store.subscribe()


async def _close(updates: AsyncIterator[Update]) -> None:
    aclose = getattr(updates, "aclose", None)
    if aclose is not None:
        await aclose()


async def _pings(context: ServerContext) -> None:
    while True:
        await asyncio.sleep(context.ping_interval)
        context.broadcaster.ping()


async def _background(app: web.Application) -> AsyncIterator[None]:
    context = app[CONTEXT]
    # Subscribed before the snapshot is read, so no update falls between the two.
    updates = context.store.subscribe()
    try:
        state = await store_call(context.store.snapshot())
    except StoreError as exc:
        log.warning("no initial state: %s", exc)
    else:
        context.broadcaster.remember(state.values())
    context.tasks = [
        asyncio.create_task(_pump(context, updates), name="dash-sse-pump"),
        asyncio.create_task(_pings(context), name="dash-sse-pings"),
    ]
    store = context.store
    unsubscribe = (store.subscribe_control(context.remote_control)
                   if isinstance(store, ControlChannel) else None)
    yield
    if unsubscribe is not None:
        unsubscribe()
    for task in context.tasks:
        task.cancel()
    await asyncio.gather(*context.tasks, return_exceptions=True)


async def _shutdown(app: web.Application) -> None:
    await app[CONTEXT].broadcaster.shutdown()
