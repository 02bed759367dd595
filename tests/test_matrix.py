"""``dash matrix``: the panel driver against a double of the rgbmatrix API that behaves like the
hardware (RGB-only SetImage, offscreen canvases swapped by SwapOnVSync, options with a fixed set
of attributes), against RGBMatrixEmulator headless, and as a process stopped by SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image

from dashcli.core.errors import DashError, UsageError
from dashcli.displays.build import build_loop
from dashcli.displays.feeds import StaticFeed
from dashcli.displays.loop import Frame
from dashcli.displays.model import DisplayModel
from dashcli.displays.panel import MISSING_RGBMATRIX, PanelDisplay, load_backend, panel_options
from dashcli.profiles import load_profile
from dashcli.profiles.schema import Panel, Profile
from dashcli.renderers import page_parts, render
from dashcli.renderers.colors import WHITE
from dashcli.renderers.demo import demo_state
from tests.test_cli import assert_one_line_error, dash

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 9, 27, 17, 40, tzinfo=UTC)
TIMEZONE = "America/New_York"
OPTION_NAMES = (
    "hardware_mapping", "rows", "cols", "chain_length", "parallel", "pwm_bits",
    "pwm_lsb_nanoseconds", "brightness", "scan_mode", "multiplexing", "row_address_type",
    "disable_hardware_pulsing", "show_refresh_rate", "inverse_colors", "led_rgb_sequence",
    "pixel_mapper_config", "panel_type", "pwm_dither_bits", "limit_refresh_rate_hz",
    "gpio_slowdown", "daemon", "drop_privileges",
)


class FakeOptions:
    """RGBMatrixOptions: a fixed set of attributes (the Cython class has no __dict__)."""

    __slots__ = OPTION_NAMES

    def __init__(self) -> None:
        for name in OPTION_NAMES:
            setattr(self, name, None)
        self.drop_privileges = True  # the library's default

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in OPTION_NAMES}


class FakeCanvas:
    """A FrameCanvas: an offscreen buffer; SetImage raises on anything but RGB, like the C code."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.pixels = Image.new("RGB", size)

    @property
    def width(self) -> int:
        return self.pixels.width

    @property
    def height(self) -> int:
        return self.pixels.height

    def SetImage(self, image: Image.Image, offset_x: int = 0, offset_y: int = 0,
                 unsafe: bool = True) -> None:
        if image.mode != "RGB":
            raise Exception("Currently, only RGB mode is supported for SetImage().")
        self.pixels.paste(image, (offset_x, offset_y))

    def Clear(self) -> None:
        self.pixels = Image.new("RGB", self.pixels.size)


class FakeMatrix:
    """RGBMatrix: the displayed canvas is swapped at vsync; Clear blanks what is displayed."""

    instances: ClassVar[list[FakeMatrix]] = []

    def __init__(self, options: FakeOptions | None = None) -> None:
        self.options = (options or FakeOptions()).as_dict()
        width = self.options["cols"] * self.options["chain_length"]
        height = self.options["rows"] * self.options["parallel"]
        if "U-mapper" in (self.options["pixel_mapper_config"] or ""):
            width, height = width // 2, height * 2
        self.width, self.height = width, height
        self.displayed = FakeCanvas((width, height))
        self.shown: list[Image.Image] = []
        self.cleared = 0
        FakeMatrix.instances.append(self)
        self._log("start", options=self.options)

    def _log(self, event: str, **details: object) -> None:
        path = os.environ.get("FAKE_RGBMATRIX_LOG")
        if path:
            with open(path, "a", encoding="utf-8") as log:
                log.write(json.dumps({"event": event, **details}) + "\n")

    def CreateFrameCanvas(self) -> FakeCanvas:
        return FakeCanvas((self.width, self.height))

    def SwapOnVSync(self, canvas: FakeCanvas, framerate_fraction: int = 1) -> FakeCanvas:
        previous, self.displayed = self.displayed, canvas
        self.shown.append(canvas.pixels.copy())
        self._log("swap")
        return previous

    def Clear(self) -> None:
        self.displayed.Clear()
        self.cleared += 1
        self._log("clear")


def fake_module() -> types.ModuleType:
    module = types.ModuleType("rgbmatrix")
    module.RGBMatrix = FakeMatrix  # type: ignore[attr-defined]
    module.RGBMatrixOptions = FakeOptions  # type: ignore[attr-defined]
    return module


@pytest.fixture
def rgbmatrix(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = fake_module()
    monkeypatch.setitem(sys.modules, "rgbmatrix", module)
    FakeMatrix.instances.clear()
    return module


CYCLE = "[{page: clock, seconds: 10}, {page: weather, seconds: 15}, {page: nfl, seconds: 5}, " \
        "{page: mlb, seconds: 20}]"


@pytest.fixture
def profile_path(tmp_path: Path) -> Path:
    path = tmp_path / "panel.yaml"
    path.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        f"timezone: {TIMEZONE}}}\n"
        f"store: sqlite:///{tmp_path / 'state.db'}\n"
        f"display:\n  cycle: {CYCLE}\n"
        "  panel: {rows: 32, cols: 64, chain_length: 4, pixel_mapper_config: U-mapper, "
        "hardware_mapping: adafruit-hat, brightness: 80, gpio_slowdown: 4}\n"
    )
    return path


