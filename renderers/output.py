"""Output targets for rendered frames: scaled PNG bytes (flat or LED look) and animated GIFs.

``flat`` scales by an integer factor with nearest neighbour, so every panel pixel stays a crisp
square. ``led`` draws each pixel as a round LED on black, unlit LEDs faintly visible, like a
photo of a real panel (for previews and the README gallery).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from typing import Literal

from PIL import Image, ImageChops, ImageDraw

Style = Literal["flat", "led"]
STYLES: tuple[Style, ...] = ("flat", "led")
UNLIT = (22, 22, 22)


@cache
def _led_mask(scale: int, width: int, height: int) -> Image.Image:
    """A mask of round LEDs, one per panel pixel, for a frame of ``width``×``height``."""
    cell = Image.new("L", (scale, scale))
    inset = scale // 8  # a dark gap between LEDs once they are large enough to show it
    ImageDraw.Draw(cell).ellipse((inset, inset, scale - 1 - inset, scale - 1 - inset), fill=255)
    row = Image.new("L", (width * scale, scale))
    for x in range(width):
        row.paste(cell, (x * scale, 0))
    mask = Image.new("L", (width * scale, height * scale))
    for y in range(height):
        mask.paste(row, (0, y * scale))
    return mask


def scaled(image: Image.Image, scale: int = 1, style: Style = "flat") -> Image.Image:
    """``image`` enlarged ``scale`` times in ``style`` (``led`` needs a scale of 2 or more)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    image = image.convert("RGB")
    big = image if scale == 1 else image.resize(
        (image.width * scale, image.height * scale), Image.Resampling.NEAREST
    )
    if style == "flat" or scale < 2:
        return big
    lifted = ImageChops.lighter(big, Image.new("RGB", big.size, UNLIT))
    leds = Image.new("RGB", big.size)
    leds.paste(lifted, (0, 0), _led_mask(scale, image.width, image.height))
    return leds


def png_bytes(image: Image.Image, scale: int = 1, style: Style = "flat") -> bytes:
    """The frame as PNG bytes, scaled and styled."""
    buffer = io.BytesIO()
    scaled(image, scale, style).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def gif_bytes(
    frames: Sequence[tuple[Image.Image, float]], scale: int = 1, style: Style = "flat"
) -> bytes:
    """An animated GIF of (frame, seconds) pairs, looping forever, each shown for its seconds."""
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    images = [scaled(image, scale, style) for image, _ in frames]
    durations = [max(round(seconds * 1000), 20) for _, seconds in frames]
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        optimize=False,
        disposal=1,
    )
    return buffer.getvalue()
