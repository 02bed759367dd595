"""The shared display loop: SSE parsing and resuming, the page cycle, render-on-change."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from PIL import Image

from dashcli.core.backoff import Backoff
from dashcli.core.envelope import Update
from dashcli.core.errors import UsageError
from dashcli.displays.build import choose_feed
from dashcli.displays.cycle import CyclePage, PageCycle
from dashcli.displays.feeds import ServerFeed, StaticFeed, events_url
from dashcli.displays.loop import DisplayLoop, Frame
from dashcli.displays.model import DisplayModel
from dashcli.displays.sse import Event, SSEClient, parse_events
from dashcli.profiles.schema import Server
from tests.conftest import profile_with

T0 = datetime(2026, 11, 22, 15, 0, 5, tzinfo=UTC)


def update(kind: str, seq: int, **values: object) -> Update:
    return Update(kind, T0, T0 + timedelta(minutes=30), dict(values), "test", seq)


async def lines(*items: str):
    for item in items:
        yield item


async def test_parse_events_follows_the_event_stream_rules():
    stream = lines(": keep-alive", "retry: 3000", "event: weather", "id: 7", "data: {\"a\":",
                   "data: 1}", "", "data: plain", "", "event: ignored-without-data", "")
    items = [item async for item in parse_events(stream)]
    assert items == [3000, Event("weather", '{"a":\n1}', "7"), Event("message", "plain", "7")]


class FlakyServer:
    """An SSE endpoint that drops the first connection after two events."""

    def __init__(self) -> None:
        self.connections: list[str | None] = []
        self.done = asyncio.Event()

    async def events(self, request: web.Request) -> web.StreamResponse:
        self.connections.append(request.headers.get("Last-Event-ID"))
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        if len(self.connections) == 1:
            for seq in (1, 2):
                data = update("weather", seq, t=seq).to_json()
                await response.write(f"event: weather\nid: {seq}\ndata: {data}\n\n".encode())
            return response  # the connection ends: the client must resume
        await response.write(b"retry: 20\n\n")
        data = update("weather", 3, t=3).to_json()
        await response.write(f"event: weather\nid: 3\ndata: {data}\n\n".encode())
        await self.done.wait()  # hold the stream open until the test ends
        return response


@pytest.fixture
async def flaky():
    server = FlakyServer()
    app = web.Application()
    app.router.add_get("/events", server.events)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield server, f"http://127.0.0.1:{port}"
    server.done.set()
    await runner.cleanup()


async def test_sse_client_resumes_with_last_event_id(flaky):
    server, base = flaky
    statuses: list[tuple[bool, str]] = []
    client = SSEClient(f"{base}/events", backoff=Backoff(base=0.01),
                       on_status=lambda ok, detail: statuses.append((ok, detail)))
    seen: list[str | None] = []
    async with asyncio.timeout(10):
        async for event in client.events():
            seen.append(event.id)
            if len(seen) == 3:
                break
    assert seen == ["1", "2", "3"]
    assert server.connections == [None, "2"]
    assert (False, "server closed the stream") in statuses
    assert statuses[0] == (True, "connected")


async def test_server_feed_applies_updates_controls_and_skips_garbage(caplog):
    model = DisplayModel()
    feed = ServerFeed("http://127.0.0.1:1/")
    assert feed.url == "http://127.0.0.1:1/events"
    feed.handle(model, Event("weather", update("weather", 4, t=1).to_json(), "4"))
    feed.handle(model, Event("control", '{"action": "next"}', None))
    with caplog.at_level(logging.WARNING):
        feed.handle(model, Event("weather", "{not json", "5"))
        feed.handle(model, Event("weather", "{still not json", "6"))
        feed.handle(model, Event("control", '{"action": "explode"}', None))
    assert model.state["weather"].seq == 4
    assert list(model.controls) == ["next"]
    assert len([r for r in caplog.records if "bad update event" in r.getMessage()]) == 1
    assert any("bad control event" in r.getMessage() for r in caplog.records)


def test_events_url_filters_types():
    assert events_url("http://h:1", ["mlb", "air", "mlb"]) == "http://h:1/events?types=air%2Cmlb"


def test_model_ignores_exact_repeats_but_accepts_restarted_counts():
    model = DisplayModel()
    model.apply(update("air", 9, aqi=10))
    version = model.version
    model.apply(update("air", 9, aqi=10))
    assert model.version == version
    model.apply(update("air", 1, aqi=99))
    assert model.state["air"].values == {"aqi": 99}


def cycle_of(*pages: tuple[str, float], empty: set[str] | None = None) -> PageCycle:
    empty = empty or set()
    return PageCycle([CyclePage(page, seconds) for page, seconds in pages],
                     has_content=lambda page: page not in empty)


def test_cycle_follows_durations():
    cycle = cycle_of(("clock", 10), ("weather", 15))
    assert cycle.tick(T0).page == "clock"
    assert cycle.tick(T0 + timedelta(seconds=9.9)).page == "clock"
    assert cycle.tick(T0 + timedelta(seconds=10)).page == "weather"
    assert cycle.seconds_left(T0 + timedelta(seconds=20)) == 5
    assert cycle.tick(T0 + timedelta(seconds=25)).page == "clock"


def test_cycle_skips_empty_pages_unless_told_not_to():
    cycle = cycle_of(("clock", 10), ("mlb", 20), ("weather", 15), empty={"mlb"})
    cycle.tick(T0)
    assert cycle.tick(T0 + timedelta(seconds=10)).page == "weather"
    cycle.skip_empty = False
    assert cycle.tick(T0 + timedelta(seconds=25)).page == "clock"
    assert cycle.tick(T0 + timedelta(seconds=35)).page == "mlb"


def test_cycle_with_nothing_to_show_still_moves():
    cycle = cycle_of(("mlb", 5), ("nfl", 5), empty={"mlb", "nfl"})
    assert cycle.tick(T0).page == "nfl"
    assert cycle.tick(T0 + timedelta(seconds=5)).page == "mlb"


def test_cycle_controls():
    cycle = cycle_of(("a", 10), ("b", 10), ("c", 10))
    cycle.tick(T0)
    assert cycle.control("pause", T0)
    assert cycle.tick(T0 + timedelta(minutes=5)).page == "a"
    assert cycle.seconds_left(T0) is None
    cycle.control("resume", T0 + timedelta(minutes=5))
    assert cycle.tick(T0 + timedelta(minutes=5, seconds=9)).page == "a"
    cycle.control("prev", T0)
    assert cycle.current.page == "c"
    cycle.control("next", T0)
    cycle.control("next", T0)
    assert cycle.current.page == "b"
    assert not cycle.control("rewind", T0)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class CountingRenderer:
    """Stands in for the frame cache: same object for the same (page, seqs, minute)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[object, ...], Image.Image] = {}
        self.renders = 0

    def __call__(self, page, state, now, *, part=0):
        key = (page, tuple(sorted((k, u.seq) for k, u in state.items())), now.replace(second=0,
                                                                                      microsecond=0))
        if key not in self.cache:
            self.renders += 1
            self.cache[key] = Image.new("RGB", (1, 1))
        return self.cache[key]


