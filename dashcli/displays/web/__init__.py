"""The live preview of ``dash serve``: the page at ``/`` and the server's own display loop.

:func:`add_preview` gives the server app a display loop of its own (fed by the store directly,
following the profile's cycle like a panel would) and three routes: ``/`` (``index.html``, plain
HTML/JS shipped with the package), ``/frames/current.png`` (the loop's current frame) and
``/frames/current.json`` (its page, pause state and the cycle). Each new frame is announced to
SSE clients as a ``frame`` event (type filter ``frame``), and control actions posted to
``/control/{action}`` reach this loop too, so the page buttons move the server's cycle and every
display following it. ``Preview.outputs`` are further screens shown the same frames (the LED
panel of ``dash serve --panel``); one that raises is logged, at most once a minute, and skipped.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from aiohttp import web

from dashcli.core.envelope import isoformat
from dashcli.displays.build import build_loop
from dashcli.displays.feeds import FRAME_EVENT, StoreFeed
from dashcli.displays.loop import DisplayLoop, Frame, run_with_feed
from dashcli.displays.model import DisplayModel
from dashcli.logs import RateLimitedLog
from dashcli.server.app import CONTEXT
from dashcli.server.sse import encode_event
from dashcli.server.supervise import Supervised

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from PIL.Image import Image

    from dashcli.profiles.schema import Profile

log = logging.getLogger(__name__)

MAX_SCALE = 8


@dataclass
class Preview:
    """The server's display loop and what the routes read from it."""

    loop: DisplayLoop
    model: DisplayModel
    # Further screens showing the same frames: ``dash serve --panel``'s LED panel.
    outputs: list[Callable[[Frame], None]] = field(default_factory=list)
    _image: Image | None = None
    _level: int | None = None
    _pngs: dict[int, bytes] = field(default_factory=dict)

    def info(self) -> dict[str, object]:
        """The current page, pause state, frame time and the cycle's pages."""
        frame = self.loop.frame
        return {
            "page": frame.page if frame else None,
            "paused": self.loop.cycle.paused,
            "brightness": frame.brightness if frame else None,
            "part": frame.part if frame else 0,
            "parts": self.loop.cycle.part_count,
            "at": isoformat(frame.at) if frame else None,
            "pages": [entry.page for entry in self.loop.cycle.pages],
        }

    def png(self, scale: int) -> bytes | None:
        """The current frame as PNG at ``scale``, encoded once per frame and scale."""
        from dashcli.displays.night import dimmed
        from dashcli.renderers.output import png_bytes

        frame = self.loop.frame
        if frame is None:
            return None
        if frame.image is not self._image or frame.brightness != self._level:
            self._image, self._level, self._pngs = frame.image, frame.brightness, {}
        body = self._pngs.get(scale)
        if body is None:
            # The preview shows the panel's scheduled brightness; frames are not changed.
            body = self._pngs[scale] = png_bytes(dimmed(frame.image, frame.brightness), scale)
        return body


PREVIEW = web.AppKey("dash_preview", Preview)


def add_preview(app: web.Application, profile: Profile) -> None:
    """Add the preview routes and the server's display loop to a ``dash serve`` app.

    Call before ``/frames/{page}.png`` is routed: ``current`` must match first."""
    context = app[CONTEXT]
    model = DisplayModel()
    complaints = RateLimitedLog(log)

    def announce(frame: Frame) -> None:
        payload = json.dumps(preview.info())
        context.broadcaster.send(encode_event(FRAME_EVENT, payload, kind=FRAME_EVENT))
        for output in preview.outputs:
            try:
                output(frame)
            except Exception as exc:  # a screen that fails must not stop the loop or the server
                complaints.warning("output", f"a display failed to show a frame: "
                                             f"{type(exc).__name__}: {exc}")

    # a marquee at 10 frames/s: each frame is a PNG the browser fetches
    preview = Preview(build_loop(profile, model, announce, frame_rate=10.0), model)
    app[PREVIEW] = preview
    context.control_listeners.append(model.control)
    context.notify_listeners.append(model.notify)
    app.router.add_get("/", _index)
    app.router.add_get("/frames/current.png", _current_png)
    app.router.add_get("/frames/current.json", _current_json)

    async def running(app: web.Application) -> AsyncIterator[None]:
        import asyncio

        # Supervised: a store that is down at start (or a bad item) must not end the preview.
        supervised = Supervised(
            "preview loop", lambda: run_with_feed(preview.loop, StoreFeed(context.store).run(model))
        )
        context.supervised.append(supervised)
        task = asyncio.create_task(supervised.run(), name="dash-preview-loop")
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    app.cleanup_ctx.append(running)


@functools.cache
def index_html() -> bytes:
    """The preview page shipped with the package (read once: no disk read per request)."""
    return resources.files(__name__).joinpath("index.html").read_bytes()


async def _index(request: web.Request) -> web.Response:
    return web.Response(body=index_html(), content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-cache"})


async def _current_png(request: web.Request) -> web.Response:
    try:
        scale = int(request.query.get("scale", "1"))
    except ValueError:
        scale = 0
    if not 1 <= scale <= MAX_SCALE:
        return web.json_response({"error": f"scale: an integer from 1 to {MAX_SCALE}"},
                                 status=400)
    body = request.app[PREVIEW].png(scale)
    if body is None:
        return web.json_response({"error": "no frame yet"}, status=503)
    return web.Response(body=body, content_type="image/png", headers={"Cache-Control": "no-cache"})


async def _current_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[PREVIEW].info(), headers={"Cache-Control": "no-cache"})
