"""Small formatting helpers pages share: temperatures, percentages, compass points, ages.

Values arrive as JSON numbers (or None for an absent optional field); these helpers turn them
into the short strings a 128×64 panel has room for, the same way on every page.
"""

from __future__ import annotations

import math
from datetime import timedelta

COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
MISSING = "--"


def number(value: object) -> float:
    """A JSON number as float; anything else (bool, text, None) is a TypeError (unreadable)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise TypeError(f"not a number: {value!r:.40}")
    return float(value)


def whole(value: object) -> int:
    """A number rounded half away from zero (so 0.5° reads 1°, -0.5° reads -1°)."""
    amount = number(value)
    return int(math.copysign(math.floor(abs(amount) + 0.5), amount))


def degrees(value: object, suffix: str = "°") -> str:
    """A temperature as ``"68°"``; None as ``"--"``."""
    return MISSING if value is None else f"{whole(value)}{suffix}"


def percent(value: object) -> str:
    """A percentage as ``"58%"``; None as ``"--"``."""
    return MISSING if value is None else f"{whole(value)}%"


def compass(direction: object) -> str:
    """A wind direction in degrees as one of eight compass points; None as empty."""
    if direction is None:
        return ""
    return COMPASS[int((number(direction) % 360 + 22.5) // 45) % 8]


def age(span: timedelta) -> str:
    """How long ago, as ``"now"``, ``"5m"``, ``"3h"``, ``"2d"`` (a negative span reads "now")."""
    seconds = max(span.total_seconds(), 0)
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def duration(span: timedelta) -> str:
    """A duration as ``"11h 53m"`` (for day length)."""
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"
