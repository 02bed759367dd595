"""Text helpers: measure, align, shorten with an ellipsis, wrap and clip, on exact glyph extents.

Pages place text by an anchor: ``align="left"`` puts the text's left edge at ``x``, ``"center"``
centres it on ``x`` and ``"right"`` ends it just before ``x`` (so ``x = width`` right-aligns to
the panel edge). ``max_width`` keeps the text from running into its neighbour: during a render
a longer text scrolls as a marquee (:mod:`dashcli.renderers.marquee`, shortened with an ellipsis
while it rests), elsewhere it is shortened; ``clip`` cuts drawing to a box. Drawing is one paste
of the font's cached mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from PIL import Image

from dashcli.renderers import marquee
from dashcli.renderers.colors import Color
from dashcli.renderers.fonts import ELLIPSIS, Font
from dashcli.renderers.layout import Box as Box
from dashcli.renderers.layout import TextRun, paused, recorder

Align = Literal["left", "center", "right"]


def ellipsis_for(font: Font) -> str:
    """The font's ellipsis: its own glyph when it has one, else two dots."""
    return ELLIPSIS if font.has(ELLIPSIS) else ".."


@lru_cache(maxsize=2048)
def fit(font: Font, text: str, width: int) -> str:
    """``text`` if it fits in ``width`` pixels, else its longest prefix that fits with an ellipsis
    (an empty string when not even the ellipsis fits)."""
    if font.width(text) <= width:
        return text
    mark = ellipsis_for(font)
    for end in range(len(text) - 1, 0, -1):
        candidate = text[:end].rstrip() + mark
        if font.width(candidate) <= width:
            return candidate
    return mark if font.width(mark) <= width else ""


def fit_all(options: Sequence[tuple[Font, Sequence[str]]],
            width: int) -> tuple[Font, Sequence[str]]:
    """The first ``(font, texts)`` option whose every text is at most ``width`` pixels wide, so
    a row of columns keeps one look (``"104°"`` in the body font, else ``"104"``, else the small
    font); the last option when none fits."""
    for font, texts in options:
        if all(font.width(text) <= width for text in texts):
            return font, texts
    return options[-1]


@lru_cache(maxsize=1024)
def wrap(font: Font, text: str, width: int, lines: int) -> tuple[str, ...]:
    """``text`` broken at spaces into at most ``lines`` lines of ``width`` pixels; the last line
    ends with an ellipsis when text remains, and a word too long for a line is shortened."""
    words = text.split()
    result: list[str] = []
    current = ""
    index = 0
    while index < len(words) and len(result) < lines:
        candidate = f"{current} {words[index]}" if current else words[index]
        if font.width(candidate) <= width:
            current = candidate
            index += 1
            continue
        if not current:
            current = fit(font, words[index], width)
            index += 1
        result.append(current)
        current = ""
    if current and len(result) < lines:
        result.append(current)
    if index < len(words) and result:
        result[-1] = fit(font, result[-1] + " " + " ".join(words[index:]), width)
    return tuple(result)


def text_box(font: Font, text: str, xy: tuple[int, int], align: Align = "left") -> Box:
    """The box ``text`` covers when drawn at ``xy`` with ``align``."""
    width = font.width(text)
    x, y = xy
    if align == "center":
        x -= width // 2
    elif align == "right":
        x -= width
    return (x, y, x + width, y + font.height)


def draw_text(
    image: Image.Image,
    font: Font,
    text: str,
    xy: tuple[int, int],
    color: Color,
    *,
    align: Align = "left",
    max_width: int | None = None,
    clip: Box | None = None,
) -> Box:
    """Draw ``text`` in ``color`` anchored at ``xy``; returns the box it covers.

    A text wider than ``max_width`` scrolls within that width during a render (a marquee), else
    is shortened with an ellipsis; ``clip`` limits drawing to a box (pixels outside the image
    are always clipped).
    """
    if max_width is not None:
        width = max(max_width, 0)
        clock = marquee.motion()
        if clock is not None and width > 0 and font.width(text) > width:
            return _scroll(image, font, text, xy, color, align, width, clip, clock)
        text = fit(font, text, width)
    if not text:
        return (xy[0], xy[1], xy[0], xy[1])
    box = text_box(font, text, xy, align)
    mask = font.mask(text)
    runs = recorder()
    if runs is not None:
        runs.append(TextRun(text, box, _ink(mask, box, clip)))
    if clip is not None:
        left, top = max(box[0], clip[0]), max(box[1], clip[1])
        right, bottom = min(box[2], clip[2]), min(box[3], clip[3])
        if left >= right or top >= bottom:
            return box
        mask = mask.crop((left - box[0], top - box[1], right - box[0], bottom - box[1]))
        image.paste(color, (left, top, right, bottom), mask)
        return box
    image.paste(color, box, mask)
    return box


