"""The uptime page: which services run and since when, each with its data's health.

Reads ``services`` (:class:`dashcli.core.values.ServicesValues`, the replaced system's
``<Type>-Server`` start-up records, made by ``dash serve --legacy``) and, when present, the
``status`` type (source health): a dot per service, green while its data type is fresh, amber
when stale, red while its fetches fail, grey before any data, then its name and how long it has
been up (``3d 4h``, ``5h 12m``, ``7m``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from dashcli.core.values import Service, ServicesValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import MARKER_BOX_WIDTH, Canvas
from dashcli.renderers.text import draw_text

TITLE = "UPTIME"
# 128×64: a title row, then two columns of rows
TITLE_XY = (1, 1)
TOP = 9
PITCH = 7
COLUMNS = 2
DOT = 3
# 64×32: one column, no title
COMPACT_TOP = 1
COMPACT_PITCH = 7


def uptime(span: timedelta) -> str:
    """``3d 4h``, ``5h 12m``, ``7m`` (a negative span, a clock behind the service, is ``0m``)."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def health(canvas: Canvas, kind: str) -> colors.Color:
    """The colour of ``kind``'s data: failing, stale, fresh or never seen."""
    status = canvas.optional("status")
    rows: list[dict[str, Any]] = status["sources"] if status is not None else []
    if any(row.get("type") == kind and row.get("ok") is False for row in rows):
        return colors.ERROR
    held = canvas.state.get(kind)
    if held is None:
        return colors.DIM
    return colors.STALE if held.is_stale(canvas.now) else colors.FRESH


def has_content(canvas: Canvas) -> bool:
    """False when no service has reported yet."""
    return bool(cast(ServicesValues, canvas.values("services"))["services"])


def draw(canvas: Canvas) -> None:
    """Draw one row per service: health dot, name, uptime."""
    services: list[Service] = cast(ServicesValues, canvas.values("services"))["services"]
    small = canvas.fonts.small
    if not services:
        draw_text(canvas.image, small, "no services", (canvas.width // 2, canvas.height // 2 - 2),
                  colors.SECONDARY, align="center")
        return
    if canvas.compact:
        top, pitch, columns = COMPACT_TOP, COMPACT_PITCH, 1
    else:
        draw_text(canvas.image, small, TITLE, TITLE_XY, colors.SECONDARY)
        draw_text(canvas.image, small, f"{len(services)} UP",
                  (canvas.width - MARKER_BOX_WIDTH - 1, TITLE_XY[1]), colors.FRESH,
                  align="right")
        top, pitch, columns = TOP, PITCH, COLUMNS
    rows = (canvas.height - top) // pitch
    if len(services) <= rows:
        columns = 1  # one column uses the whole width: names are not cut short
    cell = canvas.width // columns
    for index, service in enumerate(services[: rows * columns]):
        x = (index // rows) * cell
        y = top + (index % rows) * pitch
        canvas.image.paste(health(canvas, str(service["type"])), (x + 1, y + 1, x + 1 + DOT,
                                                                  y + 1 + DOT))
        since = canvas.now - canvas.local(str(service["started"]))
        text = uptime(since)
        right = x + cell - 2
        box = draw_text(canvas.image, small, text, (right, y), colors.GREEN, align="right")
        draw_text(canvas.image, small, str(service["name"]).upper(), (x + DOT + 3, y),
                  colors.TEXT, max_width=box[0] - (x + DOT + 3) - 2)
