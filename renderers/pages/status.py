"""The status page: every source's health (failing ones first, with why and the next retry).

Drawn from the ``status`` values the scheduler publishes (which know about failing fetches and
sources still waiting for their first one), each row's age and staleness taken from the state's
own entry when it holds one; without ``status``, from the state itself (every entry's
updated/valid). Green is fresh, amber past ``valid``, red a failing source, grey never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from dashcli.renderers import colors
from dashcli.renderers.canvas import LARGE, Canvas
from dashcli.renderers.format import age as format_age
from dashcli.renderers.text import draw_text

# 128×64: a title row, failing sources on two lines each, then two columns of cells
TITLE_XY = (1, 1)
GRID_TOP = 9
ROW_PITCH = 9
TIGHT_PITCH = 7  # when every source fits only this way
DETAIL_PITCH = 13
MAX_DETAILS = 2
COLUMNS = 2
DOT_SIZE = 3
# 64×32: three columns of dots and short names
COMPACT_TOP = 5
COMPACT_PITCH = 7
COMPACT_COLUMNS = 3

SHORT_NAMES = {
    "clock": "CLK", "weather": "WX", "air": "AIR", "moon": "MN", "soccer": "SOC",
    "calendar": "CAL", "events": "EVT", "github": "GH", "status": "STAT",
}


@dataclass(frozen=True)
class Row:
    """One source as drawn: its type, colour, age text, and why and when while failing."""

    kind: str
    color: colors.Color
    age: str
    error: str | None = None
    retry: str | None = None


def _raw_rows(canvas: Canvas) -> list[dict[str, Any]]:
    status = canvas.optional("status")
    if status is not None:
        return cast(list[dict[str, Any]], status["sources"])
    return [
        {"type": kind, "updated": update.updated.isoformat(), "valid": update.valid.isoformat(),
         "ok": True, "error": None}
        for kind, update in sorted(canvas.state.items())
    ]


def has_content(canvas: Canvas) -> bool:
    """False when there is no source to show (no status and an empty state)."""
    return bool(_raw_rows(canvas))


def _row(canvas: Canvas, raw: dict[str, Any]) -> Row:
    kind = str(raw["type"])
    held = canvas.state.get(kind)
    # The state's own entry is newer than the status row when the status was published earlier.
    updated = held.updated.isoformat() if held is not None else raw["updated"]
    valid = held.valid.isoformat() if held is not None else raw["valid"]
    age = "--" if updated is None else format_age(canvas.now - canvas.local(str(updated)))
    if raw["ok"] is False:
        retry = raw.get("retry")
        when = None
        if isinstance(retry, str):
            moment = canvas.local(retry)
            when = "retrying" if moment <= canvas.now else f"retry {canvas.time(moment, 'short')}"
        return Row(kind, colors.ERROR, age, str(raw.get("error") or "failing"), when)
    if updated is None:
        return Row(kind, colors.DIM, age)
    if valid is not None and canvas.now >= canvas.local(str(valid)):
        return Row(kind, colors.STALE, age)
    return Row(kind, colors.FRESH, age)


def _summary(rows: list[Row]) -> tuple[str, colors.Color]:
    for color, word in ((colors.ERROR, "FAILING"), (colors.STALE, "STALE"),
                        (colors.DIM, "WAITING")):
        count = sum(1 for row in rows if row.color == color)
        if count:
            return f"{count} {word}", color
    return "ALL OK", colors.FRESH


def draw(canvas: Canvas) -> None:
    """Draw failing sources with their reason, then every other source's freshness."""
    rows = [_row(canvas, raw) for raw in _raw_rows(canvas)]
    # Failing first, then in the data's order (sorted by type).
    rows.sort(key=lambda row: row.error is None)
    small = canvas.fonts.small
    if not rows:
        font = canvas.fonts.small if canvas.compact else canvas.fonts.body
        draw_text(canvas.image, font, "no sources yet", (canvas.width // 2,
                  (canvas.height - font.height) // 2), colors.SECONDARY, align="center",
                  max_width=canvas.width - 2)
        return
    if canvas.compact:
        _compact(canvas, rows)
        return
    draw_text(canvas.image, small, "STATUS", TITLE_XY, colors.SECONDARY)
    summary, color = _summary(rows)
    draw_text(canvas.image, small, summary, (canvas.width - 7, TITLE_XY[1]), color, align="right")
    failing = [row for row in rows if row.error is not None]
    count, pitch = _layout(len(rows), len(failing), small.height)
    y = GRID_TOP
    details = failing[:count]
    for row in details:
        _dot(canvas, row.color, 1, y)
        when_box = draw_text(canvas.image, small, row.retry or row.age, (canvas.width - 2, y),
                             colors.SECONDARY, align="right")
        draw_text(canvas.image, small, row.kind, (7, y), colors.WHITE,
                  max_width=when_box[0] - 9)
        draw_text(canvas.image, small, row.error or "", (7, y + small.height + 1), colors.ERROR,
                  max_width=canvas.width - 9)
        y += DETAIL_PITCH
    _grid(canvas, rows[len(details):], y, pitch)


def _rows_fitting(top: int, pitch: int, height: int) -> int:
    """Rows of text ``height`` high from ``top`` down to the bottom of the 128×64 layout."""
    return max(0, (LARGE[1] - top + pitch - height) // pitch)


def _layout(total: int, failing: int, height: int) -> tuple[int, int]:
    """How many failing sources get two lines, and the grid's row pitch: as many details as
    leave room for every other source, the roomy pitch when it fits."""
    for details in range(min(failing, MAX_DETAILS), -1, -1):
        top = GRID_TOP + details * DETAIL_PITCH
        needed = -(-(total - details) // COLUMNS)
        for pitch in (ROW_PITCH, TIGHT_PITCH):
            if _rows_fitting(top, pitch, height) >= needed:
                return details, pitch
    return 0, TIGHT_PITCH


def _dot(canvas: Canvas, color: colors.Color, x: int, y: int) -> None:
    canvas.image.paste(color, (x, y + 1, x + DOT_SIZE, y + 1 + DOT_SIZE))


def _grid(canvas: Canvas, rows: list[Row], top: int, pitch: int) -> None:
    small = canvas.fonts.small
    cell = canvas.width // COLUMNS
    room = COLUMNS * _rows_fitting(top, pitch, small.height)
    shown = rows if len(rows) <= room else rows[: room - 1]
    for index, row in enumerate(shown):
        x = (index % COLUMNS) * cell
        y = top + (index // COLUMNS) * pitch
        _dot(canvas, row.color, x + 1, y)
        age_box = draw_text(canvas.image, small, row.age, (x + cell - 3, y), row.color,
                            align="right")
        draw_text(canvas.image, small, row.kind, (x + 6, y), colors.WHITE,
                  max_width=age_box[0] - x - 8)
    if len(shown) < len(rows):
        index = len(shown)
        x, y = (index % COLUMNS) * cell, top + (index // COLUMNS) * pitch
        draw_text(canvas.image, small, f"+{len(rows) - len(shown)} MORE", (x + 6, y), colors.DIM)


def _compact(canvas: Canvas, rows: list[Row]) -> None:
    small = canvas.fonts.small
    cell = canvas.width // COMPACT_COLUMNS
    for index, row in enumerate(rows[: COMPACT_COLUMNS * 4]):
        x = (index % COMPACT_COLUMNS) * cell
        y = COMPACT_TOP + (index // COMPACT_COLUMNS) * COMPACT_PITCH
        _dot(canvas, row.color, x + 1, y)
        draw_text(canvas.image, small, SHORT_NAMES.get(row.kind, row.kind), (x + 6, y),
                  colors.ERROR if row.error is not None else colors.SECONDARY,
                  max_width=cell - 7)
