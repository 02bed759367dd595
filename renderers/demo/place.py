"""The demo moved to a profile's place: its units, timezone, sun times and football league.

The shipped demo values are a Sunday afternoon in Boston in imperial units. :func:`localized`
moves them to another place: every time in them keeps its Boston wall-clock time in the new
timezone (13:40 stays 13:40, so the demo's live games are still live), temperatures and wind
speeds are converted to metric when the place uses it, the sunrise and sunset are the place's
own (astral), and the soccer demo follows the place's league: the Premier League as shipped,
the Bundesliga with its clubs, or none for a league the demo has no clubs for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import sunrise, sunset

from dashcli.core.envelope import Update

SHIPPED_TIMEZONE = ZoneInfo("America/New_York")
SHIPPED_LEAGUE = "eng.1"
SHIPPED_AT = (42.36, -71.06)
NEARBY_DEGREES = 0.5  # a place this close to Boston keeps the shipped sun times
# An ISO 8601 time with an offset, as the demo values write them.
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?[+-]\d{2}:\d{2}$")
# Bundesliga clubs for the soccer demo's teams, in the order they appear.
BUNDESLIGA = (
    ("FCB", "Bayern Munich", "#dc052d", "#0066b2"),
    ("BVB", "Borussia Dortmund", "#fde100", "#000000"),
    ("B04", "Bayer Leverkusen", "#e32221", "#000000"),
    ("RBL", "RB Leipzig", "#dd0741", "#001f47"),
)
# Timezones whose football is the Bundesliga (the demo has clubs for no other league).
BUNDESLIGA_ZONES = frozenset({"Europe/Berlin", "Europe/Vienna", "Europe/Zurich",
                              "Europe/Busingen"})


@dataclass(frozen=True)
class Place:
    """Where the demo is shown: the profile's timezone, coordinates, units and league."""

    timezone: str
    latitude: float
    longitude: float
    metric: bool
    league: str | None = None  # the profile's soccer league; None: the timezone's

    def shipped(self) -> bool:
        """True for the place the demo was made for (Boston, imperial, Premier League)."""
        return (self.timezone == SHIPPED_TIMEZONE.key and not self.metric
                and abs(self.latitude - SHIPPED_AT[0]) < NEARBY_DEGREES
                and abs(self.longitude - SHIPPED_AT[1]) < NEARBY_DEGREES
                and self.soccer_league() == SHIPPED_LEAGUE)

    def soccer_league(self) -> str:
        if self.league is not None:
            return self.league
        return "ger.1" if self.timezone in BUNDESLIGA_ZONES else SHIPPED_LEAGUE


def moved(moment: datetime, timezone: str) -> datetime:
    """``moment``'s Boston wall-clock time in ``timezone``."""
    wall = moment.astimezone(SHIPPED_TIMEZONE).replace(tzinfo=None)
    return wall.replace(tzinfo=ZoneInfo(timezone))


def _retimed(value: Any, timezone: str) -> Any:
    if isinstance(value, dict):
        return {key: _retimed(item, timezone) for key, item in value.items()}
    if isinstance(value, list):
        return [_retimed(item, timezone) for item in value]
    if isinstance(value, str) and _TIME.match(value):
        return moved(datetime.fromisoformat(value), timezone).isoformat(timespec="minutes")
    return value


def _celsius(value: float | None) -> float | None:
    return None if value is None else round((value - 32) * 5 / 9, 1)


def _kmh(value: float | None) -> float | None:
    return None if value is None else round(value * 1.609344, 1)


def _metric_weather(values: dict[str, Any]) -> None:
    values["units"] = {"temperature": "°C", "wind": "km/h"}
    current = values["current"]
    for key in ("temperature", "feels_like"):
        current[key] = _celsius(current.get(key))
    for key in ("wind_speed", "wind_gusts"):
        current[key] = _kmh(current.get(key))
    for hour in values["hourly"]:
        hour["temperature"] = _celsius(hour["temperature"])
    for day in values["daily"]:
        day["high"], day["low"] = _celsius(day["high"]), _celsius(day["low"])


def _sun(place: Place, day: date) -> tuple[str | None, str | None]:
    """The place's sunrise and sunset on ``day`` (None each in polar day or night)."""
    observer = Observer(place.latitude, place.longitude)
    zone = ZoneInfo(place.timezone)
    times: list[str | None] = []
    for event in (sunrise, sunset):
        try:
            times.append(event(observer, day, tzinfo=zone).isoformat(timespec="minutes"))
        except ValueError:
            times.append(None)
    return times[0], times[1]


def _sun_times(kind: str, values: dict[str, Any], place: Place) -> None:
    if kind == "weather":
        for day in values["daily"]:
            day["sunrise"], day["sunset"] = _sun(place, date.fromisoformat(day["date"]))
        if values["daily"]:
            values["sunrise"] = values["daily"][0]["sunrise"]
            values["sunset"] = values["daily"][0]["sunset"]
    elif kind == "moon":
        for key in ("today", "tomorrow"):
            day = values[key]
            day["sunrise"], day["sunset"] = _sun(place, date.fromisoformat(day["date"]))


def _bundesliga(values: dict[str, Any]) -> None:
    values["league"] = "ger.1"
    clubs = iter(BUNDESLIGA)
    for game in values["games"]:
        for side in ("away", "home"):
            abbreviation, name, color, alt_color = next(clubs)
            game[side].update(abbreviation=abbreviation, name=name, color=color,
                              alt_color=alt_color)
        game["favorite"] = False


def localized(state: dict[str, Update], place: Place) -> dict[str, Update]:
    """The demo ``state`` moved to ``place`` (see the module docstring)."""
    if place.shipped():
        return state
    result = {}
    for kind, update in state.items():
        values = _retimed(update.values, place.timezone)
        if kind == "soccer":
            league = place.soccer_league()
            if league == "ger.1":
                _bundesliga(values)
            elif league != SHIPPED_LEAGUE:
                continue
        if kind == "weather" and place.metric:
            _metric_weather(values)
        if kind == "clock":
            values["timezone"] = place.timezone
        _sun_times(kind, values, place)
        result[kind] = replace(update, updated=moved(update.updated, place.timezone),
                               valid=moved(update.valid, place.timezone), values=values)
    return result


def demo_moment(timezone: str, now: datetime) -> datetime:
    """The demo's moment ``now`` at the same wall-clock time in ``timezone``."""
    return moved(now, timezone)


__all__ = ["Place", "demo_moment", "localized"]
