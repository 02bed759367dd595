"""Notifications: the frame, the display loop's interruption (order, repeats, the cycle resuming
with the seconds its page had left, a paused cycle), POST /notify on a real server reaching a
real SSE client and the server's own preview loop, 400 naming the field, and ``dash notify``."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from PIL import Image

from dashcli.displays.feeds import ServerFeed
from dashcli.displays.loop import DisplayLoop, Frame
from dashcli.displays.model import DisplayModel
from dashcli.displays.sse import Event
from dashcli.renderers.appformat import AppFormatError
from dashcli.renderers.notice import NOTICE_PAGE, Notice, draw_notice, parse_notice
from dashcli.store.base import MemoryStore
from tests.conftest import profile_with
from tests.sse_client import SSEClient
from tests.test_cli import assert_one_line_error, dash
from tests.test_display_loop import Clock, cycle_of
from tests.test_server import TOKEN, serving

pytest_plugins = ["tests.snapshots"]
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class SizedRenderer:
    """One 128×64 image per page (the loop draws notices at the display's size)."""

    def __init__(self) -> None:
        self.images: dict[str, Image.Image] = {}

    def __call__(self, page: str, state: Any, now: Any, *, part: int = 0) -> Image.Image:
        return self.images.setdefault(page, Image.new("RGB", (128, 64), (len(page), 0, 0)))


def test_the_notice_frame(frame_snapshot: Any) -> None:
    notice = Notice("Dinner is ready, come to the table", "bell", "amber")
    assert frame_snapshot(name="128x64") == draw_notice(notice, (128, 64))
    assert frame_snapshot(name="64x32") == draw_notice(notice, (64, 32))
    assert frame_snapshot(name="plain") == draw_notice(Notice("Door open"), (128, 64))


@pytest.mark.parametrize(("data", "message"), [
    ({}, "text: Field required"),
    ({"text": "x", "seconds": 0}, "seconds: Input should be greater than 0"),
    ({"text": "x", "seconds": 61}, "seconds: Input should be less than or equal to 60"),
    ({"text": "x", "repeat": 11}, "repeat: Input should be less than or equal to 10"),
    ({"text": "x", "icon": "unicorn"}, "icon: unknown icon 'unicorn'"),
    ({"text": "x", "color": "blurple"}, "color: not a colour"),
    ({"text": "x", "sound": "beep"}, "sound: Extra inputs are not permitted"),
])
def test_bad_notifications_name_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(AppFormatError) as caught:
        parse_notice(data)
    assert str(caught.value).startswith(message)


async def test_notices_interrupt_in_order_and_the_cycle_resumes_where_it_was() -> None:
    model = DisplayModel()
    clock = Clock()
    shown: list[Frame] = []
    loop = DisplayLoop(model, cycle_of(("clock", 10), ("weather", 15)), SizedRenderer(),
                       shown.append, clock=clock)
    start = clock.now

    async def at(seconds: float) -> str:
        clock.now = start + timedelta(seconds=seconds)
        await loop.step()
        assert loop.frame is not None
        return loop.frame.page

    assert await at(0) == "clock"
    model.notify(Notice("first", seconds=4, repeat=2))
    model.notify(Notice("second", seconds=2))
    assert await at(3) == NOTICE_PAGE  # the clock page had 7 s left
    assert loop.seconds_to_wake(clock.now) <= 4
    assert loop.frame is not None
    lit = loop.frame.image.tobytes()
    assert await at(7.2) == NOTICE_PAGE  # between the two showings: dark
    assert loop.frame is not None
    assert loop.frame.image.getbbox() is None
    assert await at(7.6) == NOTICE_PAGE
    assert loop.frame is not None
    assert loop.frame.image.tobytes() == lit
    assert await at(11.6) == NOTICE_PAGE  # the second notice, after the first's 8.5 s
    assert loop.frame is not None
    assert loop.frame.image.tobytes() != lit
    assert await at(13.6) == "clock"  # back where it was, with its 7 s
    assert await at(20.5) == "clock"
    assert await at(20.7) == "weather"


async def test_a_paused_cycle_shows_notices_and_stays_paused() -> None:
    model = DisplayModel()
    clock = Clock()
    loop = DisplayLoop(model, cycle_of(("clock", 10), ("weather", 15)), SizedRenderer(),
                       lambda frame: None, clock=clock)
    await loop.step()
    model.control("pause")
    model.notify(Notice("hello", seconds=1))
    await loop.step()
    assert loop.frame is not None
    assert loop.frame.page == NOTICE_PAGE
    clock.now += timedelta(seconds=60)
    await loop.step()
    assert loop.frame is not None
    assert (loop.frame.page, loop.frame.paused) == ("clock", True)


def test_server_feed_queues_notify_events_and_skips_bad_ones() -> None:
    model = DisplayModel()
    feed = ServerFeed("http://127.0.0.1:1")
    feed.handle(model, Event("notify", json.dumps({"text": "hi", "icon": "bell"}), None))
    feed.handle(model, Event("notify", json.dumps({"text": ""}), None))
    feed.handle(model, Event("notify", "not json", None))
    assert list(model.notices.waiting) == [Notice("hi", "bell")]


async def test_post_notify_reaches_sse_clients_and_the_preview_loop() -> None:
    store = MemoryStore()
    await store.open()
    profile = profile_with()
    async with serving(store, token=TOKEN, preview=profile) as base, \
            SSEClient(f"{base}/events", headers=AUTH) as client, \
            httpx.AsyncClient(timeout=5) as http:
        refused = await http.post(f"{base}/notify", json={"text": "x"})
        assert refused.status_code == 401
        bad = await http.post(f"{base}/notify", json={"text": "x", "repeat": 0},
                              headers=AUTH)
        assert bad.status_code == 400
        assert bad.json()["field"] == "repeat"
        answer = await http.post(f"{base}/notify", json={"text": "Dinner", "icon": "bell",
                                                          "seconds": 30}, headers=AUTH)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"notified": 1, "seconds": 30.0}
        event = await client.next_event()
        while event.event != "notify":
            event = await client.next_event()
        assert json.loads(event.data) == {"text": "Dinner", "icon": "bell", "seconds": 30.0,
                                          "repeat": 1}
        async with asyncio.timeout(5):
            while True:
                current = (await http.get(f"{base}/frames/current.json",
                                          headers=AUTH)).json()
                if current["page"] == NOTICE_PAGE:
                    break
                await asyncio.sleep(0.05)


async def test_dash_notify_posts_to_the_server() -> None:
    store = MemoryStore()
    await store.open()
    async with serving(store, token=TOKEN) as base, \
            SSEClient(f"{base}/events", headers=AUTH) as client:
        result = await asyncio.to_thread(
            dash, "notify", "Door open", "--icon", "warning", "--repeat", "2", "--server", base,
            "--token", TOKEN)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "sent to 1 connected display(s) and the web preview"
        event = await client.next_event()
        assert json.loads(event.data)["text"] == "Door open"
        wrong = await asyncio.to_thread(dash, "notify", "x", "--server", base, "--token", "no")
        assert_one_line_error(wrong, 1, "answered 401")
    bad = await asyncio.to_thread(dash, "notify", "x", "--seconds", "600", "--server",
                                  "http://127.0.0.1:9")
    assert_one_line_error(bad, 2, "--seconds: Input should be less than or equal to 60")
