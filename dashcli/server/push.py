"""``POST``/``PUT /state/{type}``: push values over HTTP, the way ``dash publish`` does.

A script or Home Assistant on another machine stores a value without reaching the store itself:
the body goes through the same checks as ``dash publish`` (:mod:`dashcli.publishing`: the JSON
limits, a bare object or an envelope, the app format for the profile's app types or with
``?app=1``), is stored with ``valid`` = now + ``?valid=SECONDS`` (default 3600) and reaches every
display like any update. The answer is the stored ``{"type", "seq"}``; a bad value is 400 with
``{"error": "...", "field": "..."}``, an unreachable store 503. Both methods do the same (PUT
for clients that think of a type as a resource).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web

from dashcli.core import jsonlimits
from dashcli.core.envelope import EnvelopeError, Update, check_type, utcnow
from dashcli.core.errors import DashError
from dashcli.publishing import prepare, read_values
from dashcli.server.app import CONTEXT, store_call
from dashcli.store.base import StoreError

log = logging.getLogger(__name__)

DEFAULT_VALID = 3600.0
MAX_VALID = 366 * 86400.0
# Publishing may fetch an image URL (10 s, one retry): the store write gets its own timeout.
STORE_WRITE_TIMEOUT = 5.0


def add_push_routes(app: web.Application) -> None:
    """Add ``POST`` and ``PUT /state/{type}`` to the ``dash serve`` application."""
    app.router.add_post("/state/{type}", push)
    app.router.add_put("/state/{type}", push)


def _bad(message: str, field: str | None = None) -> web.Response:
    body: dict[str, str] = {"error": message}
    if field:
        body["field"] = field
    return web.json_response(body, status=400)


def _valid_seconds(request: web.Request) -> float:
    text = request.query.get("valid")
    if text is None:
        return DEFAULT_VALID
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 1 <= seconds <= MAX_VALID:
        raise ValueError(f"valid: seconds from 1 to {MAX_VALID:.0f}")
    return seconds


async def push(request: web.Request) -> web.Response:
    """Store the request's JSON values as the latest ``{type}``; answer the stored seq."""
    from dashcli.renderers.appformat import AppFormatError

    context = request.app[CONTEXT]
    kind = request.match_info["type"]
    try:
        check_type(kind)
        valid = _valid_seconds(request)
    except (EnvelopeError, ValueError) as exc:
        return _bad(str(exc), "valid" if isinstance(exc, ValueError) else "type")
    limit = jsonlimits.DEFAULT_MAX_BYTES
    if (request.content_length or 0) > limit:
        return _bad(f"body: JSON larger than the {limit} bytes allowed", "body")
    body = await request.content.read(limit + 1)
    app = kind in context.app_types or request.query.get("app") in ("1", "true", "yes")
    try:
        values, source = read_values(body, "body", kind, request.query.get("source", "http"))
        values = await prepare(values, app=app, where="body")
    except AppFormatError as exc:
        return _bad(str(exc), exc.field.removeprefix("body: ") or "body")
    except DashError as exc:
        return _bad(str(exc), "body")
    now = utcnow().replace(microsecond=0)
    update = Update(kind, now, now + timedelta(seconds=valid), values, source)
    try:
        stored = await store_call(context.store.put(update), timeout=STORE_WRITE_TIMEOUT)
    except StoreError as exc:
        log.warning("POST /state/%s not stored: %s", kind, exc)
        return web.json_response({"error": f"not stored: {exc}"}, status=503)
    return web.json_response({"type": kind, "seq": stored.seq})
