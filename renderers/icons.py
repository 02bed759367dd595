"""The built-in icons an app page may name: the weather icons and a few 9×9 symbols.

Weather icons keep their condition names (``rain``, ``partly-cloudy``, ...; ``clear-night`` and
friends for the night forms) and come in the sizes of :mod:`dashcli.renderers.sprites`; the
symbols (``check``, ``cross``, ``warning``, ``heart``, ``bell``, ``mail``, ``home``, ``up``,
``down``, ``info``, ``ball``, ``football``, ``moon``) are pixel tables in the sprite key's colours.
"""

from __future__ import annotations

from functools import cache

from dashcli.renderers import colors, sprites
from dashcli.renderers.sprites import Sprite

SYMBOLS: dict[str, str] = {
    "check": """
        ........G
        .......GG
        ......GG.
        G....GG..
        GG..GG...
        .GGGG....
        ..GG.....
    """,
    "cross": """
        RR.....RR
        .RR...RR.
        ..RR.RR..
        ...RRR...
        ..RR.RR..
        .RR...RR.
        RR.....RR
    """,
    "warning": """
        ....Y....
        ...YYY...
        ...YKY...
        ..YYKYY..
        ..YYKYY..
        .YYYYYYY.
        .YYYKYYY.
        YYYYYYYYY
    """,
    "heart": """
        .RR...RR.
        RRRR.RRRR
        RRRRRRRRR
        RRRRRRRRR
        .RRRRRRR.
        ..RRRRR..
        ...RRR...
        ....R....
    """,
    "bell": """
        ....Y....
        ...YYY...
        ..YYYYY..
        ..YYYYY..
        ..YYYYY..
        .YYYYYYY.
        YYYYYYYYY
        ....Y....
    """,
    "mail": """
        HHHHHHHHH
        HH.....HH
        H.H...H.H
        H..H.H..H
        H...H...H
        H.......H
        HHHHHHHHH
    """,
    "home": """
        ....O....
        ...OOO...
        ..OOOOO..
        .OOOOOOO.
        ..HHHHH..
        ..HH.HH..
        ..HH.HH..
    """,
    "up": """
        ....G....
        ...GGG...
        ..GGGGG..
        .GGGGGGG.
        ...GGG...
        ...GGG...
        ...GGG...
    """,
    "down": """
        ...RRR...
        ...RRR...
        ...RRR...
        .RRRRRRR.
        ..RRRRR..
        ...RRR...
        ....R....
    """,
    "info": """
        ..BBBBB..
        .BBBHBBB.
        BBBBBBBBB
        BBBBHBBBB
        BBBBHBBBB
        .BBBHBBB.
        ..BBBBB..
    """,
    "ball": """
        ..HHHHH..
        .HHFHHHH.
        HHFFFHHHH
        HHHFHHHFH
        HHHHHHFFF
        .HHHHHHF.
        ..HHHHH..
    """,
}
# The sprite key, with G green (not dark cloud) and K black (the mark cut into a symbol).
KEY = {**sprites.KEY, "G": colors.GREEN, "K": colors.BLACK}
WEATHER = sprites.CONDITIONS
NIGHT = ("clear-night", "mostly-clear-night", "partly-cloudy-night")
OTHER = ("football", "moon")
ICON_NAMES: tuple[str, ...] = (*sorted(SYMBOLS), *WEATHER, *NIGHT, *OTHER)


@cache
def icon(name: str, large: bool = True) -> Sprite:
    """The icon ``name`` (weather icons 16×16 when ``large``, else 11×11; symbols 9 wide);
    an unknown name is a KeyError (the app format refuses unknown names before drawing)."""
    if name in SYMBOLS:
        return sprites.from_table(SYMBOLS[name], KEY)
    size: sprites.IconSize = "large" if large else "small"
    if name in WEATHER:
        return sprites.weather_icon(name, True, size)
    if name in NIGHT:
        return sprites.weather_icon(name.removesuffix("-night"), False, size)
    if name == "football":
        return sprites.football()
    if name == "moon":
        return sprites.moon_phase(200.0, 14 if large else 9)
    raise KeyError(name)
