"""The clock page: the time in large digits, the weekday and the date, from ``now`` alone.

The clock needs no data: it draws the frame's ``now`` in the profile's timezone (24-hour), so it
is never stale and always has content. 128×64 doubles the 8×14 clock digits; 64×32 draws them
at their own size with a tiny date line.
"""

from __future__ import annotations

from renderers import colors
from renderers.fonts import scaled_font
from renderers.frame import Frame
from renderers.text import draw_text

# 128×64
TIME_Y = 3
DIGIT_SCALE = 2
WEEKDAY_Y = 38
DATE_Y = 50
# 64×32
COMPACT_TIME_Y = 2
COMPACT_DATE_Y = 21

TIME_COLOR = colors.WHITE
WEEKDAY_COLOR = colors.SKY
DATE_COLOR = colors.SECONDARY


def render(frame: Frame) -> None:
    """Draw the time, weekday and date."""
    now = frame.now
    time_text = now.strftime("%H:%M")
    centre = frame.width // 2
    if frame.compact:
        draw_text(frame.image, frame.fonts.large, time_text, (centre, COMPACT_TIME_Y), TIME_COLOR,
                  align="center")
        date_text = f"{now:%a} {now.day} {now:%b}"
        draw_text(frame.image, frame.fonts.small, date_text, (centre, COMPACT_DATE_Y),
                  WEEKDAY_COLOR, align="center", max_width=frame.width)
        return
    big = scaled_font(frame.fonts.large, DIGIT_SCALE)
    draw_text(frame.image, big, time_text, (centre, TIME_Y), TIME_COLOR, align="center")
    draw_text(frame.image, frame.fonts.body, now.strftime("%A"), (centre, WEEKDAY_Y),
              WEEKDAY_COLOR, align="center")
    draw_text(frame.image, frame.fonts.body, f"{now:%B} {now.day}, {now.year}", (centre, DATE_Y),
              DATE_COLOR, align="center", max_width=frame.width - 2)
