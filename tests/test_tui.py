"""``dash tui`` with ``App.run_test()``: the half-block cells mirror the renderer's pixels exactly,
the keys drive the cycle and save PNGs, and a real ``dash serve`` is followed across a restart."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from textual.geometry import Region
from textual.pilot import Pilot

from dashcli.core.envelope import Update
from dashcli.displays.build import Source, choose_feed
from dashcli.displays.feeds import StaticFeed
from dashcli.displays.tui.app import FAILING, FRESH, DashApp, FrameView, source_health
from dashcli.displays.tui.halfblock import UPPER_HALF
from dashcli.profiles import load_profile
from dashcli.profiles.schema import Profile
from dashcli.renderers import render
from dashcli.renderers.demo import DEMO_NOW, DEMO_TIMEZONE, demo_state, demo_update
from tests.replay import Reply

CYCLE = "[{page: weather, seconds: 10}, {page: moon, seconds: 10}, {page: mlb, seconds: 10}]"


def write_profile(directory: Path, port: int = 8080) -> Path:
    path = directory / "tui.yaml"
    path.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        f"timezone: {DEMO_TIMEZONE}}}\n"
        f"store: sqlite:///{directory / 'state.db'}\n"
        f"display: {{cycle: {CYCLE}}}\n"
        f"server: {{host: 127.0.0.1, port: {port}}}\n"
    )
    return path


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return load_profile(str(write_profile(tmp_path)), None)


def standalone(now: datetime = DEMO_NOW) -> Source:
    return Source(StaticFeed(demo_state().values()), lambda: now, label="demo")


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def cells(view: FrameView) -> list[list[tuple[str, tuple[int, int, int], tuple[int, int, int]]]]:
    """Every cell the widget renders: (character, foreground RGB, background RGB)."""
    width, height = view.size
    rows = []
    for strip in view.render_lines(Region(0, 0, width, height)):
        row = []
        for segment in strip:
            style = segment.style
            assert style is not None
            assert style.color is not None
            assert style.bgcolor is not None
            fg = style.color.get_truecolor()
            bg = style.bgcolor.get_truecolor()
            row.extend((char, (fg.red, fg.green, fg.blue), (bg.red, bg.green, bg.blue))
                       for char in segment.text)
        rows.append(row)
    return rows


def assert_mirror(view: FrameView, image: Image.Image) -> None:
    """The cells show ``image`` exactly: upper pixel as foreground, lower as background."""
    pixels = image.convert("RGB").load()
    rows = cells(view)
    for y in range(image.height // 2):
        for x in range(image.width):
            char, fg, bg = rows[y][x]
            assert char == UPPER_HALF
            assert (fg, bg) == (pixels[x, 2 * y], pixels[x, 2 * y + 1]), (x, y)


def demo_weather() -> Image.Image:
    """The first page of the test profile, the demo weather, as the renderer draws it."""
    return render("weather", demo_state(), DEMO_NOW, size=(128, 64), timezone=DEMO_TIMEZONE)


async def first_frame(app: DashApp, pilot: Pilot[None]) -> FrameView:
    """The frame view once the app has shown its first frame."""
    await until(pilot, lambda: app.frames_shown >= 1)
    await pilot.pause()
    return app.query_one(FrameView)


async def test_half_blocks_mirror_the_renderer_exactly(profile):
    app = DashApp(profile, standalone())
    async with app.run_test(size=(140, 40)) as pilot:
        view = await first_frame(app, pilot)
        assert view.size == (128, 32)
        assert_mirror(view, demo_weather())


async def test_smaller_terminal_scales_down_with_whole_pixels(profile):
    app = DashApp(profile, standalone())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await first_frame(app, pilot)
        width, height = view.size
        assert width < 128
        frame = demo_weather()
        scale = min(width / 128, 2 * height / 64)
        small = frame.resize((int(128 * scale), int(64 * scale)), Image.Resampling.NEAREST)
        assert_mirror(view, small)


async def test_keys_pause_step_and_save(profile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = DashApp(profile, standalone())
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: app.frames_shown >= 1)

        def page() -> str | None:
            return app.loop.frame.page if app.loop.frame else None

        for key, wanted in [("n", "moon"), ("right", "mlb"), ("p", "moon"), ("left", "weather")]:
            await pilot.press(key)
            await until(pilot, lambda wanted=wanted: page() == wanted)
        await pilot.press("space")
        await until(pilot, lambda: app.loop.cycle.paused)
        assert "\u2016 weather" in str(app.query_one("#pages").render())
        await pilot.press("space")
        await until(pilot, lambda: not app.loop.cycle.paused)
        await pilot.press("s")
        await until(pilot, lambda: any(tmp_path.glob("weather-*.png")))
        saved = next(tmp_path.glob("weather-*.png"))
        expected = demo_weather()
        with Image.open(saved) as image:
            assert image.convert("RGB").tobytes() == expected.tobytes()
        await pilot.press("q")
    assert app.return_code == 0


async def test_status_bar_shows_freshness(profile):
    app = DashApp(profile, standalone(DEMO_NOW + timedelta(minutes=10)))
    async with app.run_test(size=(240, 40)) as pilot:
        await until(pilot, lambda: app.frames_shown >= 1)
        app.refresh_status()
        status = str(app.query_one("#status").render())
        assert status.startswith("\u25cf standalone (demo)")
        parts = status.split("  ")
        assert "weather 13:36\u219214:10" in parts  # valid until 14:10: fresh
        assert "status 13:40\u219213:41 stale" in parts


async def test_status_bar_shows_failing_sources_first_with_why(profile):
    state = demo_state()
    rows = [{"type": "weather", "updated": None, "valid": None, "ok": False,
             "error": "upstream unreachable", "since": None,
             "retry": "2026-09-27T17:42:00+00:00"},
            {"type": "moon", "updated": None, "valid": None, "ok": True, "error": None}]
    del state["moon"]
    status = state["status"]
    state["status"] = Update("status", status.updated, status.valid, {"sources": rows},
                             seq=status.seq)
    app = DashApp(profile, Source(StaticFeed(state.values()), lambda: DEMO_NOW, label="demo"))
    async with app.run_test(size=(400, 40)) as pilot:
        await until(pilot, lambda: app.frames_shown >= 1)
        app.refresh_status()
        bar = app.query_one("#status").render()
        parts = str(bar).split("  ")
        assert parts[1] == "weather failing: upstream unreachable, retry 13:42"
        assert parts[-1] == "moon waiting"
        assert not any(part.startswith("weather ") and "\u2192" in part for part in parts)
    parts_drawn = source_health(state, DEMO_NOW, DEMO_TIMEZONE)
    assert parts_drawn[0].style == FAILING
    assert [part.style for part in parts_drawn[1:-1]] == [FRESH] * (len(parts_drawn) - 2)


# -- following a real dash serve ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Serve:
    """A real ``dash serve --no-fetch`` on the embedded store of a temporary directory."""

    def __init__(self, profile_path: Path, port: int) -> None:
        self.profile_path = profile_path
        self.port = port
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashcli", "serve", "--no-fetch", "--profile",
             str(self.profile_path), "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert "dash serve:" in line, self.process.stderr.read() if self.process.stderr else line

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.communicate(timeout=10)
            self.process = None

    def publish(self, kind: str, values: dict[str, object]) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "dashcli", "publish", kind, "-", "--profile",
             str(self.profile_path)],
            input=json.dumps(values), capture_output=True, text=True, timeout=30,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert result.returncode == 0, result.stderr


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    port = free_port()
    server = Serve(write_profile(tmp_path, port), port)
    server.start()
    yield server
    server.kill()


async def test_follows_the_server_across_a_restart_and_controls_it(serve):
    weather = demo_update("weather").values
    serve.publish("weather", weather)
    serve.publish("moon", demo_update("moon").values)
    profile = load_profile(str(serve.profile_path), None)
    app = DashApp(profile, choose_feed(profile, server=None, token=None, demo=False, data=None))
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: app.model.connected is True and "weather" in app.model.state)
        await until(pilot, lambda: app.loop.frame is not None and app.loop.frame.page == "weather")
        await pilot.press("n")  # goes to the server and comes back as an SSE control event
        await until(pilot, lambda: app.loop.frame is not None and app.loop.frame.page == "moon")
        await pilot.press("p")
        await until(pilot, lambda: app.loop.frame is not None and app.loop.frame.page == "weather")

        serve.kill()
        await until(pilot, lambda: app.model.connected is False)
        assert app.loop.frame is not None  # the last frame stays on screen
        changed = json.loads(json.dumps(weather))
        changed["current"]["temperature"] = 99.0
        serve.start()
        serve.publish("weather", changed)
        await until(pilot, lambda: app.model.connected is True, timeout=20)
        await until(pilot, lambda: app.model.state["weather"].values == changed, timeout=20)
        await until(pilot, lambda: app.loop.frame is not None
                    and app.query_one(FrameView).image is app.loop.frame.image)
        await pilot.pause()
        frame = app.loop.frame
        assert frame is not None
        assert frame.page == "weather"
        expected = render("weather", app.model.state, frame.at, size=(128, 64),
                          timezone=DEMO_TIMEZONE)
        assert_mirror(app.query_one(FrameView), expected)


async def test_a_slow_server_does_not_freeze_the_app_on_a_control(upstream, profile):
    """The control request runs in a worker: the app keeps answering keys meanwhile."""
    upstream.route("/control/next", Reply(b'{"ok": true}', delay=2.0))
    source = Source(StaticFeed(demo_state().values()), lambda: DEMO_NOW, server=upstream.url,
                    label="slow server")
    app = DashApp(profile, source)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: app.loop.frame is not None)
        started = time.monotonic()
        await pilot.press("n")
        await pilot.press("question_mark")  # any key: handled at once, not after the request
        assert time.monotonic() - started < 1.0
        await until(pilot, lambda: len(upstream.hits("/control/next")) == 1)
