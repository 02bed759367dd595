"""What a page draws on: the :class:`Canvas`, and the frames every page shares.

A page's ``draw`` function gets a :class:`Canvas`: the image (128×64 or 64×32), ``now`` in
the profile's timezone, the fonts, the state entries and the clock format (12- or 24-hour)
every time of day is written in. The shared pieces live here so they look the same on every
page: the stale marker (top-right corner, inside :data:`MARKER_BOX` which pages keep free), the
"no data yet" frame, the "unreadable data" frame, and :func:`draw_time` (large digits, small AM/PM).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from PIL import Image

from dashcli.core.envelope import Update
from dashcli.core.values import ClockFormat
from dashcli.renderers import colors
from dashcli.renderers.fonts import Font, FontSet
from dashcli.renderers.format import TimeStyle, clock_parts, time_of_day
from dashcli.renderers.text import Box, draw_runs, draw_text, wrap

LARGE = (128, 64)
SMALL = (64, 32)
LAYOUTS = (LARGE, SMALL)

MARKER_SIDE = 3
# The top-right corner every page keeps free for the stale marker: x from width - 5, y 0..3.
MARKER_BOX_WIDTH = MARKER_SIDE + 2
MARKER_BOX_HEIGHT = MARKER_SIDE + 1


@lru_cache(maxsize=512)
def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class Canvas:
    """The image one page render draws on, and everything it draws from."""

    page: str
    image: Image.Image
    now: datetime  # aware, in ``tz``
    tz: tzinfo
    fonts: FontSet
    state: Mapping[str, Update]
    clock: ClockFormat = "24h"
    part: int = 0  # which of the page's frames (pages taking several frames in the cycle)

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    @property
    def compact(self) -> bool:
        """True for the 64×32 layout."""
        return self.image.height < LARGE[1]

    def values(self, kind: str) -> dict[str, Any]:
        """The ``values`` of ``kind``; the page's required types are always present."""
        values = self.state[kind].values
        if not isinstance(values, dict):
            raise TypeError(f"{kind}: values is not an object")
        return values

    def optional(self, kind: str) -> dict[str, Any] | None:
        """The ``values`` of an optional type, None when the store has none."""
        return self.values(kind) if kind in self.state else None

    def local(self, text: str) -> datetime:
        """An ISO 8601 time from the data in the canvas's timezone (naive times are local)."""
        moment = _parse(text)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def time(self, moment: datetime, style: TimeStyle = "full") -> str:
        """A time of day in the canvas's clock format
        (:func:`dashcli.renderers.format.time_of_day`)."""
        return time_of_day(moment, self.clock, style)

    def hhmm(self, text: str | None, empty: str = "--:--", style: TimeStyle = "full") -> str:
        """A data time as a local time of day in the canvas's clock format (``empty`` for None)."""
        return empty if text is None else self.time(self.local(text), style)


def draw_time(canvas: Canvas, moment: datetime, xy: tuple[int, int], font: Font,
              meridiem_font: Font, color: colors.Color, *, letter: bool = False,
              gap: int = 1) -> Box:
    """A time of day whose digits are in ``font`` and whose meridiem (12-hour form only) is in
    the smaller ``meridiem_font`` on their baseline: ``7:05ᴾᴹ`` where a space and ``PM`` in the
    digits' font would not fit. ``letter`` keeps only ``A``/``P``. 24-hour times are the digits
    alone, drawn exactly as ``draw_text`` would. Returns the box of the whole time."""
    digits, meridiem = clock_parts(moment, canvas.clock)
    if not meridiem:
        return draw_text(canvas.image, font, digits, xy, color)
    runs = [(font, digits, color),
            (meridiem_font, meridiem[0] if letter else meridiem, color)]
    return draw_runs(canvas.image, runs, xy, gap=gap)


def draw_stale_marker(image: Image.Image, color: colors.Color = colors.STALE) -> None:
    """The stale marker: an amber square in the top-right corner on a black border (red: the
    data's source is failing)."""
    width = image.width
    image.paste(colors.BLACK, (width - MARKER_BOX_WIDTH, 0, width, MARKER_BOX_HEIGHT))
    image.paste(color, (width - MARKER_SIDE, 0, width, MARKER_SIDE))


def draw_pause_marker(image: Image.Image) -> None:
    """The pause sign a panel draws while its cycle is paused: two white bars in the
    bottom-right corner on a black border."""
    width, height = image.size
    image.paste(colors.BLACK, (width - MARKER_BOX_WIDTH, height - MARKER_BOX_HEIGHT, width, height))
    for x in (width - MARKER_SIDE, width - 1):
        image.paste(colors.WHITE, (x, height - MARKER_SIDE, x + 1, height))


def title_and_message(canvas: Canvas, title: str, message: str, color: colors.Color) -> int:
    """Draw the page title and a message centred; returns the y below them."""
    body, small = canvas.fonts.body, canvas.fonts.small
    width, height = canvas.width, canvas.height
    centre = width // 2
    if canvas.compact:
        top = 4
        draw_text(canvas.image, small, title.upper(), (centre, top), colors.SECONDARY,
                  align="center", max_width=width - 2)
        y = top + small.height + 3
        draw_text(canvas.image, body, message, (centre, y), color, align="center",
                  max_width=width - 2)
        return y + body.height + 2
    top = height // 2 - body.height - 6
    draw_text(canvas.image, body, title, (centre, top), colors.SECONDARY, align="center",
              max_width=width - 4)
    y = top + body.height + 3
    draw_text(canvas.image, body, message, (centre, y), color, align="center", max_width=width - 4)
    return y + body.height + 4


def draw_no_data(canvas: Canvas, title: str, missing: list[str]) -> None:
    """The "no data yet" frame: the page title, the message, and the types it waits for."""
    small = canvas.fonts.small
    y = title_and_message(canvas, title, "no data yet", colors.WHITE)
    hint = ("need " if canvas.compact else "waiting for ") + ", ".join(missing)
    draw_text(canvas.image, small, hint, (canvas.width // 2, y), colors.DIM, align="center",
              max_width=canvas.width - 2)


def draw_unreadable(canvas: Canvas, title: str, problem: str) -> None:
    """The "unreadable data" frame: the page title, the message and the problem, shortened."""
    small = canvas.fonts.small
    message = "bad data" if canvas.compact else "unreadable data"
    y = title_and_message(canvas, title, message, colors.ERROR)
    lines = 1 if canvas.compact else 2
    for index, line in enumerate(wrap(small, problem, canvas.width - 4, lines)):
        draw_text(canvas.image, small, line, (canvas.width // 2, y + index * (small.height + 2)),
                  colors.DIM, align="center")
