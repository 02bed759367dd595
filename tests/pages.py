"""Helpers for page snapshot tests: demo states at the demo moment, edited copies, renders."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from PIL import Image

from dashcli.envelope import Update
from renderers import PAGES, Frame, builtin_fonts, render
from renderers.demo import DEMO_NOW, DEMO_TIMEZONE, demo_update
from renderers.engine import zone
from renderers.frame import MARKER_BOX_HEIGHT, MARKER_BOX_WIDTH

NOW = DEMO_NOW
LARGE = (128, 64)
SMALL = (64, 32)


def state(*kinds: str, stale: tuple[str, ...] = ()) -> dict[str, Update]:
    """Demo updates of ``kinds``; those in ``stale`` expired an hour before NOW."""
    result = {}
    for seq, kind in enumerate(kinds, start=1):
        update = demo_update(kind, seq)
        if kind in stale:
            update = Update(update.type, NOW - timedelta(hours=2), NOW - timedelta(hours=1),
                            update.values, update.source, update.seq)
        result[kind] = update
    return result


def edited(base: dict[str, Update], kind: str, values: dict[str, Any]) -> dict[str, Update]:
    """``base`` with ``kind``'s values replaced."""
    update = base[kind]
    return {**base, kind: Update(update.type, update.updated, update.valid, values, update.source,
                                 update.seq)}


def values_of(base: dict[str, Update], kind: str) -> dict[str, Any]:
    """A deep copy of ``kind``'s values, to edit."""
    return copy.deepcopy(base[kind].values)


def draw(page: str, states: dict[str, Update], size: tuple[int, int] = LARGE,
         now: datetime = NOW) -> Image.Image:
    """The page at the demo moment in Boston."""
    image = render(page, states, now, size=size, timezone=DEMO_TIMEZONE)
    assert image.mode == "RGB"
    assert image.size == size
    return image


def marker_box_is_free(image: Image.Image) -> bool:
    """True when the top-right corner kept for the stale marker is black."""
    box = (image.width - MARKER_BOX_WIDTH, 0, image.width, MARKER_BOX_HEIGHT)
    return image.crop(box).getbbox() is None


def draw_strict(page: str, states: dict[str, Update], size: tuple[int, int] = LARGE,
                now: datetime = NOW) -> Image.Image:
    """The page drawn by its own render function, so values it cannot read raise instead of
    becoming the "unreadable data" frame (for tests over real recordings)."""
    tz = zone(DEMO_TIMEZONE)
    frame = Frame(page, Image.new("RGB", size), now.astimezone(tz), tz, builtin_fonts(), states)
    PAGES[page].render(frame)
    return frame.image
