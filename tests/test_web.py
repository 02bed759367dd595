"""The live preview at ``/`` of ``dash serve``: its routes and display loop, and the page itself in
headless Chromium driven over the DevTools protocol (screenshots compared as pixels with the
renderer's frame, a real mouse click on a page button)."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from PIL import Image

from dashcli.core.envelope import Update
from dashcli.displays.sse import SSEClient
from dashcli.displays.web import PREVIEW, Preview
from dashcli.profiles import load_profile
from dashcli.profiles.schema import Profile
from dashcli.renderers import render
from dashcli.renderers.demo import DEMO_TIMEZONE, demo_update
from dashcli.renderers.output import scaled
from dashcli.server import CONTEXT, create_app
from dashcli.store.base import MemoryStore

TOKEN = "s3cret-preview"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    path = tmp_path / "web.yaml"
    path.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        f"timezone: {DEMO_TIMEZONE}}}\n"
        "display: {cycle: [{page: moon, seconds: 3600}, {page: weather, seconds: 3600}]}\n"
    )
    return load_profile(str(path), None)


@pytest.fixture
async def server(profile: Profile) -> AsyncIterator[tuple[str, web.Application]]:
    store = MemoryStore()
    await store.open()
    for kind in ("moon", "weather", "air"):
        await store.put(demo_update(kind))
    app = create_app(store, token=TOKEN, size=(128, 64), timezone=DEMO_TIMEZONE, preview=profile)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", app
    await runner.cleanup()
    await store.close()


async def wait_for(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def expected_frame(preview: Preview) -> Image.Image:
    """The server loop's frame, checked against an independent render of the same moment."""
    frame = preview.loop.frame
    assert frame is not None
    again = render(frame.page, preview.model.state, frame.at, size=(128, 64),
                   timezone=DEMO_TIMEZONE)
    assert again.tobytes() == frame.image.tobytes()
    return frame.image


async def test_routes_serve_the_page_the_frame_and_follow_controls(server):
    base, app = server
    preview = app[PREVIEW]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/") as response:  # static: no token needed
            assert response.status == 200
            assert "EventSource" in await response.text()
        async with session.get(f"{base}/frames/current.json") as response:
            assert response.status == 401
        async def moon_shown() -> bool:
            return preview.loop.frame is not None and preview.loop.frame.page == "moon"

        await wait_for(moon_shown)
        async with session.get(f"{base}/frames/current.png?scale=2&token={TOKEN}") as response:
            assert response.status == 200
            png = Image.open(io.BytesIO(await response.read())).convert("RGB")
        assert png.tobytes() == scaled(expected_frame(preview), 2).tobytes()

        stream = SSEClient(f"{base}/events?types=frame", token=TOKEN).events()
        first = asyncio.ensure_future(anext(stream))

        async def listening() -> bool:
            return app[CONTEXT].broadcaster.client_count == 1

        await wait_for(listening)
        async with session.post(f"{base}/control/next", headers=auth) as response:
            assert response.status == 200
        async with asyncio.timeout(10):
            event = await first
            assert event.event == "control"  # every client gets controls; then the new frame
            event = await anext(stream)
        await stream.aclose()
        assert event.event == "frame"
        assert json.loads(event.data)["page"] == "weather"
        async with session.get(f"{base}/frames/current.json", headers=auth) as response:
            info = await response.json()
        assert info == {"page": "weather", "paused": False, "at": info["at"], "part": 0,
                        "parts": 1, "pages": ["moon", "weather"], "brightness": None}


# -- the page in headless Chromium -------------------------------------------------------------


