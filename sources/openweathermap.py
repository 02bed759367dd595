"""OpenWeatherMap (API key ``owm_api_key``): the ``weather`` and ``air`` providers.

weather — One Call 3.0, ``GET {base}/data/3.0/onecall`` in the profile's units, without the
``minutely`` and ``alerts`` blocks. ``values`` are the same
:class:`dashcli.core.values.WeatherValues`
Open-Meteo produces:

- ``current``: temperature, feels-like, humidity, wind speed/direction/gusts, the OWM condition
  ``code`` with its ``condition`` group (:func:`dashcli.sources.conditions.from_owm`) and its
  description
  capitalised, ``is_day`` from the icon's ``d``/``n`` suffix (else from sunrise and sunset).
- ``hourly``: up to 24 entries from the current hour; ``daily``: up to 7 days from today with
  weekday, high, low and precipitation probability (OWM's ``pop`` 0..1 as a percent); today's
  sunrise and sunset.

OWM sends unix times; every time is written in the profile's timezone. Metric wind speeds come in
m/s and are converted to km/h, the unit the values contract uses. OWM refreshes current data
about every 10 minutes: valid for 30 minutes, like Open-Meteo.

air — ``GET {base}/data/2.5/air_pollution``: component concentrations in µg/m³ (pm2_5, pm10, o3,
no2, so2, co), from which :mod:`dashcli.sources.aqi` computes the US EPA AQI (OWM's own 1-5 index is
not the EPA's). Hourly data: valid for an hour.

The key travels in the ``appid`` query parameter; errors print URLs without their query
(:func:`dashcli.core.redact.redact_url`), so the key never reaches output.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from dashcli.sources import aqi
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.conditions import from_owm
from dashcli.sources.errors import DataError
from dashcli.sources.http import get
from dashcli.sources.open_meteo import read_time
from dashcli.sources.validate import Node, parse_json

PROVIDER = "openweathermap"
BASE_URL = "https://api.openweathermap.org"
KEY = "owm_api_key"
WEATHER_VALID_FOR = timedelta(minutes=30)
AIR_VALID_FOR = timedelta(hours=1)
MS_TO_KMH = 3.6
AIR_KEYS = ("pm2_5", "pm10", "o3", "no2", "so2", "co")


async def fetch_weather(ctx: FetchContext) -> Fetched:
    """Fetch One Call 3.0 for the profile's location and turn it into WeatherValues."""
    params: dict[str, str | int | float] = {
        "lat": ctx.profile.location.latitude,
        "lon": ctx.profile.location.longitude,
        "units": "imperial" if ctx.imperial else "metric",
        "exclude": "minutely,alerts",
        "appid": ctx.secret(KEY),
    }
    url = f"{ctx.base_url(BASE_URL)}/data/3.0/onecall"
    response = await get(ctx.client, PROVIDER, url, params=params, retry=ctx.retry)
    values = parse_weather(parse_json(response.content, PROVIDER), ctx.tz, ctx.imperial)
    return Fetched(values, ctx.now + WEATHER_VALID_FOR, PROVIDER, response.content)


async def fetch_air(ctx: FetchContext) -> Fetched:
    """Fetch the current air pollution components and compute the EPA AQI from them."""
    params: dict[str, str | int | float] = {
        "lat": ctx.profile.location.latitude,
        "lon": ctx.profile.location.longitude,
        "appid": ctx.secret(KEY),
    }
    url = f"{ctx.base_url(BASE_URL)}/data/2.5/air_pollution"
    response = await get(ctx.client, PROVIDER, url, params=params, retry=ctx.retry)
    values = parse_air(parse_json(response.content, PROVIDER), ctx.now, ctx.tz)
    return Fetched(values, ctx.now + AIR_VALID_FOR, PROVIDER, response.content)


def _optional_time(parent: Node, key: str, tz: tzinfo) -> datetime | None:
    """A unix time that may be absent; OWM writes 0 for "does not happen" (polar day/night)."""
    node = parent.get(key)
    if node is None or node.value == 0:
        return None
    return read_time(node, tz)


def _minutes(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="minutes") if moment is not None else None


def _is_day(
    weather: Node, moment: datetime, sunrise: datetime | None, sunset: datetime | None
) -> bool:
    """Day or night: the icon's suffix ("10d"), else sunrise/sunset, else 06:00-18:00."""
    icon = weather.opt_str("icon")
    if icon and icon[-1] in "dn":
        return icon[-1] == "d"
    if sunrise is not None and sunset is not None:
        return sunrise <= moment < sunset
    return 6 <= moment.hour < 18


