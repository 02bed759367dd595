"""The Host/Origin allow-list of ``dash serve``: DNS rebinding and cross-site POSTs are refused.

A page on any web site can make a browser send requests to ``127.0.0.1:8080`` through a name it
controls (DNS rebinding), or POST to it across sites. The server therefore answers only requests
whose ``Host`` names it: the loopback names, the address it is bound to, and the profile's
``server.allowed_hosts``. Bound to every interface (``0.0.0.0``, ``::``) with no list, any Host
is accepted (the server cannot know its LAN names). A request that changes something (not GET or
HEAD) with an ``Origin`` header must come from an allowed host, or from the server's own Host.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - names, not a bind
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Probes address a pod or container by whatever name they have; nothing there to protect.
UNCHECKED_PATHS = frozenset({"/healthz"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """The host names to accept for a server bound to ``bind``; None: any."""
    names = {name.strip().lower().strip("[]") for name in extra if name.strip()}
    bound = bind.strip().lower().strip("[]")
    if bound in WILDCARDS and not names:
        return None
    names |= LOOPBACK_NAMES
    if bound not in WILDCARDS:
        names.add(bound)
    return frozenset(names)


def _hostname(value: str) -> str:
    """The name of a ``Host`` header value (port and IPv6 brackets removed), lower case."""
    return (urlsplit(f"//{value.strip()}").hostname or "").lower()


def host_guard(allowed: frozenset[str] | None) -> Middleware:
    """The middleware refusing unknown Hosts (421) and foreign Origins on changes (403)."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in UNCHECKED_PATHS:
            return await handler(request)
        host = _hostname(request.headers.get("Host", ""))
        if allowed is not None and host not in allowed:
            return web.json_response(
                {"error": f"Host {host[:80]!r} is not served here (server.allowed_hosts)"},
                status=421)
        origin = request.headers.get("Origin")
        if origin is not None and request.method not in SAFE_METHODS:
            source = (urlsplit(origin).hostname or "").lower()
            if source != host and (allowed is None or source not in allowed):
                return web.json_response(
                    {"error": "cross-site request refused: Origin is not an allowed host"},
                    status=403)
        return await handler(request)

    return guard
