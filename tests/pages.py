"""Helpers for page snapshot tests: demo states at the demo moment, edited copies, renders, and
the checks every data page's tests make (each case snapshotted in both layouts with the marker
corner free; stale, no data and unreadable frames; cases drawing differently)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from dashcli.core.envelope import Update
from dashcli.renderers import PAGES, Canvas, builtin_fonts, render
from dashcli.renderers.canvas import MARKER_BOX_HEIGHT, MARKER_BOX_WIDTH
from dashcli.renderers.demo import DEMO_NOW, DEMO_TIMEZONE, demo_update
from dashcli.renderers.engine import zone

NOW = DEMO_NOW
LARGE = (128, 64)
SMALL = (64, 32)
SIZES = {"128x64": LARGE, "64x32": SMALL}
# Parametrizes a test's ``size`` argument over both layouts.
each_size = pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
Values = dict[str, Any]


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
    canvas = Canvas(page, Image.new("RGB", size), now.astimezone(tz), tz, builtin_fonts(), states)
    PAGES[page].draw(canvas)
    return canvas.image


def demo_values(kind: str) -> Values:
    """A deep copy of ``kind``'s demo values, to edit."""
    return values_of(state(kind), kind)


def with_values(kind: str, values: Values, *, stale: bool = False) -> dict[str, Update]:
    """``kind``'s demo entry (fresh, or expired) carrying ``values``."""
    return edited(state(kind, stale=(kind,) if stale else ()), kind, values)


def featured(kind: str, change: Callable[[Values], None]) -> Values:
    """``kind``'s demo day with its first (featured) game changed by ``change``."""
    values = demo_values(kind)
    change(values["games"][0])
    return values


def check_case(snapshot: Any, kind: str, values: Values, size: tuple[int, int]) -> None:
    """``values`` draw as the snapshot, keeping the marker corner free."""
    image = draw(kind, with_values(kind, values), size)
    assert marker_box_is_free(image)
    assert snapshot == image


def check_stale_no_data_unreadable(snapshot: Any, kind: str, size: tuple[int, int],
                                   broken: Values) -> None:
    """The expired demo entry draws the stale marker; no entry and ``broken`` values draw the
    "no data" and "unreadable data" frames (snapshots ``stale``, ``no-data``, ``unreadable``)."""
    stale = draw(kind, with_values(kind, demo_values(kind), stale=True), size)
    assert stale.getpixel((size[0] - 1, 0)) != (0, 0, 0)
    assert snapshot(name="stale") == stale
    assert snapshot(name="no-data") == draw(kind, {}, size)
    assert snapshot(name="unreadable") == draw(kind, with_values(kind, broken), size)


def frames_by_case(kind: str, cases: Mapping[str, Values]) -> dict[str, bytes]:
    """Each case's 128×64 pixels, to tell which cases draw alike."""
    return {case: draw(kind, with_values(kind, values)).tobytes()
            for case, values in cases.items()}
