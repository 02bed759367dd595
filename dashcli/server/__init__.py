"""The HTTP/SSE server of ``dash serve``: :func:`create_app` builds it, :func:`serve` runs it.

``app`` holds the aiohttp application and its handlers, ``sse`` the encode-once broadcaster,
``run`` the process around them (store, scheduler, legacy ingest, signals, shutdown).
"""

from __future__ import annotations

from dashcli.server.app import CONTEXT, ServerContext, create_app

__all__ = ["CONTEXT", "ServerContext", "create_app"]