def _scroll(image: Image.Image, font: Font, text: str, xy: tuple[int, int], color: Color,
            align: Align, width: int, clip: Box | None, clock: marquee.Motion) -> Box:
    """``text`` as a marquee in the ``width`` pixels anchored at ``xy``: shortened while it
    rests, else moved left by the marquee's offset at the clock's time and clipped to its box."""
    shift, wait = marquee.offset(clock.time, font.width(text) - width)
    clock.note(wait)
    if shift is None:
        return draw_text(image, font, fit(font, text, width), xy, color, align=align, clip=clip)
    x, y = xy
    left = x - (width // 2 if align == "center" else width if align == "right" else 0)
    box = (left, y, left + width, y + font.height)
    window = box if clip is None else (max(box[0], clip[0]), max(box[1], clip[1]),
                                       min(box[2], clip[2]), min(box[3], clip[3]))
    draw_text(image, font, text, (left - shift, y), color, clip=window)
    return box


def _ink(mask: Image.Image, box: Box, clip: Box | None) -> Box:
    """The box of the lit pixels of ``mask`` drawn at ``box``, within ``clip``; empty (left ==
    right) when nothing is lit there."""
    left, top = box[0], box[1]
    if clip is not None:
        crop = (max(clip[0] - left, 0), max(clip[1] - top, 0),
                min(clip[2] - left, mask.width), min(clip[3] - top, mask.height))
        if crop[0] >= crop[2] or crop[1] >= crop[3]:
            return (left, top, left, top)
        mask = mask.crop(crop)
        left, top = left + crop[0], top + crop[1]
    lit = mask.getbbox()
    if lit is None:
        return (left, top, left, top)
    return (left + lit[0], top + lit[1], left + lit[2], top + lit[3])


def _union(boxes: list[Box]) -> Box:
    """The smallest box holding every non-empty box of ``boxes`` (the first when all are empty)."""
    filled = [box for box in boxes if box[0] < box[2]] or boxes[:1]
    return (min(box[0] for box in filled), min(box[1] for box in filled),
            max(box[2] for box in filled), max(box[3] for box in filled))


def draw_runs(
    image: Image.Image,
    runs: list[tuple[Font, str, Color]],
    xy: tuple[int, int],
    *,
    align: Align = "left",
    gap: int = 1,
    baseline: bool = True,
) -> Box:
    """Draw several (font, text, colour) runs side by side as one line, e.g. a large number
    followed by a small unit; with ``baseline`` the runs share the first run's baseline."""
    widths = [font.width(text) for font, text, _ in runs]
    total = sum(widths) + gap * (len(runs) - 1)
    x, y = xy
    if align == "center":
        x -= total // 2
    elif align == "right":
        x -= total
    left = x
    base = y + runs[0][0].baseline
    inks: list[Box] = []
    # The pieces are one run to the layout check: a number and its unit are meant to touch.
    with paused():
        for (font, text, color), width in zip(runs, widths, strict=True):
            top = base - font.baseline if baseline else y
            if text:
                box = draw_text(image, font, text, (x, top), color)
                inks.append(_ink(font.mask(text), box, None))
            x += width + gap
    whole = (left, y, left + total, y + max(font.height for font, _, _ in runs))
    recorded = recorder()
    if recorded is not None and inks:
        recorded.append(TextRun("".join(text for _, text, _ in runs), whole, _union(inks)))
    return whole
