"""Open-Meteo (no key): the ``weather`` forecast and ``air`` quality providers.

weather — ``GET {base}/v1/forecast`` with ``current``, ``hourly`` and ``daily`` blocks in the
profile's units and timezone. ``values`` (:class:`dashcli.core.values.WeatherValues`):

- ``current``: temperature, feels-like, humidity, wind speed/direction/gusts, WMO ``code`` with its
  ``condition`` group and ``description``, ``is_day``. Variables missing from ``current`` are taken
  from the hourly block at the current hour (some deployments only return ``is_day`` there); the
  legacy ``current_weather`` block is accepted too.
- ``hourly``: up to 24 entries from the current hour; ``daily``: up to 7 days with weekday, high,
  low and precipitation probability; today's sunrise and sunset.

Open-Meteo refreshes current conditions every 15 minutes, so the data is valid for 30 minutes.

air — ``GET {base}/v1/air-quality`` (``air-quality-api.open-meteo.com``): current pollutant
concentrations (or the hourly ones at the fetch time), from which :mod:`dashcli.sources.aqi`
computes the
US EPA AQI (:class:`dashcli.core.values.AirValues`). The model steps hourly: valid for an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from dashcli.sources import aqi
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.conditions import from_wmo
from dashcli.sources.errors import DataError
from dashcli.sources.http import get
from dashcli.sources.validate import Node, parse_json

PROVIDER = "open-meteo"
FORECAST_URL = "https://api.open-meteo.com"
AIR_URL = "https://air-quality-api.open-meteo.com"
WEATHER_VALID_FOR = timedelta(minutes=30)
AIR_VALID_FOR = timedelta(hours=1)

CURRENT_VARS = (
    "temperature_2m,apparent_temperature,relative_humidity_2m,wind_speed_10m,"
    "wind_direction_10m,wind_gusts_10m,weather_code,is_day"
)
HOURLY_VARS = "temperature_2m,weather_code,precipitation_probability,is_day"
DAILY_VARS = (
    "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max,"
    "sunrise,sunset"
)
AIR_VARS = "pm2_5,pm10,ozone,nitrogen_dioxide,sulphur_dioxide,carbon_monoxide"
# Open-Meteo names -> the AQI module's pollutant keys
AIR_KEYS = {
    "pm2_5": "pm2_5",
    "pm10": "pm10",
    "ozone": "o3",
    "nitrogen_dioxide": "no2",
    "sulphur_dioxide": "so2",
    "carbon_monoxide": "co",
}


async def fetch_weather(ctx: FetchContext) -> Fetched:
    params: dict[str, str | int | float] = {
        "latitude": ctx.profile.location.latitude,
        "longitude": ctx.profile.location.longitude,
        "timezone": ctx.profile.location.timezone,
        "current": CURRENT_VARS,
        "hourly": HOURLY_VARS,
        "daily": DAILY_VARS,
        "forecast_days": 7,
        "temperature_unit": "fahrenheit" if ctx.imperial else "celsius",
        "wind_speed_unit": "mph" if ctx.imperial else "kmh",
    }
    url = f"{ctx.base_url(FORECAST_URL)}/v1/forecast"
    response = await get(ctx.client, PROVIDER, url, params=params, retry=ctx.retry)
    values = parse_weather(parse_json(response.content, PROVIDER), ctx.imperial)
    return Fetched(values, ctx.now + WEATHER_VALID_FOR, PROVIDER, response.content)


async def fetch_air(ctx: FetchContext) -> Fetched:
    params: dict[str, str | int | float] = {
        "latitude": ctx.profile.location.latitude,
        "longitude": ctx.profile.location.longitude,
        "timezone": ctx.profile.location.timezone,
        "current": AIR_VARS,
        "hourly": AIR_VARS,
        "forecast_days": 1,
    }
    url = f"{ctx.base_url(AIR_URL)}/v1/air-quality"
    response = await get(ctx.client, PROVIDER, url, params=params, retry=ctx.retry)
    values = parse_air(parse_json(response.content, PROVIDER), ctx.now)
    return Fetched(values, ctx.now + AIR_VALID_FOR, PROVIDER, response.content)


def response_tz(root: Node) -> tzinfo:
    """The zone Open-Meteo's local times are in: its ``timezone``, else its UTC offset."""
    name = root.opt_str("timezone")
    if name:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):
            pass
    from datetime import timezone

    offset = root.opt_number("utc_offset_seconds") or 0.0
    if abs(offset) >= 86400:
        raise DataError(f"{root.path}.utc_offset_seconds", "offset of a day or more")
    return timezone(timedelta(seconds=offset))


