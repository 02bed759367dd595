"""Marquees: where a text too long for its box stands at a given time, a pure function of time.

A text wider than its ``max_width`` first shows shortened with an ellipsis for
:data:`START_PAUSE` seconds, then scrolls left at :data:`SCROLL_SPEED` pixels a second (one pixel
a frame at 30 frames/s) until its end shows, rests :data:`END_PAUSE` seconds and starts over.
Every minute starts with the still, shortened text, so a frame drawn at a whole minute (the
snapshots, ``dash render``) is the still one, and two renders at the same instant are the same
frame. While :func:`running` is active (the engine turns it on for each render), drawing a
marquee notes when the frame next changes, so displays redraw only while something moves.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

SCROLL_SPEED = 30  # pixels per second
START_PAUSE = 2.0  # seconds shown shortened before scrolling
END_PAUSE = 1.0  # seconds the end rests before starting over


@dataclass
class Motion:
    """The marquee clock of one render: its time (Unix seconds) and, once a marquee is drawn,
    how many seconds after it the frame next changes (infinite while nothing would)."""

    time: float
    next_change: float = math.inf

    def note(self, seconds: float) -> None:
        self.next_change = min(self.next_change, seconds)


_MOTION: ContextVar[Motion | None] = ContextVar("dashcli_marquee", default=None)


@contextmanager
def running(time: float) -> Iterator[Motion]:
    """Marquees drawn inside the block stand where they are at ``time`` (Unix seconds)."""
    motion = Motion(time)
    token = _MOTION.set(motion)
    try:
        yield motion
    finally:
        _MOTION.reset(token)


def motion() -> Motion | None:
    """The active marquee clock; None outside :func:`running` (long text is then shortened)."""
    return _MOTION.get()


def offset(time: float, overflow: int) -> tuple[int | None, float]:
    """Where a marquee ``overflow`` pixels wider than its box stands at ``time``: None while it
    shows shortened, else the pixels scrolled (0..overflow); and the seconds until that
    changes."""
    in_minute = time % 60.0
    until_minute = 60.0 - in_minute
    scroll = overflow / SCROLL_SPEED
    period = START_PAUSE + scroll + END_PAUSE
    phase = in_minute % period
    if phase < START_PAUSE:
        return None, min(START_PAUSE - phase, until_minute)
    moved = phase - START_PAUSE
    if moved < scroll:
        pixels = math.floor(moved * SCROLL_SPEED)
        return pixels, min((pixels + 1) / SCROLL_SPEED - moved, until_minute)
    return overflow, min(period - phase, until_minute)


__all__ = ["END_PAUSE", "SCROLL_SPEED", "START_PAUSE", "Motion", "motion", "offset", "running"]
