"""Weather condition codes of every provider mapped onto one small vocabulary of groups.

Pages draw one sprite per group (``clear`` and ``partly-cloudy`` also by day or night), so the
mapping from WMO codes (Open-Meteo) and OpenWeatherMap ids lives here, once.
"""

from __future__ import annotations

from dashcli.core.values import Condition

# WMO weather interpretation codes (Open-Meteo docs): code -> (group, description)
WMO: dict[int, tuple[Condition, str]] = {
    0: ("clear", "Clear sky"),
    1: ("mostly-clear", "Mainly clear"),
    2: ("partly-cloudy", "Partly cloudy"),
    3: ("cloudy", "Overcast"),
    45: ("fog", "Fog"),
    48: ("fog", "Rime fog"),
    51: ("drizzle", "Light drizzle"),
    53: ("drizzle", "Drizzle"),
    55: ("drizzle", "Dense drizzle"),
    56: ("freezing-rain", "Freezing drizzle"),
    57: ("freezing-rain", "Dense freezing drizzle"),
    61: ("rain", "Light rain"),
    63: ("rain", "Rain"),
    65: ("rain", "Heavy rain"),
    66: ("freezing-rain", "Freezing rain"),
    67: ("freezing-rain", "Heavy freezing rain"),
    71: ("snow", "Light snow"),
    73: ("snow", "Snow"),
    75: ("snow", "Heavy snow"),
    77: ("snow", "Snow grains"),
    80: ("rain", "Rain showers"),
    81: ("rain", "Heavy showers"),
    82: ("rain", "Violent showers"),
    85: ("snow", "Snow showers"),
    86: ("snow", "Heavy snow showers"),
    95: ("thunderstorm", "Thunderstorm"),
    96: ("thunderstorm", "Thunderstorm, hail"),
    99: ("thunderstorm", "Severe thunderstorm"),
}


def from_wmo(code: int) -> tuple[Condition, str]:
    """Group and description of a WMO code; an unknown code reads as cloudy, not as an error."""
    return WMO.get(code, ("cloudy", f"Code {code}"))


def from_owm(code: int) -> Condition:
    """Group of an OpenWeatherMap condition id (2xx thunder ... 804 overcast)."""
    family = code // 100
    if family == 2:
        return "thunderstorm"
    if family == 3:
        return "drizzle"
    if family == 5:
        return "freezing-rain" if code == 511 else "rain"
    if family == 6:
        return "freezing-rain" if code in (611, 612, 613, 615, 616) else "snow"
    if family == 7:
        return "fog"
    clouds: dict[int, Condition] = {800: "clear", 801: "mostly-clear", 802: "partly-cloudy"}
    return clouds.get(code, "cloudy")