def read_time(node: Node, tz: tzinfo) -> datetime:
    """Open-Meteo times: local ISO strings without offset, or unix seconds (timeformat=unixtime)."""
    if isinstance(node.value, int | float) and not isinstance(node.value, bool):
        seconds = node.number()
        if not 0 <= seconds < 2**33:
            raise DataError(node.path, "unix time out of range")
        return datetime.fromtimestamp(seconds, tz)
    return node.time(tz)


class _Series:
    """An hourly/daily block: parallel arrays indexed by ``time``; ``at`` reads one variable."""

    def __init__(self, block: Node, tz: tzinfo) -> None:
        self.block = block
        self.times = [read_time(item, tz) for item in block["time"]]
        self._columns: dict[str, list[Node]] = {}

    def column(self, name: str) -> list[Node] | None:
        if name not in self._columns:
            node = self.block.get(name)
            if node is None:
                return None
            items = node.items()
            if len(items) != len(self.times):
                raise DataError(node.path, f"has {len(items)} items, time has {len(self.times)}")
            self._columns[name] = items
        return self._columns[name]

    def at(self, name: str, index: int) -> Node | None:
        column = self.column(name)
        if column is None or column[index].value is None:
            return None
        return column[index]

    def need(self, name: str, index: int) -> Node:
        node = self.at(name, index)
        if node is None:
            raise DataError(f"{self.block.path}.{name}[{index}]", "required value is missing")
        return node


def _hour_index(series: _Series, moment: datetime) -> int:
    """The index of the hour containing ``moment`` (0 if the series starts later)."""
    index = 0
    for position, start in enumerate(series.times):
        if start <= moment:
            index = position
    return index


def _current(root: Node, tz: tzinfo, hourly: _Series | None) -> dict[str, Any]:
    block = root.get("current")
    legacy = root.get("current_weather")
    if block is None and legacy is None:
        raise DataError(f"{root.path}.current", "required field is missing")
    source = block if block is not None else legacy
    assert source is not None
    time = read_time(source["time"], tz)
    index = _hour_index(hourly, time) if hourly else None

    def pick(*names: str, hourly_name: str | None = None) -> Node | None:
        for name in names:
            node = source.get(name)
            if node is not None:
                return node
        if hourly is not None and index is not None and hourly_name:
            return hourly.at(hourly_name, index)
        return None

    def number(*names: str, hourly_name: str | None = None) -> float | None:
        node = pick(*names, hourly_name=hourly_name)
        return node.number() if node is not None else None

    temperature = pick("temperature_2m", "temperature", hourly_name="temperature_2m")
    if temperature is None:
        raise DataError(f"{source.path}.temperature_2m", "required field is missing")
    code_node = pick("weather_code", "weathercode", hourly_name="weather_code")
    if code_node is None:
        raise DataError(f"{source.path}.weather_code", "required field is missing")
    code = code_node.integer()
    day_node = pick("is_day", hourly_name="is_day")
    condition, description = from_wmo(code)
    return {
        "time": time.isoformat(timespec="minutes"),
        "temperature": temperature.number(),
        "feels_like": number("apparent_temperature", hourly_name="apparent_temperature"),
        "humidity": number("relative_humidity_2m", hourly_name="relative_humidity_2m"),
        "wind_speed": number("wind_speed_10m", "windspeed", hourly_name="wind_speed_10m"),
        "wind_direction": number("wind_direction_10m", "winddirection"),
        "wind_gusts": number("wind_gusts_10m", hourly_name="wind_gusts_10m"),
        "code": code,
        "condition": condition,
        "is_day": day_node.boolean() if day_node is not None else _daytime(time),
        "description": description,
    }