@pytest.fixture
def profile(profile_path: Path) -> Profile:
    return load_profile(str(profile_path), None)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_options_come_from_the_profile_and_the_flags(rgbmatrix, profile):
    panel = panel_options(profile.display.panel, {"brightness": 55, "gpio_slowdown": None,
                                                  "disable_hardware_pulsing": True})
    display = PanelDisplay(load_backend(False), panel)
    options = FakeMatrix.instances[0].options
    assert options["brightness"] == 55
    assert options["gpio_slowdown"] == 4
    assert options["chain_length"] == 4
    assert options["pixel_mapper_config"] == "U-mapper"
    assert options["hardware_mapping"] == "adafruit-hat"
    assert options["disable_hardware_pulsing"] is True
    assert options["drop_privileges"] is False  # the library would drop to 'daemon'
    assert display.size == (128, 64)


def test_bad_flag_value_names_the_flag(profile):
    with pytest.raises(UsageError, match="--led-brightness"):
        panel_options(profile.display.panel, {"brightness": 0})
    with pytest.raises(UsageError, match="--led-rgb-sequence"):
        panel_options(Panel(), {"led_rgb_sequence": "RGX"})


async def test_frames_are_the_renderers_and_the_cycle_follows_the_durations(rgbmatrix, profile):
    state = demo_state("weather", "air", "mlb")  # no nfl data: that page is skipped
    display = PanelDisplay(load_backend(False), profile.display.panel)
    matrix = FakeMatrix.instances[0]
    clock = Clock()
    model = DisplayModel()
    loop = build_loop(profile, model, display.show, clock=clock)
    await StaticFeed(state.values()).run(model)

    def expected(page: str, part: int) -> bytes:
        return render(page, state, clock.now, size=(128, 64), timezone=TIMEZONE,
                      part=part).tobytes()

    # The demo's MLB day takes two frames (featured game, then cards): 10 s each of its 20.
    assert page_parts("mlb", state, T0, size=(128, 64), timezone=TIMEZONE) == 2
    timeline = [(0, "clock", 0), (9.9, None, 0), (10, "weather", 0), (24.9, None, 0),
                (25, "mlb", 0), (34.9, None, 0), (35, "mlb", 1), (44.9, None, 0),
                (45, "clock", 0)]
    for seconds, page, part in timeline:
        clock.now = T0 + timedelta(seconds=seconds)
        frame = await loop.step()
        if page is None:
            assert frame is None
            continue
        assert frame is not None
        assert (frame.page, frame.part) == (page, part)
        assert matrix.displayed.pixels.tobytes() == expected(page, part)
    assert len(matrix.shown) == 5
    # Double buffering: the next frame is drawn on the canvas SwapOnVSync handed back.
    assert display.canvas is not matrix.displayed


def test_non_rgb_frames_are_converted_for_the_hardware(rgbmatrix):
    display = PanelDisplay(load_backend(False), Panel(chain_length=2))
    image = Image.new("P", (128, 32), 3)
    with pytest.raises(Exception, match="only RGB"):
        display.canvas.SetImage(image)
    display.show(Frame("clock", image, T0, False))
    assert FakeMatrix.instances[0].displayed.pixels.tobytes() == image.convert("RGB").tobytes()


def test_a_paused_cycle_shows_the_pause_sign_on_a_copy(rgbmatrix):
    display = PanelDisplay(load_backend(False), Panel(rows=64, cols=64, chain_length=2))
    image = render("weather", demo_state("weather"), T0, size=(128, 64), timezone=TIMEZONE)
    untouched = image.tobytes()
    display.show(Frame("weather", image, T0, True))
    shown = FakeMatrix.instances[0].displayed.pixels
    assert image.tobytes() == untouched  # the cached frame itself is not marked
    assert shown.getpixel((127, 63)) == WHITE
    assert shown.getpixel((126, 63)) == (0, 0, 0)
    assert shown.getpixel((125, 63)) == WHITE
    box = (0, 0, 123, 60)
    assert shown.crop(box).tobytes() == image.crop(box).tobytes()
    display.show(Frame("weather", image, T0, False))
    assert FakeMatrix.instances[0].displayed.pixels.tobytes() == untouched


def test_missing_backends_are_one_line():
    if importlib.util.find_spec("rgbmatrix") is None:
        with pytest.raises(DashError, match="--emulate"):
            load_backend(False)
    result = dash("matrix", "--demo")
    if importlib.util.find_spec("rgbmatrix") is not None:
        pytest.skip("rgbmatrix is installed here")
    assert_one_line_error(result, 1, MISSING_RGBMATRIX)
    assert "hzeller/rpi-rgb-led-matrix" in result.stderr


