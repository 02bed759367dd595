"""The replaced system's HTTP surface, for its old clients, on a listener of its own.

The old matrix client and React web display need at most their base URL changed: this app
answers ``GET /key/{KEY}`` (the record stored under that Redis key, re-serialized compactly as
the old API server did; ``{}`` when absent; Gen C's ``update:{KEY}`` when only that exists),
``GET /key/Environment``, ``PUT /webcontrol/{pp,fwd,rew,out,reload}`` (202, any other 400),
``/live``, ``/ready`` and ``GET /events``, an SSE stream in the old dialect: every text
published on channel ``update`` as ``event: update`` with CRLF line ends, web control as
``{"type": "webcontrol", "command": ...}`` and a ``: ping - <UTC time>`` comment every 15 s.
Every route also answers under ``/api`` (the old Ingress prefix). CORS admits only the
configured origins (the old server's ``http://localhost:3001`` by default). Web control joins
dashcli's controls both ways: ``pp`` toggles pause/resume, ``fwd``/``rew`` are next/prev, and
dashcli's controls reach old clients as those commands; ``out`` (the old calendar's "garbage
out") and ``reload`` go to old clients only. The old clients send no token: the listener has
no auth, so it is off unless ``server.legacy_api.enabled`` is set, and binds 127.0.0.1 unless
told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from dashcli.core.errors import DashError
from dashcli.server.app import CONTROL_SHARE_TIMEOUT, ServerContext, store_call
from dashcli.store.base import ControlChannel, StoreError

log = logging.getLogger(__name__)

COMMANDS = ("pp", "fwd", "rew", "out", "reload")
TO_ACTION = {"fwd": "next", "rew": "prev"}
FROM_ACTION = {"next": "fwd", "prev": "rew"}
ENVIRONMENT = ("AQI", "Moon", "Weather")
PING_INTERVAL = 15.0
REDIS_TIMEOUT = 2.0
# Unsent frames after which a slow old client is dropped (it reconnects and re-reads keys).
CLIENT_QUEUE = 256
CORS_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
CORS_MAX_AGE = "600"
PREFIXES = ("", "/api")


def compact(data: object) -> bytes:
    """JSON as the old API server (Starlette) wrote it: compact, UTF-8, key order kept."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


def frame(text: str) -> bytes:
    """One old-dialect SSE event."""
    return f"event: update\r\ndata: {text}\r\n\r\n".encode()


class LegacyHub:
    """The old-dialect SSE clients, and web control between old clients and dashcli's."""

    def __init__(self) -> None:
        self.clients: set[asyncio.Queue[bytes | None]] = set()
        self.paused = False
        self.context: ServerContext | None = None

    def relay(self, text: str) -> None:
        """Send one text from channel ``update`` to every old-dialect client."""
        self.send(frame(text))

    def send(self, data: bytes) -> None:
        for queue in list(self.clients):
            try:
                queue.put_nowait(data)
            except asyncio.QueueFull:
                # Too slow: dropped, like dashcli's own SSE clients that fall behind.
                self.clients.discard(queue)
                with contextlib.suppress(asyncio.QueueFull):
                    queue.get_nowait()
                    queue.put_nowait(None)

    def webcontrol(self, command: str) -> None:
        self.send(frame(json.dumps({"type": "webcontrol", "command": command})))

    def on_action(self, action: str) -> None:
        """A dashcli control (POST /control, another replica, or an old client's PUT)."""
        if action in ("pause", "resume"):
            wanted = action == "pause"
            if wanted == self.paused:
                return  # old clients only know a toggle: nothing to toggle
            self.paused = wanted
            self.webcontrol("pp")
        elif action in FROM_ACTION:
            self.webcontrol(FROM_ACTION[action])

    def attach(self, context: ServerContext) -> None:
        """Follow ``context``'s controls (and hand it old clients' controls)."""
        self.context = context
        context.control_listeners.append(self.on_action)

    async def command(self, command: str) -> None:
        """An old client's PUT: a dashcli control where one exists, else old clients only."""
        context = self.context
        if command == "pp":
            action: str | None = "resume" if self.paused else "pause"
        else:
            action = TO_ACTION.get(command)
        if action is None or context is None:
            self.webcontrol(command)
            return
        context.control(action)
        store = context.store
        if isinstance(store, ControlChannel):
            try:
                await store_call(store.publish_control(action), timeout=CONTROL_SHARE_TIMEOUT)
            except StoreError as exc:
                log.warning("web control %r reached this replica only: %s", command, exc)


HUB = web.AppKey("legacy_hub", LegacyHub)
REDIS = web.AppKey("legacy_redis", Redis)
ORIGINS = web.AppKey("legacy_origins", frozenset)


