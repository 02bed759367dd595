"""What a page draws on: the :class:`Frame`, and the frames every page shares.

A page's render function gets a :class:`Frame`: the canvas (128×64 or 64×32), ``now`` in the
profile's timezone, the fonts and the state entries. The shared pieces live here so they look
the same on every page: the stale marker (top-right corner, inside :data:`MARKER_BOX` which
pages keep free), the "no data yet" frame and the "unreadable data" frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from PIL import Image

from dashcli.envelope import Update
from renderers import colors
from renderers.fonts import FontSet
from renderers.text import draw_text, wrap

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
class Frame:
    """The canvas and the inputs of one page render."""

    page: str
    image: Image.Image
    now: datetime  # aware, in ``tz``
    tz: tzinfo
    fonts: FontSet
    state: Mapping[str, Update]

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
        """An ISO 8601 time from the data in the frame's timezone (naive times are local)."""
        moment = _parse(text)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def hhmm(self, text: str | None, empty: str = "--:--") -> str:
        """A data time as local ``HH:MM`` (``empty`` for None)."""
        return empty if text is None else self.local(text).strftime("%H:%M")


def draw_stale_marker(image: Image.Image) -> None:
    """The stale marker: an amber square in the top-right corner on a black border."""
    width = image.width
    image.paste(colors.BLACK, (width - MARKER_BOX_WIDTH, 0, width, MARKER_BOX_HEIGHT))
    image.paste(colors.STALE, (width - MARKER_SIDE, 0, width, MARKER_SIDE))


def _title_and_message(frame: Frame, title: str, message: str, color: colors.Color) -> int:
    """Draw the page title and a message centred; returns the y below them."""
    body, small = frame.fonts.body, frame.fonts.small
    width, height = frame.width, frame.height
    centre = width // 2
    if frame.compact:
        top = 4
        draw_text(frame.image, small, title.upper(), (centre, top), colors.SECONDARY,
                  align="center", max_width=width - 2)
        y = top + small.height + 3
        draw_text(frame.image, body, message, (centre, y), color, align="center",
                  max_width=width - 2)
        return y + body.height + 2
    top = height // 2 - body.height - 6
    draw_text(frame.image, body, title, (centre, top), colors.SECONDARY, align="center",
              max_width=width - 4)
    y = top + body.height + 3
    draw_text(frame.image, body, message, (centre, y), color, align="center", max_width=width - 4)
    return y + body.height + 4


def draw_no_data(frame: Frame, title: str, missing: list[str]) -> None:
    """The "no data yet" frame: the page title, the message, and the types it waits for."""
    small = frame.fonts.small
    y = _title_and_message(frame, title, "no data yet", colors.WHITE)
    hint = ("need " if frame.compact else "waiting for ") + ", ".join(missing)
    draw_text(frame.image, small, hint, (frame.width // 2, y), colors.DIM, align="center",
              max_width=frame.width - 2)


def draw_unreadable(frame: Frame, title: str, problem: str) -> None:
    """The "unreadable data" frame: the page title, the message and the problem, shortened."""
    small = frame.fonts.small
    message = "bad data" if frame.compact else "unreadable data"
    y = _title_and_message(frame, title, message, colors.ERROR)
    lines = 1 if frame.compact else 2
    for index, line in enumerate(wrap(small, problem, frame.width - 4, lines)):
        draw_text(frame.image, small, line, (frame.width // 2, y + index * (small.height + 2)),
                  colors.DIM, align="center")
