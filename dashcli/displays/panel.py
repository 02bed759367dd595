"""The LED panel driver of ``dash matrix``: rpi-rgb-led-matrix or RGBMatrixEmulator, one class.

Options come from the profile's ``display.panel`` (the library's Python option names), overridden
by the ``--led-*`` flags its users know, validated by the same schema. Frames are drawn the way
the hardware wants: ``SetImage`` of an RGB image on an offscreen canvas, then ``SwapOnVSync``,
which returns the canvas to draw the next frame on. Brightness is set once, at the panel
(``options.brightness``), never by dimming the frames, so every display shows the same pixels;
the profile's brightness schedule (``Frame.brightness``) sets it as the day goes, 0 meaning dark.
Privileges are kept unless asked otherwise: the library's drop to ``daemon`` after start breaks
reading files and virtualenvs.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from PIL import Image
from pydantic import ValidationError

from dashcli.core.errors import DashError, UsageError
from dashcli.displays.loop import Frame
from dashcli.profiles.schema import Panel

log = logging.getLogger(__name__)

# Panel option (the library's Python name) -> the command-line flag that overrides it.
PANEL_FLAGS: dict[str, str] = {
    "rows": "--led-rows",
    "cols": "--led-cols",
    "chain_length": "--led-chain",
    "parallel": "--led-parallel",
    "hardware_mapping": "--led-gpio-mapping",
    "brightness": "--led-brightness",
    "gpio_slowdown": "--led-slowdown-gpio",
    "pwm_bits": "--led-pwm-bits",
    "pwm_lsb_nanoseconds": "--led-pwm-lsb-nanoseconds",
    "pixel_mapper_config": "--led-pixel-mapper",
    "row_address_type": "--led-row-addr-type",
    "multiplexing": "--led-multiplexing",
    "scan_mode": "--led-scan-mode",
    "disable_hardware_pulsing": "--led-no-hardware-pulse",
    "limit_refresh_rate_hz": "--led-limit-refresh",
    "led_rgb_sequence": "--led-rgb-sequence",
    "drop_privileges": "--led-drop-privileges",
}
MISSING_RGBMATRIX = (
    "the rgbmatrix module is not installed: on the Pi, build the Python bindings of "
    "https://github.com/hzeller/rpi-rgb-led-matrix into this virtualenv (git clone it, then "
    "pip install ./rpi-rgb-led-matrix; README: On a Raspberry Pi), or try --emulate"
)
MISSING_EMULATOR = (
    "--emulate needs RGBMatrixEmulator: pip install 'dashcli[emulator]' (or RGBMatrixEmulator)"
)


def panel_options(panel: Panel, overrides: Mapping[str, object]) -> Panel:
    """The profile's panel with the given flags (None: not given) applied and validated."""
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        return Panel.model_validate({**panel.model_dump(), **given})
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        where = PANEL_FLAGS.get(name, name) if name in given else f"display.panel.{name}"
        raise UsageError(f"{where}: {error['msg']}") from None


def load_backend(emulate: bool) -> ModuleType:
    """The ``rgbmatrix`` module, or RGBMatrixEmulator with ``emulate``; missing: one line."""
    name = "RGBMatrixEmulator" if emulate else "rgbmatrix"
    try:
        module = importlib.import_module(name)
    except ImportError:
        raise DashError(MISSING_EMULATOR if emulate else MISSING_RGBMATRIX) from None
    if emulate:
        keep_emulator_on_loopback()
    return module


def keep_emulator_on_loopback() -> None:
    """Make RGBMatrixEmulator's browser page listen on 127.0.0.1 only.

    Its browser adapter (the default) calls tornado's ``Application.listen(port)`` without an
    address, which listens on every interface; dashcli's servers bind 127.0.0.1 unless told
    otherwise, so the emulator's page does too. An explicit address is left alone.
    """
    try:
        from tornado.web import Application
    except ImportError:  # adapters without tornado: nothing listens
        return
    listen = Application.listen
    if getattr(listen, "dashcli_loopback", False):
        return

    def listen_on_loopback(self: Any, port: int, address: str | None = None,
                           **kwargs: Any) -> Any:
        return listen(self, port, address or "127.0.0.1", **kwargs)

    listen_on_loopback.dashcli_loopback = True  # type: ignore[attr-defined]
    Application.listen = listen_on_loopback  # type: ignore[method-assign]


class PanelDisplay:
    """One LED panel: opened with the options, shown frames by canvas swap, cleared at the end."""

    def __init__(self, backend: ModuleType, panel: Panel) -> None:
        options = backend.RGBMatrixOptions()
        defaults = Panel()
        for name, value in panel.model_dump().items():
            try:
                setattr(options, name, value)
            except AttributeError:
                # Older library builds lack some options; only a non-default value matters.
                if value != getattr(defaults, name):
                    raise DashError(
                        f"{PANEL_FLAGS[name]}: this {backend.__name__} build has no option "
                        f"{name!r}; update rpi-rgb-led-matrix"
                    ) from None
        try:
            self.matrix: Any = backend.RGBMatrix(options=options)
        except Exception as exc:  # the C++ library reports any start-up failure this way
            raise DashError(f"cannot start the LED panel: {exc}") from None
        self.canvas: Any = self.matrix.CreateFrameCanvas()
        self.size = (int(self.matrix.width), int(self.matrix.height))
        self._warned_size = False
        self._brightness = panel.brightness

    def show(self, frame: Frame) -> None:
        """Draw ``frame`` on the offscreen canvas and swap it in at the next vertical sync (with
        the pause sign while the cycle is paused)."""
        image = frame.image if frame.image.mode == "RGB" else frame.image.convert("RGB")
        if frame.paused:
            from dashcli.renderers.canvas import draw_pause_marker

            # Frames are shared with the frame cache: mark a copy.
            image = image.copy()
            draw_pause_marker(image)
        level = frame.brightness
        if level is not None and level != self._brightness:
            # The schedule's level is the panel's own brightness: frames stay as drawn.
            self._brightness = level
            if level > 0:
                self.matrix.brightness = level
        if level is not None and level <= 0:
            image = Image.new("RGB", image.size)  # off hours: every LED dark
        if image.size != self.size and not self._warned_size:
            self._warned_size = True
            log.warning("the panel is %dx%d but frames are %dx%d: check display.size and the "
                        "panel options (rows, cols, chain, parallel, pixel mapper)",
                        *self.size, *image.size)
        self.canvas.SetImage(image, 0, 0)
        self.canvas = self.matrix.SwapOnVSync(self.canvas)

    def clear(self) -> None:
        """Switch every LED off (on exit: a panel must not keep showing a frozen frame)."""
        self.matrix.Clear()
