"""The status page: every source's freshness in a grid (a dot, the type, the data's age).

Drawn from the ``status`` values the server makes from its scheduler and store (which also know
about failing fetches), or, without them, from the state itself: every entry's updated/valid.
Green is fresh, amber past ``valid``, red a failing source, grey never fetched.
"""

from __future__ import annotations

from typing import Any, cast

from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.format import age as format_age
from dashcli.renderers.text import draw_text

# 128×64: a title row, then two columns of cells
TITLE_XY = (1, 1)
GRID_TOP = 9
ROW_PITCH = 9
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


def _rows(canvas: Canvas) -> list[dict[str, Any]]:
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
    return bool(_rows(canvas))


def _state(canvas: Canvas, row: dict[str, Any]) -> tuple[colors.Color, str]:
    """The row's colour and age text."""
    updated = row["updated"]
    if updated is None:
        return (colors.ERROR if row["ok"] is False else colors.DIM), "--"
    age = format_age(canvas.now - canvas.local(str(updated)))
    if row["ok"] is False:
        return colors.ERROR, age
    valid = row["valid"]
    if valid is not None and canvas.now >= canvas.local(str(valid)):
        return colors.STALE, age
    return colors.FRESH, age


def draw(canvas: Canvas) -> None:
    """Draw the freshness grid."""
    rows = _rows(canvas)
    small = canvas.fonts.small
    if not rows:
        font = canvas.fonts.small if canvas.compact else canvas.fonts.body
        draw_text(canvas.image, font, "no sources yet", (canvas.width // 2,
                  (canvas.height - font.height) // 2), colors.SECONDARY, align="center",
                  max_width=canvas.width - 2)
        return
    if canvas.compact:
        cell = canvas.width // COMPACT_COLUMNS
        for index, row in enumerate(rows[: COMPACT_COLUMNS * 4]):
            color, _ = _state(canvas, row)
            x = (index % COMPACT_COLUMNS) * cell
            y = COMPACT_TOP + (index // COMPACT_COLUMNS) * COMPACT_PITCH
            kind = str(row["type"])
            canvas.image.paste(color, (x + 1, y + 1, x + 1 + DOT_SIZE, y + 1 + DOT_SIZE))
            draw_text(canvas.image, small, SHORT_NAMES.get(kind, kind), (x + 6, y),
                      colors.SECONDARY, max_width=cell - 7)
        return
    draw_text(canvas.image, small, "STATUS", TITLE_XY, colors.SECONDARY)
    fresh = sum(1 for row in rows if _state(canvas, row)[0] == colors.FRESH)
    draw_text(canvas.image, small, f"{fresh}/{len(rows)} FRESH", (canvas.width - 7, TITLE_XY[1]),
              colors.DIM, align="right")
    cell = canvas.width // COLUMNS
    for index, row in enumerate(rows[: COLUMNS * 6]):
        color, age = _state(canvas, row)
        x = (index % COLUMNS) * cell
        y = GRID_TOP + (index // COLUMNS) * ROW_PITCH
        canvas.image.paste(color, (x + 1, y + 1, x + 1 + DOT_SIZE, y + 1 + DOT_SIZE))
        right = x + cell - 3
        age_box = draw_text(canvas.image, small, age, (right, y), color, align="right")
        draw_text(canvas.image, small, str(row["type"]), (x + 6, y), colors.WHITE,
                  max_width=age_box[0] - x - 8)
