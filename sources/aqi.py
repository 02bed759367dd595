"""The US EPA Air Quality Index computed from pollutant concentrations (breakpoints of 2024).

Providers give concentrations in µg/m³. The EPA tables use µg/m³ for particles, ppm for ozone
and carbon monoxide and ppb for NO₂ and SO₂, so gases are converted at 25 °C and 1 atm. Each
pollutant's sub-index is interpolated in its breakpoint row after the EPA's truncation; the AQI is
the highest sub-index and its pollutant is the main pollutant. Providers give current (1-hour)
readings; they are looked up in the EPA's reporting tables (8-hour ozone and CO, 24-hour
particles), the usual approximation of a "now" AQI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashcli.sources.errors import DataError

MOLAR_VOLUME = 24.45  # litres per mole at 25 °C, 1 atm

# (concentration low, high, index low, high), in the EPA table's unit
Breakpoints = tuple[tuple[float, float, int, int], ...]

PM25: Breakpoints = (
    (0.0, 9.0, 0, 50), (9.1, 35.4, 51, 100), (35.5, 55.4, 101, 150),
    (55.5, 125.4, 151, 200), (125.5, 225.4, 201, 300), (225.5, 325.4, 301, 500),
)
PM10: Breakpoints = (
    (0, 54, 0, 50), (55, 154, 51, 100), (155, 254, 101, 150),
    (255, 354, 151, 200), (355, 424, 201, 300), (425, 604, 301, 500),
)
O3_PPM: Breakpoints = (
    (0.000, 0.054, 0, 50), (0.055, 0.070, 51, 100), (0.071, 0.085, 101, 150),
    (0.086, 0.105, 151, 200), (0.106, 0.200, 201, 300),
    # The 8-hour table ends at 0.200 ppm (AQI 300); above it the EPA uses the 1-hour table, whose
    # 0.205-0.404 row is still Very Unhealthy and whose 0.405-0.604 row is Hazardous. The larger
    # of both indices is 300 up to 0.404 ppm, so the index never drops when crossing 0.200.
    (0.201, 0.404, 300, 300), (0.405, 0.604, 301, 500),
)
NO2_PPB: Breakpoints = (
    (0, 53, 0, 50), (54, 100, 51, 100), (101, 360, 101, 150),
    (361, 649, 151, 200), (650, 1249, 201, 300), (1250, 2049, 301, 500),
)
SO2_PPB: Breakpoints = (
    (0, 35, 0, 50), (36, 75, 51, 100), (76, 185, 101, 150),
    (186, 304, 151, 200), (305, 604, 201, 300), (605, 1004, 301, 500),
)
CO_PPM: Breakpoints = (
    (0.0, 4.4, 0, 50), (4.5, 9.4, 51, 100), (9.5, 12.4, 101, 150),
    (12.5, 15.4, 151, 200), (15.5, 30.4, 201, 300), (30.5, 50.4, 301, 500),
)


@dataclass(frozen=True)
class Pollutant:
    key: str
    name: str
    table: Breakpoints
    decimals: int  # EPA truncation of the concentration before the lookup
    factor: float  # µg/m³ -> table unit


POLLUTANTS: tuple[Pollutant, ...] = (
    Pollutant("pm2_5", "PM2.5", PM25, 1, 1.0),
    Pollutant("pm10", "PM10", PM10, 0, 1.0),
    Pollutant("o3", "Ozone", O3_PPM, 3, MOLAR_VOLUME / 48.00 / 1000),
    Pollutant("no2", "NO2", NO2_PPB, 0, MOLAR_VOLUME / 46.01),
    Pollutant("so2", "SO2", SO2_PPB, 0, MOLAR_VOLUME / 64.07),
    Pollutant("co", "CO", CO_PPM, 1, MOLAR_VOLUME / 28.01 / 1000),
)

# Far above every table's last row: readings are capped here so the truncation stays finite.
CEILING = 1e6

# (highest AQI of the category, name, the EPA's colour)
CATEGORIES: tuple[tuple[int, str, str], ...] = (
    (50, "Good", "#00e400"),
    (100, "Moderate", "#ffff00"),
    (150, "Unhealthy for Sensitive Groups", "#ff7e00"),
    (200, "Unhealthy", "#ff0000"),
    (300, "Very Unhealthy", "#8f3f97"),
    (500, "Hazardous", "#7e0023"),
)


def _truncate(value: float, decimals: int) -> float:
    scale = 10**decimals
    truncated: float = math.floor(value * scale + 1e-9) / scale
    return truncated


def sub_index(pollutant: Pollutant, micrograms: float) -> int:
    """One pollutant's AQI; negative readings count as 0, readings past the table as 500."""
    converted = min(max(micrograms, 0.0) * pollutant.factor, CEILING)
    concentration = _truncate(converted, pollutant.decimals)
    for low, high, index_low, index_high in pollutant.table:
        if concentration <= high:
            clamped = max(concentration, low)
            index = (index_high - index_low) / (high - low) * (clamped - low) + index_low
            return math.floor(index + 0.5)
    return 500


def category(index: int) -> tuple[str, str]:
    """The EPA category name and colour of an AQI value."""
    for upper, name, color in CATEGORIES:
        if index <= upper:
            return name, color
    return CATEGORIES[-1][1], CATEGORIES[-1][2]


def air_values(concentrations: dict[str, float], time: datetime, where: str) -> dict[str, Any]:
    """AirValues from concentrations in µg/m³ keyed pm2_5, pm10, o3, no2, so2, co.

    Without PM2.5, PM10 or ozone (the pollutants that drive the index almost everywhere) an AQI
    from the gases alone would look falsely good, so that is a DataError naming ``where``.
    """
    if not any(key in concentrations for key in ("pm2_5", "pm10", "o3")):
        raise DataError(where, "no PM2.5, PM10 or ozone concentration")
    best: tuple[int, Pollutant] | None = None
    for pollutant in POLLUTANTS:
        if pollutant.key in concentrations:
            index = sub_index(pollutant, concentrations[pollutant.key])
            if best is None or index > best[0]:
                best = (index, pollutant)
    assert best is not None
    index, main = best
    name, color = category(index)
    return {
        "time": time.isoformat(timespec="minutes"),
        "aqi": index,
        "category": name,
        "color": color,
        "pollutant": main.key,
        "pollutant_name": main.name,
        "concentrations": {key: round(value, 2) for key, value in concentrations.items()},
    }
