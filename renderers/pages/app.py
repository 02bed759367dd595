"""The app page: a published value in the app format (:mod:`dashcli.renderers.appformat`) drawn
top to bottom: title, then the icon or image at the left with the number and lines beside it,
then the progress bar and the chart across the width, then the draw commands on top.

The page of data type ``scores`` is named ``app:scores`` (the profile's ``{page: app, type:
scores}``). A line with ``scroll`` that does not fit is shown in parts, :data:`SCROLL_SECONDS`
each; with ``lifetime``, the page leaves the cycle that many seconds after its update.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from PIL import Image, ImageDraw

from dashcli.core.envelope import Update
from dashcli.renderers import colors
from dashcli.renderers.appformat import (
    App,
    AppFormatError,
    Chart,
    Line,
    Progress,
    color_of,
    decode_image,
    parse_app,
)
from dashcli.renderers.canvas import MARKER_BOX_HEIGHT, MARKER_BOX_WIDTH, Canvas
from dashcli.renderers.fonts import Font
from dashcli.renderers.icons import icon
from dashcli.renderers.text import draw_runs, draw_text, fit, wrap

PREFIX = "app:"
SCROLL_SECONDS = 2
BAR_HEIGHT = {False: 5, True: 3}
MIN_CHART_HEIGHT = 6


def data_type(page: str) -> str:
    """The data type an app page draws: ``app:scores`` → ``scores``."""
    return page.removeprefix(PREFIX)


def _app(canvas: Canvas) -> App:
    try:
        return parse_app(canvas.values(data_type(canvas.page)))
    except AppFormatError as exc:  # a UsageError: the engine draws ValueErrors as unreadable
        raise ValueError(str(exc)) from None


def has_content(canvas: Canvas) -> bool:
    """False once the app's ``lifetime`` has passed since its update."""
    kind = data_type(canvas.page)
    lifetime = canvas.values(kind).get("lifetime")
    if not isinstance(lifetime, int | float) or isinstance(lifetime, bool):
        return True
    return canvas.now < canvas.state[kind].updated + timedelta(seconds=lifetime)


def refresh_seconds(page: str, state: Mapping[str, Update]) -> float | None:
    """How often the frame changes by itself: every SCROLL_SECONDS with a scrolling line."""
    update = state.get(data_type(page))
    lines = update.values.get("lines") if update is not None else None
    if isinstance(lines, list) and any(isinstance(line, dict) and line.get("scroll") is True
                                       for line in lines):
        return SCROLL_SECONDS
    return None


def _font(canvas: Canvas, size: str) -> Font:
    fonts = canvas.fonts
    return fonts.large if size == "large" else fonts.small if size == "small" else fonts.body


def _right(canvas: Canvas, y: int) -> int:
    """The right edge a row starting at ``y`` may use (the marker corner stays free)."""
    return canvas.width - MARKER_BOX_WIDTH - 1 if y < MARKER_BOX_HEIGHT else canvas.width - 1


def _visual(canvas: Canvas, app: App) -> Image.Image | None:
    if app.image is not None and app.image.png is not None:
        return decode_image(app.image.png)
    if app.icon is not None:
        sprite = icon(app.icon, not canvas.compact)
        rgba = sprite.image.convert("RGBA")
        rgba.putalpha(sprite.mask)
        return rgba
    return None


