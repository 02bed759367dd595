"""The HTTP/SSE server of ``dash serve``: :func:`create_app` builds it, :func:`serve` runs it.

``app`` holds the aiohttp application and its handlers, ``sse`` the encode-once broadcaster,
``run`` the process around them (store, scheduler, legacy ingest, signals, shutdown).
Importing the package imports aiohttp through :mod:`dashcli.server.deferred_ca`, so the
client SSL contexts aiohttp makes at import read no CA store until a client connection.
"""

from __future__ import annotations

from dashcli.server.deferred_ca import import_aiohttp

import_aiohttp()  # first, before any module here imports aiohttp: no CA store read at start-up

from dashcli.server.app import CONTEXT, ServerContext, create_app  # noqa: E402

__all__ = ["CONTEXT", "ServerContext", "create_app"]