def _description(weather: Node, code: int) -> str:
    text = weather.opt_str("description") or weather.opt_str("main") or f"Code {code}"
    return text[:1].upper() + text[1:]


def _percent(node: Node, key: str) -> float | None:
    """OWM's probability of precipitation (0..1) as a percent."""
    value = node.opt_number(key)
    return float(round(value * 100)) if value is not None else None


def parse_weather(root: Node, tz: tzinfo, imperial: bool) -> dict[str, Any]:
    """Validate a One Call 3.0 answer and turn it into WeatherValues in ``tz``."""

    def wind(node: Node, key: str) -> float | None:
        value = node.opt_number(key)
        if value is None or imperial:
            return value
        return round(value * MS_TO_KMH, 1)

    block = root["current"]
    now = read_time(block["dt"], tz)
    sunrise = _optional_time(block, "sunrise", tz)
    sunset = _optional_time(block, "sunset", tz)
    weather = block["weather"][0]
    code = weather["id"].integer()
    current = {
        "time": _minutes(now),
        "temperature": block["temp"].number(),
        "feels_like": block.opt_number("feels_like"),
        "humidity": block.opt_number("humidity"),
        "wind_speed": wind(block, "wind_speed"),
        "wind_direction": block.opt_number("wind_deg"),
        "wind_gusts": wind(block, "wind_gust"),
        "code": code,
        "condition": from_owm(code),
        "is_day": _is_day(weather, now, sunrise, sunset),
        "description": _description(weather, code),
    }

    days: list[dict[str, Any]] = []
    suns: dict[str, tuple[datetime | None, datetime | None]] = {}
    daily = root.get("daily")
    for entry in daily.items() if daily is not None else []:
        moment = read_time(entry["dt"], tz)
        if moment.date() < now.date() or len(days) == 7:
            continue
        temperatures = entry["temp"]
        day_weather = entry.get("weather")
        first = day_weather.get(0) if day_weather is not None else None
        rise = _optional_time(entry, "sunrise", tz)
        set_ = _optional_time(entry, "sunset", tz)
        suns[moment.date().isoformat()] = (rise, set_)
        days.append({
            "date": moment.date().isoformat(),
            "weekday": moment.strftime("%a"),
            "condition": from_owm(first["id"].integer()) if first is not None else None,
            "high": temperatures["max"].number(),
            "low": temperatures["min"].number(),
            "precipitation_probability": _percent(entry, "pop"),
            "sunrise": _minutes(rise),
            "sunset": _minutes(set_),
        })

    hours: list[dict[str, Any]] = []
    hourly = root.get("hourly")
    for entry in hourly.items() if hourly is not None else []:
        moment = read_time(entry["dt"], tz)
        # from the hour that contains "now"; in UTC, because arithmetic and comparison of two
        # times in one zone are wall-clock and would slip by an hour across a DST change
        if moment.astimezone(UTC) + timedelta(hours=1) <= now.astimezone(UTC) or len(hours) == 24:
            continue
        hour_weather = entry["weather"][0]
        rise, set_ = suns.get(moment.date().isoformat(), (None, None))
        hours.append({
            "time": _minutes(moment),
            "temperature": entry["temp"].number(),
            "condition": from_owm(hour_weather["id"].integer()),
            "is_day": _is_day(hour_weather, moment, rise, set_),
            "precipitation_probability": _percent(entry, "pop"),
        })

    if sunrise is None and sunset is None and days:
        sunrise, sunset = suns.get(days[0]["date"], (None, None))
    return {
        "units": {"temperature": "°F" if imperial else "°C", "wind": "mph" if imperial else "km/h"},
        "current": current,
        "hourly": hours,
        "daily": days,
        "sunrise": _minutes(sunrise),
        "sunset": _minutes(sunset),
    }


def parse_air(root: Node, now: datetime, tz: tzinfo) -> dict[str, Any]:
    """Validate an air_pollution answer and compute the EPA AQI.

    The current endpoint answers one entry; the forecast/history shape (several hourly entries)
    is read at the latest entry not after ``now``.
    """
    entries = root["list"].items()
    if not entries:
        raise DataError(f"{root.path}.list", "no entries")
    chosen = entries[0]
    for entry in entries:
        if read_time(entry["dt"], tz) <= now:
            chosen = entry
    components = chosen["components"]
    concentrations: dict[str, float] = {}
    for key in AIR_KEYS:
        value = components.opt_number(key)
        if value is not None:
            concentrations[key] = value
    return aqi.air_values(concentrations, read_time(chosen["dt"], tz), components.path)
