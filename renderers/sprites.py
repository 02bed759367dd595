"""Sprites authored here as pixel tables or drawn procedurally: weather, moon, bases, football.

A table is rows of characters, ``.`` transparent and every other letter a palette colour from
its key. Weather icons are composed from parts (sun, moon, cloud, precipitation) for each
condition group of :data:`dashcli.core.values.Condition`, in two sizes: ``large`` (16×16, the
weather
page) and ``small`` (11×11, lists and 64×32 layouts). Every sprite is built once and cached, so
drawing one is a single masked paste.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Literal

from PIL import Image

from dashcli.renderers import colors
from dashcli.renderers.colors import Color

IconSize = Literal["large", "small"]
ICON_SIZES: dict[IconSize, int] = {"large": 16, "small": 11}


@dataclass(frozen=True, eq=False)
class Sprite:
    """An RGB image and its mask (255 where the sprite is drawn); hashed by identity."""

    image: Image.Image
    mask: Image.Image

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    def draw(self, target: Image.Image, xy: tuple[int, int]) -> None:
        """Paste the sprite with its top-left corner at ``xy``."""
        target.paste(self.image, xy, self.mask)


KEY: dict[str, Color] = {
    "Y": colors.SUN,
    "O": colors.ORANGE,
    "W": colors.CLOUD,
    "G": colors.DARK_CLOUD,
    "B": colors.RAIN,
    "S": colors.SNOW,
    "I": colors.CYAN,
    "L": colors.LIGHTNING,
    "F": colors.GREY,
    "M": colors.MOON,
    "K": colors.BROWN,
    "H": colors.WHITE,
    "R": colors.RED,
}


def _rows(table: str) -> list[str]:
    return [line.strip() for line in table.strip().splitlines()]


def layer(table: str, key: dict[str, Color] = KEY) -> Image.Image:
    """An RGBA image of a pixel table (``.`` transparent)."""
    rows = _rows(table)
    width = max(len(row) for row in rows)
    image = Image.new("RGBA", (width, len(rows)))
    image.putdata([
        (*key[char], 255) if char != "." else (0, 0, 0, 0)
        for row in rows
        for char in row.ljust(width, ".")
    ])
    return image


@cache
def enlarged(sprite: Sprite, factor: int) -> Sprite:
    """``sprite`` drawn ``factor`` times larger, each pixel a square block (cached)."""
    size = (sprite.width * factor, sprite.height * factor)
    nearest = Image.Resampling.NEAREST
    return Sprite(sprite.image.resize(size, nearest), sprite.mask.resize(size, nearest))


def from_rgba(image: Image.Image) -> Sprite:
    """A Sprite from an RGBA image (alpha > 0 is drawn)."""
    mask = image.getchannel("A").point(lambda value: 255 if value else 0)
    return Sprite(image.convert("RGB"), mask)


def from_table(table: str, key: dict[str, Color] = KEY) -> Sprite:
    """A Sprite from a pixel table."""
    return from_rgba(layer(table, key))


# --- weather parts, large (16×16 canvas) -------------------------------------------------------

SUN_LARGE = """
.......Y.......
.......Y.......
..Y.........Y..
...Y.......Y...
.....OYYYO.....
....YYYYYYY....
....YYYYYYY....
YY..YYYYYYY..YY
....YYYYYYY....
....YYYYYYY....
.....OYYYO.....
...Y.......Y...
..Y.........Y..
.......Y.......
.......Y.......
"""

SUN_BEHIND_LARGE = """
....Y....
.Y.....Y.
...OYO...
..YYYYY..
Y.YYYYY.Y
..YYYYY..
...OYO...
.Y.....Y.
....Y....
"""

CLOUD_LARGE = """
........WWW.....
...WW..WWWWW....
..WWWWWWWWWWW...
.WWWWWWWWWWWWWW.
WWWWWWWWWWWWWWWW
WWWWWWWWWWWWWWWW
.GGGGGGGGGGGGGG.
"""

DARK_CLOUD_LARGE = """
........GGG.....
...GG..GGGGG....
..GGGGGGGGGGG...
.GGGGGGGGGGGGGG.
GGGGGGGGGGGGGGGG
GGGGGGGGGGGGGGGG
.FFFFFFFFFFFFFF.
"""

SMALL_CLOUD_LARGE = """
....WWW...
..WWWWWW..
.WWWWWWWWW
WWWWWWWWWW
.GGGGGGGG.
"""

PRECIPITATION_LARGE: dict[str, str] = {
    "drizzle": """
    ...B.....B......
    ................
    ......B.....B...
    ................
    ..B.....B.......
    """,
    "rain": """
    ...B...B...B....
    ..B...B...B.....
    ................
    .....B...B...B..
    ....B...B...B...
    """,
    "freezing-rain": """
    ...B...I...B....
    ..B.......B.....
    ................
    .....I...B...I..
    ........B.......
    """,
    "snow": """
    ..S......S......
    .SSS....SSS.....
    ..S......S..S...
    .....S.....SSS..
    ....SSS.....S...
    .....S..........
    """,
    "thunderstorm": """
    ........LL......
    .......LL.......
    ..B...LLLL...B..
    .B......LL...B..
    ........L.......
    .......L........
    """,
    "fog": """
    ................
    FFFFFFFFFFFF....
    ................
    ...FFFFFFFFFFFF.
    ................
    .FFFFFFFFFFF....
    """,
}

# --- weather parts, small (11×11 canvas) -------------------------------------------------------

SUN_SMALL = """
.....Y.....
..Y.....Y..
....OYO....
...YYYYY...
Y..YYYYY..Y
...YYYYY...
....OYO....
..Y.....Y..
.....Y.....
"""

SUN_BEHIND_SMALL = """
..Y..
.YYY.
YYYYY
.YYY.
..Y..
"""

CLOUD_SMALL = """
.....WW....
..WWWWWW...
.WWWWWWWWW.
WWWWWWWWWWW
.GGGGGGGGG.
"""

DARK_CLOUD_SMALL = """
.....GG....
..GGGGGG...
.GGGGGGGGG.
GGGGGGGGGGG
.FFFFFFFFF.
"""

SMALL_CLOUD_SMALL = """
..WWW.
.WWWWW
WWWWWW
.GGGG.
"""

PRECIPITATION_SMALL: dict[str, str] = {
    "drizzle": """
    ..B....B...
    ...........
    ....B....B.
    """,
    "rain": """
    ..B..B..B..
    .B..B..B...
    ...........
    ...B..B..B.
    """,
    "freezing-rain": """
    ..B..I..B..
    .B.....B...
    ...........
    ...I..B..I.
    """,
    "snow": """
    .S.....S...
    SSS...SSS..
    .S..S..S...
    ...SSS.....
    ....S......
    """,
    "thunderstorm": """
    .....LL....
    ....LL.....
    .B.LLLL.B..
    .....L.....
    ....L......
    """,
    "fog": """
    FFFFFFFF...
    ...........
    ..FFFFFFFFF
    ...........
    FFFFFFFF...
    """,
}

_PRECIPITATION = ("drizzle", "rain", "freezing-rain", "snow", "thunderstorm", "fog")
CONDITIONS = (
    "clear", "mostly-clear", "partly-cloudy", "cloudy", "fog", "drizzle", "rain",
    "freezing-rain", "snow", "thunderstorm",
)


def _paste(canvas: Image.Image, table: str, xy: tuple[int, int]) -> None:
    canvas.alpha_composite(layer(table), xy)


def _paste_image(canvas: Image.Image, part: Image.Image, xy: tuple[int, int]) -> None:
    canvas.alpha_composite(part, xy)


def _crescent(diameter: int) -> Image.Image:
    """A crescent moon for night icons: the disc minus a disc shifted up and to the right."""
    radius = diameter / 2
    image = Image.new("RGBA", (diameter, diameter))
    lit = (*colors.MOON, 255)
    image.putdata([
        lit
        if (x - radius) ** 2 + (y - radius) ** 2 <= radius**2
        and (x - radius * 1.55) ** 2 + (y - radius * 0.75) ** 2 > (radius * 0.85) ** 2
        else (0, 0, 0, 0)
        for y in (py + 0.5 for py in range(diameter))
        for x in (px + 0.5 for px in range(diameter))
    ])
    return image


@cache
def weather_icon(condition: str, is_day: bool, size: IconSize = "large") -> Sprite:
    """The icon of a condition group (day or night for clear, mostly-clear, partly-cloudy);
    an unknown group draws as cloudy."""
    if condition not in CONDITIONS:
        condition = "cloudy"
    side = ICON_SIZES[size]
    canvas = Image.new("RGBA", (side, side))
    large = size == "large"
    if condition in ("clear", "mostly-clear"):
        if is_day:
            _paste(canvas, SUN_LARGE if large else SUN_SMALL, (0, 0) if large else (0, 1))
        else:
            _paste_image(canvas, _crescent(13 if large else 9), (1, 1) if large else (0, 1))
            star = Image.new("RGBA", (1, 1), (*colors.WHITE, 255))
            for xy in ((14, 2), (12, 9)) if large else ((9, 1), (10, 6)):
                _paste_image(canvas, star, xy)
        if condition == "mostly-clear":
            if large:
                _paste(canvas, SMALL_CLOUD_LARGE, (6, 10))
            else:
                _paste(canvas, SMALL_CLOUD_SMALL, (5, 7))
        return from_rgba(canvas)
    if condition == "partly-cloudy":
        if is_day:
            _paste(canvas, SUN_BEHIND_LARGE if large else SUN_BEHIND_SMALL,
                   (7, 0) if large else (6, 0))
        else:
            _paste_image(canvas, _crescent(9 if large else 6), (7, 0) if large else (5, 0))
        _paste(canvas, CLOUD_LARGE if large else CLOUD_SMALL, (0, 7) if large else (0, 4))
        return from_rgba(canvas)
    if condition == "cloudy":
        if large:
            _paste(canvas, DARK_CLOUD_LARGE, (0, 2))
            _paste(canvas, CLOUD_LARGE, (0, 7))
        else:
            _paste(canvas, DARK_CLOUD_SMALL, (0, 1))
            _paste(canvas, CLOUD_SMALL, (0, 5))
        return from_rgba(canvas)
    dark = condition in ("rain", "freezing-rain", "thunderstorm")
    if large:
        _paste(canvas, DARK_CLOUD_LARGE if dark else CLOUD_LARGE, (0, 1))
        _paste(canvas, PRECIPITATION_LARGE[condition], (0, 9))
    else:
        _paste(canvas, DARK_CLOUD_SMALL if dark else CLOUD_SMALL, (0, 0))
        _paste(canvas, PRECIPITATION_SMALL[condition], (0, 6))
    return from_rgba(canvas)


@cache
def moon_phase(
    angle: float, diameter: int, lit: Color = colors.MOON, dark: Color | None = (40, 40, 52)
) -> Sprite:
    """The moon's disc at phase ``angle`` (0 new, 90 first quarter, 180 full, 270 last quarter)
    as seen from the northern hemisphere: waxing lit on the right, waning on the left. ``dark``
    colours the unlit part (earthshine) so the disc stays visible; None leaves it transparent."""
    theta = math.radians(angle % 360)
    waxing = (angle % 360) < 180
    radius = diameter / 2
    pixels: list[Color] = []
    alpha: list[int] = []
    for py in range(diameter):
        y = (py + 0.5 - radius) / radius
        half = math.sqrt(max(1 - y * y, 0.0))
        terminator = half * math.cos(theta)
        for px in range(diameter):
            x = (px + 0.5 - radius) / radius
            if abs(y) >= 1 or abs(x) > half:
                pixels.append(colors.BLACK)
                alpha.append(0)
            elif (x >= terminator) if waxing else (x <= -terminator):
                pixels.append(lit)
                alpha.append(255)
            elif dark is not None:
                pixels.append(dark)
                alpha.append(255)
            else:
                pixels.append(colors.BLACK)
                alpha.append(0)
    image = Image.new("RGB", (diameter, diameter))
    image.putdata(pixels)
    mask = Image.new("L", (diameter, diameter))
    mask.putdata(alpha)
    return Sprite(image, mask)


BASE_EMPTY = """
..F..
.F.F.
F...F
.F.F.
..F..
"""

BASE_FULL = """
..Y..
.YYY.
YYYYY
.YYY.
..Y..
"""


@cache
def bases(first: bool, second: bool, third: bool) -> Sprite:
    """The bases diamond (13×9): second on top, third left, first right; occupied bases lit."""
    canvas = Image.new("RGBA", (13, 9))
    for occupied, xy in ((second, (4, 0)), (third, (0, 4)), (first, (8, 4))):
        _paste(canvas, BASE_FULL if occupied else BASE_EMPTY, xy)
    return from_rgba(canvas)


FOOTBALL = """
..KKKKK..
.KKHKHKK.
KKHHHHHKK
.KKHKHKK.
..KKKKK..
"""


@cache
def football() -> Sprite:
    """A football (9×5), drawn next to the team in possession."""
    return from_table(FOOTBALL)