def _line(canvas: Canvas, line: Line, left: int, y: int, default: colors.Color) -> int:
    font = _font(canvas, line.size)
    right = _right(canvas, y)
    width = right - left
    text = line.text
    if line.scroll and font.width(text) > width:
        parts = wrap(font, text, width, 1 + len(text) // 2)
        text = parts[int(canvas.now.timestamp() // SCROLL_SECONDS) % len(parts)]
    anchor = {"left": left, "center": (left + right) // 2, "right": right}[line.align]
    draw_text(canvas.image, font, fit(font, text, width), (anchor, y),
              color_of(line.color, default), align=line.align)
    return y + font.height + 1


def _progress(canvas: Canvas, progress: Progress, y: int) -> int:
    small = canvas.fonts.small
    height = BAR_HEIGHT[canvas.compact]
    share = min(max(progress.value / progress.max, 0.0), 1.0)
    right = canvas.width - 2
    if progress.label:
        label = f"{round(share * 100)}%"
        box = draw_text(canvas.image, small, label, (right + 1, y + (height - small.height) // 2),
                        colors.WHITE, align="right")
        right = box[0] - 3
    left = 1
    canvas.image.paste(color_of(progress.background, colors.FAINT), (left, y, right, y + height))
    filled = left + round((right - left) * share)
    if filled > left:
        canvas.image.paste(color_of(progress.color, colors.GREEN), (left, y, filled, y + height))
    return y + max(height, small.height) + 2


def _chart(canvas: Canvas, chart: Chart, top: int) -> None:
    bottom = canvas.height - 1
    top = min(top, bottom - MIN_CHART_HEIGHT)
    low = chart.min if chart.min is not None else min(chart.values)
    high = chart.max if chart.max is not None else max(chart.values)
    span = (high - low) or 1.0
    left, right = 1, canvas.width - 2
    count = len(chart.values)
    color = color_of(chart.color, colors.CYAN)
    draw = ImageDraw.Draw(canvas.image)

    def y_of(value: float) -> int:
        share = min(max((value - low) / span, 0.0), 1.0)
        return bottom - round(share * (bottom - top))

    if chart.kind == "bar":
        pitch = (right - left + 1) / count
        for index, value in enumerate(chart.values):
            x0 = left + round(index * pitch)
            x1 = max(x0, left + round((index + 1) * pitch) - 2)
            draw.rectangle((x0, y_of(value), x1, bottom), fill=color)
        return
    step = (right - left) / max(count - 1, 1)
    points = [(left + round(index * step), y_of(value)) for index, value in enumerate(chart.values)]
    if len(points) == 1:
        draw.point(points, fill=color)
    else:
        draw.line(points, fill=color)


def _commands(canvas: Canvas, app: App) -> None:
    draw = ImageDraw.Draw(canvas.image)
    for command in app.draw:
        color = color_of(command.color, colors.WHITE)
        if command.op == "pixel":
            draw.point(command.xy, fill=color)
        elif command.op == "line":
            draw.line(command.xy, fill=color)
        elif command.op == "rect":
            x, y, w, h = command.xy
            if w > 0 and h > 0:
                box = (x, y, x + w - 1, y + h - 1)
                draw.rectangle(box, fill=color if command.fill else None, outline=color)
        elif command.op == "circle":
            x, y, r = command.xy
            draw.ellipse((x - r, y - r, x + r, y + r), fill=color if command.fill else None,
                         outline=color)
        else:
            draw_text(canvas.image, _font(canvas, command.size), command.text, command.xy, color)


def draw(canvas: Canvas) -> None:
    """Draw the app value of the page's data type."""
    app = _app(canvas)
    text_color = color_of(app.color, colors.WHITE)
    if app.background is not None:
        canvas.image.paste(color_of(app.background, colors.BLACK), (0, 0, *canvas.image.size))
    y = 1
    small = canvas.fonts.small
    if app.title:
        draw_text(canvas.image, small, app.title.upper(), (1, y), colors.SECONDARY,
                  max_width=_right(canvas, y) - 1)
        y += small.height + 2
    left = 1
    visual = _visual(canvas, app)
    visual_bottom = y
    if visual is not None:
        canvas.image.paste(visual, (1, y), visual)
        left = 1 + visual.width + 3
        visual_bottom = y + visual.height + 1
    if app.number is not None:
        number = app.number
        color = color_of(number.color, text_color)
        runs = [(_font(canvas, "body" if canvas.compact else "large"),
                 f"{number.value:.{number.decimals}f}", color)]
        if number.unit:
            runs.append((small, number.unit, color))
        if number.label:
            runs.insert(0, (small, number.label, colors.SECONDARY))
        box = draw_runs(canvas.image, runs, (left, y), gap=2)
        y = box[3] + 2
    for line in app.lines:
        y = _line(canvas, line if isinstance(line, Line) else Line(text=line), left, y, text_color)
    y = max(y, visual_bottom)
    if app.progress is not None:
        y = _progress(canvas, app.progress, y)
    if app.chart is not None:
        _chart(canvas, app.chart, y)
    _commands(canvas, app)
