"""Small formatting helpers pages share: temperatures, percentages, compass points, ages, times.

Values arrive as JSON numbers (or None for an absent optional field); these helpers turn them
into the short strings a 128×64 panel has room for, the same way on every page. Times of day go
through :func:`time_of_day` in the profile's 12- or 24-hour format, in the style the layout has
room for.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Literal

from dashcli.core.values import ClockFormat

# How much room a time of day gets; the 24-hour form is "13:40" in every style but the hour ones.
TimeStyle = Literal["full", "short", "bare", "hour", "hour-short"]

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


def clock_parts(moment: datetime, clock: ClockFormat) -> tuple[str, str]:
    """A time of day as its digits and its meridiem: ``("13:40", "")`` in 24-hour form,
    ``("1:40", "PM")`` in 12-hour form (no leading zero; midnight is ``12:00 AM``)."""
    if clock == "24h":
        return f"{moment.hour:02d}:{moment.minute:02d}", ""
    meridiem = "AM" if moment.hour < 12 else "PM"
    return f"{moment.hour % 12 or 12}:{moment.minute:02d}", meridiem


def time_of_day(moment: datetime, clock: ClockFormat, style: TimeStyle = "full") -> str:
    """A time of day the way every page writes it, in the room ``style`` names.

    24-hour: ``"13:40"``; the hour styles ``"13:00"`` and ``"13"``. 12-hour: ``full``
    ``"1:40 PM"``, ``short`` ``"1:40p"`` (the 3×5 font draws it as a capital), ``bare`` ``"1:40"``
    (the caller draws the meridiem itself), ``hour`` ``"1PM"``, ``hour-short`` ``"1P"``.
    """
    if style in ("hour", "hour-short"):
        if clock == "24h":
            return f"{moment.hour:02d}:00" if style == "hour" else f"{moment.hour:02d}"
        hour = moment.hour % 12 or 12
        meridiem = "AM" if moment.hour < 12 else "PM"
        return f"{hour}{meridiem if style == 'hour' else meridiem[0]}"
    digits, meridiem = clock_parts(moment, clock)
    if not meridiem or style == "bare":
        return digits
    if style == "short":
        return digits + meridiem[0].lower()
    return f"{digits} {meridiem}"