def test_flag_errors_exit_2(profile_path):
    result = dash("matrix", "--demo", "--led-brightness", "101", "--profile", str(profile_path))
    assert_one_line_error(result, 2, "--led-brightness")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_clears_the_panel(tmp_path, profile_path, signum):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "rgbmatrix.py").write_text(
        "from tests.test_matrix import FakeMatrix as RGBMatrix, FakeOptions as RGBMatrixOptions\n"
    )
    log = tmp_path / "panel.log"
    env = {**os.environ, "PYTHONPATH": f"{shim}{os.pathsep}{ROOT}", "FAKE_RGBMATRIX_LOG": str(log)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dashcli", "matrix", "--demo", "--profile", str(profile_path),
         "--led-brightness", "30"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (log.exists() and '"swap"' in log.read_text()):
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "no frame shown"
            time.sleep(0.05)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert events[0]["event"] == "start"
    assert events[0]["options"]["brightness"] == 30
    assert events[0]["options"]["drop_privileges"] is False
    assert events[-1] == {"event": "clear"}


EMULATOR_CONFIG = {
    "pixel_outline": 0, "pixel_size": 1, "pixel_style": "square", "pixel_glow": 0,
    "display_adapter": "raw", "allow_adapter_fallback": False, "icon_path": None,
    "emulator_title": None, "log_level": "error",
    "browser": {"_comment": "unused", "port": 8888, "target_fps": 60, "fps_display": False,
                "quality": 70, "image_border": True, "debug_text": False,
                "image_format": "JPEG", "open_immediately": False},
}


async def test_emulator_headless_shows_the_renderers_frames(tmp_path, monkeypatch, profile):
    if importlib.util.find_spec("RGBMatrixEmulator") is None:
        pytest.skip("RGBMatrixEmulator is not installed (pip install 'dashcli[emulator]')")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "emulator_config.json").write_text(json.dumps(EMULATOR_CONFIG))
    from RGBMatrixEmulator.adapters.raw_adapter import RawAdapter

    monkeypatch.setattr(RawAdapter, "INSTANCE", None)  # the emulator keeps one per process
    backend = load_backend(True)
    # Full brightness: the emulator dims in software, the hardware at the LEDs.
    display = PanelDisplay(backend, panel_options(profile.display.panel, {"brightness": 100}))
    assert display.size == (128, 64)
    adapter = display.canvas.display_adapter
    state = demo_state("weather", "air", "mlb")
    clock = Clock()
    model = DisplayModel()
    loop = build_loop(profile, model, display.show, clock=clock)
    await StaticFeed(state.values()).run(model)
    for seconds, page in [(0, "clock"), (10, "weather"), (25, "mlb")]:
        clock.now = T0 + timedelta(seconds=seconds)
        frame = await loop.step()
        assert frame is not None
        assert frame.page == page
        expected = render(page, state, clock.now, size=(128, 64), timezone=TIMEZONE)
        shown = Image.fromarray(adapter._last_frame(), "RGB")
        assert shown.tobytes() == expected.tobytes()
    display.clear()
    assert not adapter._last_frame().any()


async def test_the_cycle_waits_briefly_for_the_first_state(rgbmatrix, tmp_path):
    path = tmp_path / "first.yaml"
    path.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        f"timezone: {TIMEZONE}}}\n"
        "display: {cycle: [{page: weather, seconds: 10}, {page: clock, seconds: 10}]}\n"
    )
    profile = load_profile(str(path), None)
    display = PanelDisplay(load_backend(False), profile.display.panel)
    model = DisplayModel()
    loop = build_loop(profile, model, display.show, clock=Clock())

    async def late_feed() -> None:  # a server's catch-up arriving a moment after the start
        await asyncio.sleep(0.3)
        model.replace_all(demo_state("weather", "air"))

    feed = asyncio.ensure_future(late_feed())
    running = asyncio.ensure_future(loop.run())
    try:
        async with asyncio.timeout(10):
            while loop.frame is None:
                await asyncio.sleep(0.01)
    finally:
        running.cancel()
        await asyncio.gather(feed, running, return_exceptions=True)
    assert loop.frame.page == "weather"  # not skipped for lack of data, then the clock for 10 s


def test_the_emulators_browser_page_listens_on_loopback_only(tmp_path, monkeypatch):
    """RGBMatrixEmulator's browser adapter calls tornado's listen(port) with no address."""
    monkeypatch.chdir(tmp_path)  # importing the emulator writes emulator_config.json here
    tornado_web = pytest.importorskip("tornado.web")
    pytest.importorskip("RGBMatrixEmulator")
    import socket

    from dashcli.displays.panel import keep_emulator_on_loopback

    load_backend(emulate=True)
    keep_emulator_on_loopback()  # idempotent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def listen() -> list[tuple[str, int]]:
        server = tornado_web.Application([]).listen(port)
        try:
            return [sock.getsockname()[:2] for sock in server._sockets.values()]
        finally:
            server.stop()

    assert asyncio.run(listen()) == [("127.0.0.1", port)]
