"""The sun & moon page: the moon drawn at its phase, its name and illumination, today's rise/set.

Reads ``moon`` (:class:`dashcli.core.values.MoonValues`). The disc is drawn from the phase angle
(unlit part in faint earthshine so the whole disc shows). Times already past today are grey,
the ones still to come white; a missing time (polar day or night, a moon that does not rise
today) reads ``--:--``. In 12-hour form a small ``A``/``P`` follows each time (128×64, where the
table's columns move left to make room) or ``6:31P`` (64×32). The last line gives the day length.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from dashcli.core.values import MoonValues, SunMoonDay
from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas, draw_time
from dashcli.renderers.format import duration, number, whole
from dashcli.renderers.sprites import moon_phase
from dashcli.renderers.text import draw_text

# 128×64
DISC_XY = (3, 3)
DISC_DIAMETER = 30
TABLE_LABEL_X = 40
RISE_X = 68
SET_X = 98
# 12-hour times carry a small A/P ("10:31ᴾ", 29 pixels): the table starts further left so
# labels, both columns and the edge keep three dark columns between them.
TABLE_LABEL_X_12H = 37
RISE_X_12H = 63
SET_X_12H = 95
HEADER_Y = 3
SUN_Y = 11
MOON_Y = 22
DAYLIGHT_Y = 33
PHASE_Y = 43
ILLUMINATION_Y = 54
# 64×32
COMPACT_DISC_XY = (1, 1)
COMPACT_DISC_DIAMETER = 22
COMPACT_X = 26
COMPACT_PITCH = 7
COMPACT_PERCENT_Y = 26


MISSING_TIME = "--:--"


def _time(canvas: Canvas, text: str | None) -> tuple[datetime | None, colors.Color]:
    """The local time and its colour: white still to come, grey past, dim when missing."""
    if text is None:
        return None, colors.DIM
    moment = canvas.local(text)
    return moment, colors.WHITE if moment >= canvas.now else colors.SECONDARY


def _day_length(canvas: Canvas, today: SunMoonDay) -> str | None:
    sunrise, sunset = today["sunrise"], today["sunset"]
    if sunrise is None or sunset is None:
        return None
    return duration(canvas.local(str(sunset)) - canvas.local(str(sunrise)))


def draw(canvas: Canvas) -> None:
    """Draw the phase, the rise/set table and the day length."""
    moon = cast(MoonValues, canvas.values("moon"))
    phase = moon["phase"]
    today = moon["today"]
    angle = number(phase["angle"])
    illumination = f"{whole(number(phase['illumination']) * 100)}%"
    fonts = canvas.fonts
    rows = (("SUN", "sunrise", "sunset", colors.SUN), ("MOON", "moonrise", "moonset", colors.MOON))
    if canvas.compact:
        moon_phase(round(angle), COMPACT_DISC_DIAMETER).draw(canvas.image, COMPACT_DISC_XY)
        draw_text(canvas.image, fonts.small, illumination,
                  (COMPACT_DISC_XY[0] + COMPACT_DISC_DIAMETER // 2, COMPACT_PERCENT_Y),
                  colors.SECONDARY, align="center")
        y = 2
        for _, rise_key, set_key, color in rows:
            for label, key in (("R", rise_key), ("S", set_key)):
                moment, time_color = _time(canvas, today[key])  # type: ignore[literal-required]
                text = MISSING_TIME if moment is None else canvas.time(moment, "short")
                draw_text(canvas.image, fonts.small, label, (COMPACT_X, y), color)
                draw_text(canvas.image, fonts.small, text, (COMPACT_X + 6, y), time_color)
                y += COMPACT_PITCH
        return
    moon_phase(round(angle), DISC_DIAMETER).draw(canvas.image, DISC_XY)
    label_x, rise_x, set_x = ((TABLE_LABEL_X_12H, RISE_X_12H, SET_X_12H) if canvas.clock == "12h"
                              else (TABLE_LABEL_X, RISE_X, SET_X))
    draw_text(canvas.image, fonts.small, "RISE", (rise_x, HEADER_Y), colors.SECONDARY)
    draw_text(canvas.image, fonts.small, "SET", (set_x, HEADER_Y), colors.SECONDARY)
    for (label, rise_key, set_key, color), y in zip(rows, (SUN_Y, MOON_Y), strict=True):
        draw_text(canvas.image, fonts.body, label.title(), (label_x, y), color)
        for key, x in ((rise_key, rise_x), (set_key, set_x)):
            moment, time_color = _time(canvas, today[key])  # type: ignore[literal-required]
            if moment is None:
                draw_text(canvas.image, fonts.body, MISSING_TIME, (x, y), time_color)
            else:
                draw_time(canvas, moment, (x, y), fonts.body, fonts.small, time_color, letter=True)
    length = _day_length(canvas, today)
    if length is not None:
        draw_text(canvas.image, fonts.small, f"DAYLIGHT {length.upper()}", (label_x, DAYLIGHT_Y),
                  colors.SECONDARY)
    draw_text(canvas.image, fonts.body, str(phase["name"]), (DISC_XY[0], PHASE_Y), colors.MOON,
              max_width=canvas.width - 4)
    draw_text(canvas.image, fonts.small, f"{illumination} ILLUMINATED", (DISC_XY[0],
              ILLUMINATION_Y), colors.SECONDARY)
