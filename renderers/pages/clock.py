"""The clock page: the time in large digits, the weekday and the date, from ``now`` alone.

The clock needs no data: it draws the canvas's ``now`` in the profile's timezone and clock format,
so it is never stale and always has content. 128×64 doubles the 8×14 clock digits; 64×32 draws
them at their own size with a tiny date line. In 12-hour form the digits lose the leading zero
and stay centred; a small ``AM``/``PM`` sits on their baseline to the right.
"""

from __future__ import annotations

from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.fonts import Font, scaled_font
from dashcli.renderers.format import clock_parts
from dashcli.renderers.text import draw_text

# 128×64
TIME_Y = 3
DIGIT_SCALE = 2
WEEKDAY_Y = 38
DATE_Y = 50
# 64×32
COMPACT_TIME_Y = 2
COMPACT_DATE_Y = 21
MERIDIEM_GAP = 3  # between the digits and AM/PM (128×64; 64×32 has room for 1)
COMPACT_MERIDIEM_GAP = 1

TIME_COLOR = colors.WHITE
MERIDIEM_COLOR = colors.SECONDARY
WEEKDAY_COLOR = colors.SKY
DATE_COLOR = colors.SECONDARY


def _draw_time(canvas: Canvas, digits_font: Font, meridiem_font: Font, y: int, gap: int) -> None:
    """The digits centred at ``y``; the meridiem (12-hour) after them, on their baseline."""
    digits, meridiem = clock_parts(canvas.now, canvas.clock)
    box = draw_text(canvas.image, digits_font, digits, (canvas.width // 2, y), TIME_COLOR,
                    align="center")
    if meridiem:
        top = y + digits_font.baseline - meridiem_font.baseline
        draw_text(canvas.image, meridiem_font, meridiem, (box[2] + gap, top), MERIDIEM_COLOR)


def draw(canvas: Canvas) -> None:
    """Draw the time, weekday and date."""
    now = canvas.now
    centre = canvas.width // 2
    if canvas.compact:
        _draw_time(canvas, canvas.fonts.large, canvas.fonts.small, COMPACT_TIME_Y,
                   COMPACT_MERIDIEM_GAP)
        date_text = f"{now:%a} {now.day} {now:%b}"
        draw_text(canvas.image, canvas.fonts.small, date_text, (centre, COMPACT_DATE_Y),
                  WEEKDAY_COLOR, align="center", max_width=canvas.width)
        return
    _draw_time(canvas, scaled_font(canvas.fonts.large, DIGIT_SCALE), canvas.fonts.body, TIME_Y,
               MERIDIEM_GAP)
    draw_text(canvas.image, canvas.fonts.body, now.strftime("%A"), (centre, WEEKDAY_Y),
              WEEKDAY_COLOR, align="center")
    draw_text(canvas.image, canvas.fonts.body, f"{now:%B} {now.day}, {now.year}", (centre, DATE_Y),
              DATE_COLOR, align="center", max_width=canvas.width - 2)