def _minutes(node: Node | None, tz: tzinfo) -> str | None:
    return read_time(node, tz).isoformat(timespec="minutes") if node is not None else None


def _daytime(moment: datetime) -> bool:
    return 6 <= moment.hour < 18


def parse_weather(root: Node, imperial: bool) -> dict[str, Any]:
    """Validate an Open-Meteo forecast and turn it into WeatherValues."""
    tz = response_tz(root)
    hourly_block = root.get("hourly")
    hourly = _Series(hourly_block, tz) if hourly_block is not None else None
    current = _current(root, tz, hourly)
    now = datetime.fromisoformat(current["time"])

    hours: list[dict[str, Any]] = []
    if hourly is not None:
        start = _hour_index(hourly, now)
        for index in range(start, min(start + 24, len(hourly.times))):
            temperature = hourly.at("temperature_2m", index)
            code = hourly.at("weather_code", index) or hourly.at("weathercode", index)
            if temperature is None or code is None:
                continue
            day = hourly.at("is_day", index)
            precipitation = hourly.at("precipitation_probability", index)
            hours.append({
                "time": hourly.times[index].isoformat(timespec="minutes"),
                "temperature": temperature.number(),
                "condition": from_wmo(code.integer())[0],
                "is_day": day.boolean() if day is not None else _daytime(hourly.times[index]),
                "precipitation_probability": precipitation.number() if precipitation else None,
            })

    days: list[dict[str, Any]] = []
    daily_block = root.get("daily")
    if daily_block is not None:
        daily = _Series(daily_block, tz)
        today = now.date()
        for index, day_start in enumerate(daily.times):
            if day_start.date() < today or len(days) == 7:
                continue
            code = daily.at("weather_code", index) or daily.at("weathercode", index)
            sunrise = daily.at("sunrise", index)
            sunset = daily.at("sunset", index)
            precipitation = daily.at("precipitation_probability_max", index)
            days.append({
                "date": day_start.date().isoformat(),
                "weekday": day_start.strftime("%a"),
                "condition": from_wmo(code.integer())[0] if code is not None else None,
                "high": daily.need("temperature_2m_max", index).number(),
                "low": daily.need("temperature_2m_min", index).number(),
                "precipitation_probability": precipitation.number() if precipitation else None,
                "sunrise": _minutes(sunrise, tz),
                "sunset": _minutes(sunset, tz),
            })

    return {
        "units": {"temperature": "°F" if imperial else "°C", "wind": "mph" if imperial else "km/h"},
        "current": current,
        "hourly": hours,
        "daily": days,
        "sunrise": days[0]["sunrise"] if days else None,
        "sunset": days[0]["sunset"] if days else None,
    }


def parse_air(root: Node, now: datetime) -> dict[str, Any]:
    """Validate an Open-Meteo air-quality answer and compute the EPA AQI from ``current``.

    Without a ``current`` block the hourly value at ``now`` is used (older deployments and
    recordings only have hourly data).
    """
    tz = response_tz(root)
    concentrations: dict[str, float] = {}
    block = root.get("current")
    if block is not None:
        time = read_time(block["time"], tz)
        for name, key in AIR_KEYS.items():
            value = block.opt_number(name)
            if value is not None:
                concentrations[key] = value
        where = block.path
    else:
        hourly = _Series(root["hourly"], tz)
        if not hourly.times:
            raise DataError(f"{hourly.block.path}.time", "no hours")
        index = _hour_index(hourly, now.astimezone(tz))
        time = hourly.times[index]
        for name, key in AIR_KEYS.items():
            node = hourly.at(name, index)
            if node is not None:
                concentrations[key] = node.number()
        where = hourly.block.path
    return aqi.air_values(concentrations, time, where)