class DevTools:
    """A minimal Chrome DevTools protocol client over aiohttp's websocket."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.next_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        await self.socket.send_json({"id": self.next_id, "method": method, "params": params})
        async for message in self.socket:
            reply = json.loads(message.data)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result
        raise AssertionError("DevTools connection closed")

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                                 awaitPromise=True)
        return result["result"].get("value")

    async def screenshot(self) -> Image.Image:
        shot = await self.call("Page.captureScreenshot", format="png")
        return Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")

    async def click(self, selector: str) -> None:
        box = await self.evaluate(
            f"JSON.stringify(document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect())"
        )
        rect = json.loads(box)
        x, y = rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                            clickCount=1)


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[int]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile_dir = tmp_path / "chromium"
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile_dir}", "--remote-debugging-port=0",
         "--window-size=800,600", "--force-device-scale-factor=1", "--hide-scrollbars",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile_dir / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            assert process.poll() is None, "chromium exited"
            assert time.monotonic() < deadline, "chromium did not start"
            time.sleep(0.05)
        yield int(port_file.read_text().splitlines()[0])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def frame_in(screenshot: Image.Image, rect: dict[str, float]) -> tuple[Image.Image, int]:
    scale = round(rect["width"] / 128)
    box = (round(rect["x"]), round(rect["y"]), round(rect["x"]) + 128 * scale,
           round(rect["y"]) + 64 * scale)
    return screenshot.crop(box), scale


async def test_page_in_chromium_shows_the_frame_and_its_buttons_move_the_cycle(server, chromium):
    base, app = server
    preview = app[PREVIEW]
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{chromium}/json/list") as response:
            targets = await response.json()
        page = next(target for target in targets if target["type"] == "page")
        async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as socket:
            tools = DevTools(socket)
            await tools.call("Page.enable")
            await tools.call("Page.navigate", url=f"{base}/?token={TOKEN}")

            async def showing(name: str) -> bool:
                state = await tools.evaluate(
                    "(() => { const f = document.getElementById('frame');"
                    " return JSON.stringify({page: f.dataset.page, loaded: f.dataset.loaded,"
                    " complete: f.complete, width: f.naturalWidth,"
                    " status: document.getElementById('status').textContent}); })()"
                )
                seen = json.loads(state) if state else {}
                return bool(seen.get("page") == name and seen.get("complete")
                            and seen.get("loaded") and seen.get("width") == 128
                            and seen.get("status") == "live")

            for name, click in (("moon", None), ("weather", "#next"), ("moon", "#prev")):
                if click is not None:
                    await tools.click(click)
                await wait_for(lambda name=name: showing(name), timeout=15)
                await asyncio.sleep(0.2)  # let the decoded image reach the compositor
                rect = json.loads(await tools.evaluate(
                    "JSON.stringify(document.getElementById('frame').getBoundingClientRect())"))
                shown, scale = frame_in(await tools.screenshot(), rect)
                assert scale >= 2  # scaled up to fit the window, in whole pixels
                assert preview.loop.frame is not None
                assert preview.loop.frame.page == name
                expected = scaled(expected_frame(preview), scale)
                assert shown.tobytes() == expected.tobytes(), name

            # Health: a failing source in red with why; pausing shows "paused".
            failing = {"type": "weather", "updated": None, "valid": None, "ok": False,
                       "error": "upstream unreachable", "since": None, "retry": None}
            waiting = {"type": "moon", "updated": None, "valid": None, "ok": True,
                       "error": None}
            now = demo_update("moon").updated
            await app[CONTEXT].store.put(Update("status", now, now + timedelta(days=3650),
                                                {"sources": [waiting, failing]}))
            await tools.click("#pause")

            async def told() -> bool:
                seen = json.loads(await tools.evaluate(
                    "JSON.stringify({status: document.getElementById('status').textContent,"
                    " health: document.getElementById('health').textContent,"
                    " red: [...document.querySelectorAll('#health .failing')]"
                    ".map((e) => e.textContent)})"))
                return bool(seen["status"] == "live \u00b7 paused"
                            and seen["health"] == "weather failing: upstream unreachable"
                            " \u00b7 moon waiting"
                            and seen["red"] == ["weather failing: upstream unreachable"])

            await wait_for(told, timeout=15)


def test_displays_following_the_server_ignore_frame_events(caplog):
    from dashcli.displays.feeds import ServerFeed
    from dashcli.displays.model import DisplayModel
    from dashcli.displays.sse import Event

    model = DisplayModel()
    ServerFeed("http://127.0.0.1:1").handle(model, Event("frame", '{"page": "moon"}', None))
    assert model.state == {}
    assert model.version == 0
    assert not caplog.records
