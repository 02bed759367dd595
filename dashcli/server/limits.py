"""Connection limits of ``dash serve``: a time limit for a request head and a cap on connections.

aiohttp's keep-alive timer (from 3.14.5, pyproject's floor) runs from the moment a connection is
accepted and closes it when no complete request head has arrived by then, so one
``head_timeout`` is both the limit for a request line and headers (a slowloris client is closed,
however slowly it trickles bytes) and the idle keep-alive timeout; a request being answered, an
open SSE stream included, is never cut.
Past ``max_connections`` open connections, a new one is answered ``503`` with a one-line body and
closed, with one rate-limited warning, so a flood cannot exhaust file descriptors nor the log;
the cap is lowered below the process's open-file limit (``ulimit -n``) when it is above it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)

HEAD_TIMEOUT = 10.0
# Above the 4000-client SSE fan-out benchmark, below a typical raised fd limit (bench/RESULTS.md).
MAX_CONNECTIONS = 8192
# At most one "refusing connections" warning in this many seconds.
REFUSAL_LOG_INTERVAL = 60.0
# How long a refused connection's request is read (and dropped) before the socket is closed:
# closing with the request unread would reset the connection before the client reads the 503.
REFUSAL_LINGER = 1.0
# File descriptors kept for everything but client connections (store, Redis, logs, fetches).
FD_RESERVE = 64
_BODY = b"too many connections, retry later\n"
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: " + str(len(_BODY)).encode() + b"\r\nRetry-After: 5\r\n"
    b"Connection: close\r\n\r\n" + _BODY
)


class CappedServer(web.Server):
    """aiohttp's server refusing connections past ``max_connections``."""

    max_connections: int = MAX_CONNECTIONS
    _refused: int = 0
    _last_warning: float | None = None

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        if len(self._connections) < self.max_connections:
            super().connection_made(handler, transport)
            return
        # Not registered: the app never sees this connection; close() makes the handler drop
        # whatever the client sends.
        handler.close()
        transport.write(REFUSAL)
        loop = asyncio.get_running_loop()
        loop.call_later(REFUSAL_LINGER, transport.close)
        self._refused += 1
        now = loop.time()
        if self._last_warning is None or now - self._last_warning >= REFUSAL_LOG_INTERVAL:
            log.warning("refusing connections: %d open, server.max_connections is %d "
                        "(%d refused with 503 since the last warning)",
                        len(self._connections), self.max_connections, self._refused)
            self._last_warning = now
            self._refused = 0


def connection_cap(configured: int) -> int:
    """``configured``, or less when the open-file limit would be reached first (one warning)."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or configured + FD_RESERVE <= soft:
        return configured
    cap = max(1, soft - FD_RESERVE)
    log.warning("server.max_connections %d is above the open-file limit (ulimit -n %d): "
                "at most %d connections", configured, soft, cap)
    return cap


class LimitedRunner(web.AppRunner):
    """An ``AppRunner`` whose server applies ``head_timeout`` and ``max_connections``."""

    def __init__(self, app: web.Application, *, head_timeout: float = HEAD_TIMEOUT,
                 max_connections: int = MAX_CONNECTIONS, **kwargs: Any) -> None:
        super().__init__(app, keepalive_timeout=head_timeout, **kwargs)
        self._max_connections = connection_cap(max_connections)

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # aiohttp builds its Server inside Application._make_handler with no class hook:
        # the subclass only overrides connection_made and adds no state of its own.
        server.__class__ = CappedServer
        assert isinstance(server, CappedServer)
        server.max_connections = self._max_connections
        return server
