"""The palette: named colours chosen to read on RGB LED panels, and colour parsing for data.

LEDs have no ink: dark colours vanish and pure blue looks dim, so the names here are bright,
saturated values with a dim tier for secondary text. Colours coming in the data (team colours,
the AQI category colour) are ``"#rrggbb"`` strings: :func:`parse_color` reads them, falling back
when absent or malformed, and :func:`readable` lifts colours too dark to see on a panel.
"""

from __future__ import annotations

Color = tuple[int, int, int]
GREY_SPREAD = 24  # channels closer than this: no hue worth keeping

BLACK: Color = (0, 0, 0)
WHITE: Color = (235, 235, 235)
GREY: Color = (140, 140, 140)
DIM: Color = (80, 80, 80)
FAINT: Color = (35, 35, 35)
RED: Color = (255, 40, 30)
ORANGE: Color = (255, 130, 0)
AMBER: Color = (255, 190, 0)
YELLOW: Color = (255, 235, 40)
GREEN: Color = (40, 220, 60)
TEAL: Color = (0, 200, 160)
CYAN: Color = (40, 200, 255)
SKY: Color = (110, 170, 255)
BLUE: Color = (50, 100, 255)
PURPLE: Color = (170, 90, 255)
PINK: Color = (255, 90, 170)
BROWN: Color = (150, 80, 30)

# Semantic names pages share so the same meaning has the same colour everywhere.
TEXT = WHITE
SECONDARY = GREY
HOT = ORANGE
COLD = SKY
FRESH = GREEN
STALE = AMBER
ERROR = RED
SUN = YELLOW
MOON = (220, 220, 190)
CLOUD = (185, 190, 200)
DARK_CLOUD = (110, 115, 125)
RAIN = (60, 140, 255)
SNOW = (225, 235, 255)
LIGHTNING = YELLOW

PALETTE: dict[str, Color] = {
    name.lower(): value
    for name, value in globals().items()
    if name.isupper() and isinstance(value, tuple)
}


def parse_color(text: object, default: Color = WHITE) -> Color:
    """``"#rrggbb"`` (or ``rrggbb``, or a palette name) as RGB; anything else gives ``default``."""
    if not isinstance(text, str):
        return default
    named = PALETTE.get(text.lower())
    if named is not None:
        return named
    digits = text.removeprefix("#")
    if len(digits) != 6:
        return default
    try:
        value = int(digits, 16)
    except ValueError:
        return default
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def readable(color: Color, minimum: int = 110) -> Color:
    """``color`` brightened until its brightest channel reaches ``minimum`` (dark team colours,
    navy or maroon, otherwise disappear on an LED panel); black becomes grey."""
    peak = max(color)
    if peak >= minimum:
        return color
    if peak == 0:
        return (minimum, minimum, minimum)
    factor = minimum / peak
    r, g, b = color
    return (min(255, round(r * factor)), min(255, round(g * factor)), min(255, round(b * factor)))


def greyish(color: Color) -> bool:
    """True for black, greys and white: colours with (almost) no hue to tell a team by."""
    return max(color) - min(color) < GREY_SPREAD


def lifted(color: Color, minimum: int = 110) -> Color:
    """``color`` made bright enough for an LED panel with its hue kept: scaled up until its
    brightest channel reaches ``minimum`` (like :func:`readable`), then, when it is still too
    dim to the eye (navy, purple: a panel draws them as a murky grey-violet), mixed with white
    until its luma reaches ``minimum`` / 2. Mixing with white changes neither the hue nor the
    order of the channels."""
    r, g, b = readable(color, minimum)
    target = minimum / 2
    luma = _luma((r, g, b))
    if luma >= target:
        return (r, g, b)
    mix = (target - luma) / (255 - luma)
    return (round(r + (255 - r) * mix), round(g + (255 - g) * mix), round(b + (255 - b) * mix))


def _luma(color: Color) -> float:
    """Rec. 709 luma: how bright a colour looks (green counts most, blue least)."""
    r, g, b = color
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def scale(color: Color, factor: float) -> Color:
    """``color`` dimmed (factor < 1) or brightened, clamped to 0-255."""
    r, g, b = color
    return (
        max(0, min(255, round(r * factor))),
        max(0, min(255, round(g * factor))),
        max(0, min(255, round(b * factor))),
    )


def temperature_color(value: float, units: str) -> Color:
    """A colour for a temperature: blue when freezing, white when mild, orange/red when hot."""
    celsius = (value - 32) * 5 / 9 if units.endswith("F") else value
    if celsius <= 0:
        return COLD
    if celsius < 10:
        return (170, 210, 255)
    if celsius < 24:
        return WHITE
    if celsius < 30:
        return AMBER
    if celsius < 35:
        return ORANGE
    return RED
