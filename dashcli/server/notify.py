"""``POST /notify``: a one-off message interrupting the cycle on every display of this server.

The body is a notification (:mod:`dashcli.renderers.notice`: ``text``, ``icon``, ``color``,
``seconds``, ``repeat``), checked like published values (400 ``{"error", "field"}``). It goes
out as an SSE ``notify`` event to every connected display (the panel, ``dash tui``) and to the
server's own preview loop; displays show notifications in the order they arrive, then resume the
cycle. Nothing is stored: a display that connects later does not see an earlier notification.
The answer says how many SSE clients it was sent to.
"""

from __future__ import annotations

import json

from aiohttp import web

from dashcli.core import jsonlimits
from dashcli.core.errors import DashError
from dashcli.server.app import CONTEXT
from dashcli.server.sse import encode_event

# A notification is a sentence and a few settings.
MAX_BODY = 4096


def add_notify_route(app: web.Application) -> None:
    """Add ``POST /notify`` to the ``dash serve`` application."""
    app.router.add_post("/notify", notify)


async def notify(request: web.Request) -> web.Response:
    """Check the notification and send it to every display."""
    from dashcli.renderers.appformat import AppFormatError
    from dashcli.renderers.notice import parse_notice

    context = request.app[CONTEXT]
    body = await request.content.read(MAX_BODY + 1)
    try:
        notice = parse_notice(jsonlimits.loads(body, "body",
                                               jsonlimits.JsonLimits(max_bytes=MAX_BODY)))
    except AppFormatError as exc:
        return web.json_response({"error": f"body: {exc}", "field": exc.field or "body"},
                                 status=400)
    except DashError as exc:
        return web.json_response({"error": str(exc), "field": "body"}, status=400)
    for listener in context.notify_listeners:
        listener(notice)
    # kind None: every display gets it, whatever types it follows (like control events).
    context.broadcaster.send(encode_event("notify", json.dumps(notice.to_dict())))
    return web.json_response({"notified": context.broadcaster.client_count,
                              "seconds": notice.duration})