def create_legacy_app(redis_url: str, hub: LegacyHub, origins: list[str]) -> web.Application:
    """The old API server's surface reading the legacy Redis at ``redis_url``."""
    app = web.Application(middlewares=[_cors])
    app[HUB] = hub
    app[REDIS] = Redis.from_url(redis_url, socket_timeout=REDIS_TIMEOUT,
                                socket_connect_timeout=REDIS_TIMEOUT)
    app[ORIGINS] = frozenset(origins)
    for prefix in PREFIXES:
        app.router.add_get(f"{prefix}/key/{{key}}", _key)
        app.router.add_put(f"{prefix}/webcontrol/{{command}}", _webcontrol)
        app.router.add_get(f"{prefix}/live", _live)
        app.router.add_get(f"{prefix}/ready", _ready)
        app.router.add_get(f"{prefix}/events", _events)
    app.cleanup_ctx.append(_lifetime)
    return app


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    yield
    hub = app[HUB]
    for queue in list(hub.clients):
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait(None)
    await app[REDIS].aclose()


def _json(body: bytes, status: int = 200) -> web.Response:
    response = web.Response(body=body, status=status)
    # Set after construction: aiohttp would otherwise add "; charset=utf-8".
    response.headers["Content-Type"] = "application/json"
    return response


def _server_error() -> web.Response:
    return web.Response(text="Internal Server Error", status=500)


@web.middleware
async def _cors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Starlette's CORSMiddleware as the old server configured it: listed origins only,
    credentials allowed, every method, preflights cached 600 s."""
    origin = request.headers.get("Origin")
    allowed = origin is not None and origin in request.app[ORIGINS]
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        headers = {"Vary": "Origin", "Access-Control-Allow-Methods": CORS_METHODS,
                   "Access-Control-Max-Age": CORS_MAX_AGE,
                   "Access-Control-Allow-Credentials": "true"}
        if not allowed:
            return web.Response(text="Disallowed CORS origin", status=400, headers=headers)
        headers["Access-Control-Allow-Origin"] = str(origin)
        return web.Response(text="OK", headers=headers)
    response = await handler(request)
    if allowed and not response.prepared:
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Origin"] = str(origin)
        response.headers["Vary"] = "Origin"
    return response


async def _record(redis: Redis, key: str) -> object:
    """The JSON stored under ``key`` (Gen C: ``update:{key}``), ``{}`` when absent."""
    async with asyncio.timeout(REDIS_TIMEOUT):
        stored, gen_c = await redis.mget([key, f"update:{key}"])
    body = stored if stored is not None else gen_c
    if body is None:
        return {}
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        log.warning("legacy API: key %r does not hold JSON", key[:64])
        return {}


async def _key(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    redis = request.app[REDIS]
    try:
        if key == "Environment":
            data: object = {name: await _record(redis, name) for name in ENVIRONMENT}
        else:
            data = await _record(redis, key)
        return _json(compact(data))
    except (RedisError, OSError, TimeoutError) as exc:
        log.warning("legacy API: /key/%s: Redis unreachable (%s)", key[:64], type(exc).__name__)
        return _server_error()
    except ValueError:
        # NaN or a lone surrogate in a stored record: it cannot be sent as JSON.
        log.warning("legacy API: key %r cannot be sent as JSON", key[:64])
        return _server_error()


async def _webcontrol(request: web.Request) -> web.Response:
    command = request.match_info["command"]
    if command not in COMMANDS:
        return _json(compact({"error": "Invalid command"}), status=400)
    await request.app[HUB].command(command)
    return _json(compact({"status": "Command queued"}), status=202)


async def _live(request: web.Request) -> web.Response:
    return _json(compact({"status": "alive"}))


async def _ready(request: web.Request) -> web.Response:
    try:
        async with asyncio.timeout(REDIS_TIMEOUT):
            await request.app[REDIS].ping()
    except (RedisError, OSError, TimeoutError):
        return _json(compact({"status": "unavailable"}), status=503)
    return _json(compact({"status": "ready"}))


async def _events(request: web.Request) -> web.StreamResponse:
    hub = request.app[HUB]
    response = web.StreamResponse(headers={
        "Cache-Control": "no-store", "X-Accel-Buffering": "no",
        "Content-Type": "text/event-stream; charset=utf-8",
    })
    await response.prepare(request)
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(CLIENT_QUEUE)
    hub.clients.add(queue)
    try:
        while True:
            try:
                async with asyncio.timeout(PING_INTERVAL):
                    data = await queue.get()
            except TimeoutError:
                data = f": ping - {datetime.now(UTC)}\r\n\r\n".encode()
            if data is None:
                break
            await response.write(data)
    except ConnectionResetError:
        pass  # the client went away
    finally:
        hub.clients.discard(queue)
    return response


async def start_legacy_site(
    redis_url: str, hub: LegacyHub, origins: list[str], host: str, port: int
) -> tuple[web.AppRunner, int]:
    """Listen for old clients; the runner (to clean up) and the bound port."""
    runner = web.AppRunner(create_legacy_app(redis_url, hub, origins), access_log=None,
                           handler_cancellation=True, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise DashError(f"legacy API: cannot listen on {host}:{port}: "
                        f"{exc.strerror or exc}") from None
    bound = runner.addresses[0][1] if runner.addresses else port
    return runner, bound
