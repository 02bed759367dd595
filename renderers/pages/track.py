"""The GPS track page: where a tracker (Garmin inReach) last reported, how fast, which way.

Reads ``track`` (:class:`dashcli.core.values.TrackValues`): the name, the position in degrees
and hemispheres, speed in knots with the course as a compass point and an arrow, the report's
time and age, and whether the fix is valid (``NO FIX`` in red otherwise).
"""

from __future__ import annotations

import math
from typing import cast

from PIL import ImageDraw

from dashcli.core.values import TrackValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import MARKER_BOX_WIDTH, Canvas
from dashcli.renderers.format import age
from dashcli.renderers.text import draw_text

NAME_COLOR = colors.CYAN
# 128×64
NAME_XY = (2, 1)
LAT_Y = 13
LON_Y = 23
SPEED_Y = 36
TIME_Y = 55
ARROW_CENTER = (112, 40)
ARROW_RADIUS = 9
# 64×32
COMPACT_LAT_Y = 8
COMPACT_LON_Y = 15
COMPACT_SPEED_Y = 24


def position(value: float, positive: str, negative: str) -> str:
    """``42.3581°N``."""
    return f"{abs(value):.4f}°{positive if value >= 0 else negative}"


def _arrow(canvas: Canvas, course: float, center: tuple[int, int], radius: int) -> None:
    """A triangle pointing where the tracker heads (0° north, clockwise)."""
    angle = math.radians(course)

    def point(bearing: float, length: float) -> tuple[float, float]:
        return (center[0] + length * math.sin(bearing), center[1] - length * math.cos(bearing))

    tip = point(angle, radius)
    left = point(angle + math.radians(140), radius)
    right = point(angle - math.radians(140), radius)
    ImageDraw.Draw(canvas.image).polygon([tip, left, center, right], fill=colors.AMBER)


def draw(canvas: Canvas) -> None:
    """Draw the last reported position."""
    track = cast(TrackValues, canvas.values("track"))
    small, body = canvas.fonts.small, canvas.fonts.body
    latitude = position(float(track["latitude"]), "N", "S")
    longitude = position(float(track["longitude"]), "E", "W")
    speed = track["speed_knots"]
    course_text = track["course_text"] or ""
    motion = f"{float(speed):.1f} kn {course_text}".strip() if speed is not None else course_text
    name = track["name"] or "Tracker"
    fix_color = colors.TEXT if track["fix"] else colors.ERROR
    if canvas.compact:
        draw_text(canvas.image, small, name, (1, 1), NAME_COLOR,
                  max_width=canvas.width - MARKER_BOX_WIDTH - 2)
        draw_text(canvas.image, small, latitude, (1, COMPACT_LAT_Y), fix_color)
        draw_text(canvas.image, small, longitude, (1, COMPACT_LON_Y), fix_color)
        draw_text(canvas.image, small, motion if track["fix"] else "NO FIX", (1, COMPACT_SPEED_Y),
                  colors.AMBER if track["fix"] else colors.ERROR)
        return
    draw_text(canvas.image, body, name, NAME_XY, NAME_COLOR,
              max_width=canvas.width - MARKER_BOX_WIDTH - NAME_XY[0] - 2)
    draw_text(canvas.image, body, latitude, (2, LAT_Y), fix_color)
    draw_text(canvas.image, body, longitude, (2, LON_Y), fix_color)
    draw_text(canvas.image, body, motion, (2, SPEED_Y), colors.AMBER, max_width=95)
    if track["course"] is not None and speed:
        _arrow(canvas, float(track["course"]), ARROW_CENTER, ARROW_RADIUS)
    moment = canvas.local(str(track["time"]))
    when = f"{canvas.time(moment)}  {age(canvas.now - moment)} ago"
    draw_text(canvas.image, small, when, (2, TIME_Y), colors.SECONDARY)
    if not track["fix"]:
        draw_text(canvas.image, small, "NO FIX", (canvas.width - 2, TIME_Y), colors.ERROR,
                  align="right")
