"""Where text was drawn: the text runs of a frame and the check that none collide or clip.

While :func:`recording` is active (the engine turns it on for :func:`render_traced`), every
``draw_text``/``draw_runs`` call appends a :class:`TextRun`: the string, the box it was laid out
in and its ink box (the lit pixels, clipped to its ``clip`` box). :func:`layout_problems` then
says, in one line each, which runs overlap or touch and which leave the frame: side by side, runs
need two dark columns between them (one is the gap between letters, so ``104°106°`` would read
as one word), one above the other one dark row. Outside a recording drawing costs one
context-variable lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

Box = tuple[int, int, int, int]  # left, top, right, bottom (right/bottom exclusive)


@dataclass(frozen=True)
class TextRun:
    """One drawn string: its layout box and the box of its lit pixels (both in frame pixels)."""

    text: str
    box: Box
    ink: Box


_RUNS: ContextVar[list[TextRun] | None] = ContextVar("dashcli_text_runs", default=None)


@contextmanager
def recording() -> Iterator[list[TextRun]]:
    """Collect the text runs drawn inside the block (nested recordings each get their own)."""
    runs: list[TextRun] = []
    token = _RUNS.set(runs)
    try:
        yield runs
    finally:
        _RUNS.reset(token)


def recorder() -> list[TextRun] | None:
    """The active recording's list, None outside one (drawing code appends to it)."""
    return _RUNS.get()


@contextmanager
def paused() -> Iterator[None]:
    """Record nothing inside the block (a helper drawing one run from several pieces)."""
    token = _RUNS.set(None)
    try:
        yield
    finally:
        _RUNS.reset(token)


def _separated(a: Box, b: Box) -> bool:
    """True when two dark columns (one is the space between letters of a word) or one dark
    row lie between the two boxes."""
    return a[2] + 1 < b[0] or b[2] + 1 < a[0] or a[3] < b[1] or b[3] < a[1]


def layout_problems(runs: list[TextRun], size: tuple[int, int]) -> list[str]:
    """One line per run whose ink leaves the ``size`` frame and per pair of runs whose inks
    overlap or touch; empty when the layout is clean."""
    width, height = size
    inked = [run for run in runs if run.ink[0] < run.ink[2]]
    problems = [
        f"{run.text!r} at {run.ink} leaves the {width}x{height} frame"
        for run in inked
        if run.ink[0] < 0 or run.ink[1] < 0 or run.ink[2] > width or run.ink[3] > height
    ]
    for index, first in enumerate(inked):
        for second in inked[index + 1:]:
            if not _separated(first.ink, second.ink):
                problems.append(f"{first.text!r} at {first.ink} collides with "
                                f"{second.text!r} at {second.ink}")
    return problems


__all__ = ["Box", "TextRun", "layout_problems", "paused", "recorder", "recording"]
