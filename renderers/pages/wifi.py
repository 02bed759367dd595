"""The WiFi page: a QR code phones scan to join the network, with its name beside it.

Reads ``wifi`` (:class:`dashcli.core.values.WifiValues`): the QR symbol's modules are drawn dark
on a light square with a quiet zone, at the largest whole number of pixels per module that fits
the height; the network's name and "scan to join" go to the right on 128×64 (64×32 shows the
code alone). The password is never drawn as text.
"""

from __future__ import annotations

from typing import cast

from dashcli.core.values import WifiValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.text import draw_text, wrap

LIGHT = (255, 255, 255)
DARK = colors.BLACK
QUIET = 1  # modules of light border (the panel's black around it is not a quiet zone)
TEXT_GAP = 3
TITLE_COLOR = colors.CYAN


def _scale(size: int, room: int) -> int:
    scale = room // (size + 2 * QUIET)
    if scale < 1:
        raise ValueError(f"a {size}-module QR code does not fit {room} pixels")
    return scale


def draw(canvas: Canvas) -> None:
    """Draw the QR code on the left, the network's name on the right."""
    wifi = cast(WifiValues, canvas.values("wifi"))
    rows = [str(row) for row in wifi["modules"]]
    size = len(rows)
    if size == 0 or any(len(row) != size or set(row) - {"0", "1"} for row in rows):
        raise ValueError("modules: not a square of 0 and 1")
    scale = _scale(size, canvas.height)
    side = (size + 2 * QUIET) * scale
    left = 0 if not canvas.compact else (canvas.width - side) // 2
    top = (canvas.height - side) // 2
    canvas.image.paste(LIGHT, (left, top, left + side, top + side))
    origin_x, origin_y = left + QUIET * scale, top + QUIET * scale
    for y, row in enumerate(rows):
        for x, module in enumerate(row):
            if module == "1":
                box = (origin_x + x * scale, origin_y + y * scale,
                       origin_x + (x + 1) * scale, origin_y + (y + 1) * scale)
                canvas.image.paste(DARK, box)
    if canvas.compact:
        return
    text_x = left + side + TEXT_GAP
    width = canvas.width - text_x - 1
    small, body = canvas.fonts.small, canvas.fonts.body
    draw_text(canvas.image, small, "WIFI", (text_x, 2), colors.SECONDARY)
    for index, line in enumerate(wrap(body, str(wifi["ssid"]), width, 3)):
        draw_text(canvas.image, body, line, (text_x, 12 + index * 10), TITLE_COLOR)
    draw_text(canvas.image, small, "SCAN TO", (text_x, 46), colors.SECONDARY)
    draw_text(canvas.image, small, "JOIN", (text_x, 53), colors.SECONDARY)
