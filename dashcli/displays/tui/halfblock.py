"""Frames as terminal cells: ``▀`` with the upper pixel as foreground, the lower as background.

Two pixels per cell with their exact colours, so a 128×64 frame takes 128×32 cells. A terminal
area smaller than that gets the frame scaled down with nearest neighbour (whole pixels kept,
never blended), preserving its aspect ratio. Runs of equal cells share one segment.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import Image
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

UPPER_HALF = "\u2580"
RGB = tuple[int, int, int]


@lru_cache(maxsize=4096)
def cell_style(upper: RGB, lower: RGB) -> Style:
    """The style of one cell: foreground the upper pixel, background the lower one."""
    return Style(color=Color.from_rgb(*upper), bgcolor=Color.from_rgb(*lower))


def fitted(image: Image.Image, columns: int, rows: int) -> Image.Image:
    """``image`` as drawn in ``columns``×``rows`` cells: unchanged when it fits, else scaled
    down (nearest neighbour, aspect kept) to the largest size that fits."""
    width, height = image.size
    if width <= columns and height <= 2 * rows:
        return image
    scale = min(columns / width, 2 * rows / height)
    size = (max(1, int(width * scale)), max(1, int(height * scale)))
    return image.resize(size, Image.Resampling.NEAREST)


def frame_strips(image: Image.Image, columns: int, rows: int) -> list[Strip]:
    """The cells of ``image`` fitted to ``columns``×``rows``: one strip per row of cells."""
    picture = fitted(image.convert("RGB"), max(1, columns), max(1, rows))
    width, height = picture.size
    data = picture.tobytes()
    black = (0, 0, 0)

    def pixel(x: int, y: int) -> RGB:
        if y >= height:
            return black  # an odd last row: its lower half is dark
        offset = 3 * (y * width + x)
        return data[offset], data[offset + 1], data[offset + 2]

    strips: list[Strip] = []
    for top in range(0, height, 2):
        segments: list[Segment] = []
        run_style: tuple[RGB, RGB] | None = None
        run = 0
        for x in range(width):
            pair = (pixel(x, top), pixel(x, top + 1))
            if pair != run_style:
                if run_style is not None:
                    segments.append(Segment(UPPER_HALF * run, cell_style(*run_style)))
                run_style, run = pair, 0
            run += 1
        if run_style is not None:
            segments.append(Segment(UPPER_HALF * run, cell_style(*run_style)))
        strips.append(Strip(segments, width))
    return strips
