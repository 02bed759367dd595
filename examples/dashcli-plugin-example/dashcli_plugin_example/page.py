"""The ``iss`` page: the station as a dot on a map grid, with its latitude and longitude.

A page is a :class:`dashcli.renderers.PageSpec` (its name, the module with ``draw``, a title,
the data types it needs, its sizes) whose module has ``draw(canvas)``: read the values with
``canvas.values(type)`` and draw on ``canvas.image`` (128×64 or 64×32, ``canvas.compact``) with
dashcli's fonts and text helpers. Values it cannot read raise (KeyError, ValueError, ...) and
dashcli draws its "unreadable data" frame; missing data draws "no data yet"; stale data gets the
marker. ``DEMO_VALUES`` are what ``dash render iss --demo`` draws.
"""

from __future__ import annotations

from PIL import ImageDraw

from dashcli.renderers import PageSpec, colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.text import draw_text

PAGE = PageSpec("iss", "dashcli_plugin_example.page", "ISS", ("iss",))
DEMO_VALUES = {"iss": {"latitude": 42.36, "longitude": -71.06,
                       "time": "2026-09-27T13:40:00-04:00"}}


def draw(canvas: Canvas) -> None:
    """The map grid, the station's dot, and its coordinates."""
    values = canvas.values("iss")
    latitude, longitude = float(values["latitude"]), float(values["longitude"])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"position out of range: {latitude}, {longitude}")
    small = canvas.fonts.small
    map_height = canvas.height - small.height - 3
    map_width = min(canvas.width - 2, map_height * 2)
    left = (canvas.width - map_width) // 2
    draw = ImageDraw.Draw(canvas.image)
    for step in range(0, 5):
        y = round(step * (map_height - 1) / 4)
        draw.line((left, y, left + map_width - 1, y), fill=colors.FAINT)
    for step in range(0, 9):
        x = left + round(step * (map_width - 1) / 8)
        draw.line((x, 0, x, map_height - 1), fill=colors.FAINT)
    x = left + round((longitude + 180) / 360 * (map_width - 1))
    y = round((90 - latitude) / 180 * (map_height - 1))
    draw.ellipse((x - 1, y - 1, x + 1, y + 1), fill=colors.YELLOW)
    text = f"ISS {latitude:.1f} {longitude:.1f}"
    draw_text(canvas.image, small, text, (canvas.width // 2, canvas.height - small.height - 1),
              colors.WHITE, align="center", max_width=canvas.width - 2)
