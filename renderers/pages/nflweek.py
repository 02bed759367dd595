"""The NFL week page: the week's name and dates, then every game of the week in two columns.

Reads ``nfl`` (:class:`dashcli.core.values.ScoreboardValues`) with its ``week`` (the legacy NFL
type covers a whole week; a day's board without ``week`` is titled by its date). Each game is
one line: live games with their scores in green, finals in white with ``F``, games to come as
``AWY@HOM`` and their kick-off day and hour. Favourites come first, as the values list them.
"""

from __future__ import annotations

from typing import cast

from dashcli.core.values import Game, ScoreboardValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import MARKER_BOX_WIDTH, Canvas
from dashcli.renderers.text import draw_text

TITLE_COLOR = colors.SKY
LIVE = colors.GREEN
FINAL = colors.TEXT
UPCOMING = colors.SECONDARY
# 128×64: title, then two columns of eight games
TITLE_XY = (1, 1)
TOP = 9
PITCH = 7
COLUMNS = 2
# 64×32: one column
COMPACT_TOP = 8
COMPACT_PITCH = 6


def title(values: ScoreboardValues) -> str:
    week = values.get("week")
    if week is None:
        return f"NFL {values['date']}"
    parts = [part for part in (week.get("name"), week.get("dates")) if part]
    return " · ".join(parts) if parts else "NFL"


def line(canvas: Canvas, game: Game) -> tuple[str, colors.Color]:
    """One game as a short line and its colour."""
    away, home = game["away"], game["home"]
    if game["state"] in ("in", "post"):
        text = f"{away['abbreviation']} {away['score']} {home['abbreviation']} {home['score']}"
        return (text, LIVE) if game["state"] == "in" else (f"{text} F", FINAL)
    start = canvas.local(str(game["start"]))
    return (f"{away['abbreviation']}@{home['abbreviation']} "
            f"{start.strftime('%a')[:2].upper()} {canvas.time(start, 'short')}", UPCOMING)


def has_content(canvas: Canvas) -> bool:
    """False for a week without games."""
    return bool(cast(ScoreboardValues, canvas.values("nfl"))["games"])


def draw(canvas: Canvas) -> None:
    """Draw the week's title and its games."""
    values = cast(ScoreboardValues, canvas.values("nfl"))
    small = canvas.fonts.small
    draw_text(canvas.image, small, title(values).upper(), TITLE_XY, TITLE_COLOR,
              max_width=canvas.width - MARKER_BOX_WIDTH - 2)
    games = values["games"]
    if not games:
        draw_text(canvas.image, small, "no games", (canvas.width // 2, canvas.height // 2),
                  colors.SECONDARY, align="center")
        return
    top, pitch, columns = ((COMPACT_TOP, COMPACT_PITCH, 1) if canvas.compact
                           else (TOP, PITCH, COLUMNS))
    rows = (canvas.height - top) // pitch
    cell = canvas.width // columns
    for index, game in enumerate(games[: rows * columns]):
        text, color = line(canvas, game)
        x = (index // rows) * cell + 1
        draw_text(canvas.image, small, text, (x, top + (index % rows) * pitch), color,
                  max_width=cell - 2)