async def test_loop_shows_only_changed_frames_and_applies_controls():
    model = DisplayModel()
    clock = Clock()
    renderer = CountingRenderer()
    shown: list[Frame] = []
    loop = DisplayLoop(model, cycle_of(("clock", 10), ("weather", 15)), renderer, shown.append,
                       clock=clock)
    await StaticFeed([update("weather", 1, t=1)]).run(model)
    assert (await loop.step()).page == "clock"
    assert await loop.step() is None  # nothing changed: not shown again
    clock.now += timedelta(seconds=10)
    assert (await loop.step()).page == "weather"
    model.apply(update("weather", 2, t=2))
    assert (await loop.step()).page == "weather"  # new values: a new frame
    model.control("pause")
    frame = await loop.step()
    assert frame is not None
    assert frame.paused
    clock.now += timedelta(minutes=3)
    assert (await loop.step()).page == "weather"  # the minute changed, still paused on weather
    model.control("next")
    assert (await loop.step()).page == "clock"
    assert [f.page for f in shown] == ["clock", "weather", "weather", "weather", "weather", "clock"]
    assert loop.seconds_to_wake(T0) <= 1.0


async def test_run_wakes_on_new_data():
    model = DisplayModel()
    shown: list[Frame] = []
    loop = DisplayLoop(model, cycle_of(("weather", 60)), CountingRenderer(), shown.append)
    loop.seconds_to_wake = lambda now: 30.0  # only new data can wake it within the test
    task = asyncio.create_task(loop.run())
    try:
        async with asyncio.timeout(5):
            while not shown:
                await asyncio.sleep(0.01)
            model.apply(update("weather", 1))
            while len(shown) < 2:
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
    assert len(shown) == 2


@pytest.mark.parametrize(("units", "clock"), [("imperial", "12h"), ("metric", "24h")])
def test_displays_draw_with_the_profiles_size_timezone_and_clock(units, clock):
    from dashcli.displays.build import frame_renderer
    from dashcli.renderers import render
    from tests.conftest import profile_with

    profile = profile_with().model_copy(update={"units": units})
    draw = frame_renderer(profile)
    at = datetime(2026, 11, 22, 18, 40, tzinfo=UTC)
    image = draw("clock", {}, at)
    assert image is draw("clock", {}, at + timedelta(seconds=5))  # same minute: cached
    expected = render("clock", {}, at, size=(128, 64), timezone="America/New_York", clock=clock)
    assert image.tobytes() == expected.tobytes()
    other = render("clock", {}, at, size=(128, 64), timezone="America/New_York",
                   clock="24h" if clock == "12h" else "12h")
    assert image.tobytes() != other.tobytes()


@pytest.mark.parametrize(("host", "expected"), [
    ("127.0.0.1", "http://127.0.0.1:8123"),
    ("0.0.0.0", "http://127.0.0.1:8123"),
    ("::", "http://127.0.0.1:8123"),
    ("::1", "http://[::1]:8123"),
    ("dash.lan", "http://dash.lan:8123"),
])
def test_displays_follow_the_profiles_server_on_this_machine(host, expected):
    profile = profile_with().model_copy(
        update={"server": Server(host=host, port=8123)}
    )
    source = choose_feed(profile, server=None, token=None, demo=False, data=None)
    assert source.server == expected


def test_a_server_url_with_a_password_is_never_shown():
    profile = profile_with()
    source = choose_feed(profile, server="http://pi:hunter22@dash.lan:8080", token=None,
                         demo=False, data=None)
    assert "hunter22" not in source.label
    with pytest.raises(UsageError) as caught:
        choose_feed(profile, server="ftp://pi:hunter22@dash.lan", token=None, demo=False,
                    data=None)
    assert "hunter22" not in str(caught.value)
