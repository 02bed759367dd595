"""The hourly page: the next hours (time, icon, temperature, rain chance) and a temperature curve.

Reads ``weather.hourly`` (:class:`dashcli.core.values.HourlyWeather`), from the hour containing
``now`` on, every :data:`STEP` hours, labelled ``13:00`` (``13`` on 64×32) or, 12-hour, ``1PM``
(``1P``). Under the columns (128×64) a line traces the temperature hour by hour across the same
span, over blue bars of the precipitation probability.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from PIL import ImageDraw

from dashcli.core.values import HourlyWeather, WeatherValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.format import degrees, number, percent, whole
from dashcli.renderers.sprites import weather_icon
from dashcli.renderers.text import draw_text

STEP = 2  # hours between columns
# 128×64
COLUMNS = 6
COLUMN_WIDTH = 20  # the last time label ends before the stale marker's corner
TIME_Y = 1
ICON_Y = 8
TEMP_Y = 21
RAIN_Y = 30
CURVE_TOP = 38
CURVE_BOTTOM = 53
BARS_BOTTOM = 63
BARS_HEIGHT = 8
# 64×32
COMPACT_COLUMNS = 4
COMPACT_COLUMN_WIDTH = 15
COMPACT_TIME_Y = 0
COMPACT_ICON_Y = 6
COMPACT_TEMP_Y = 18
COMPACT_RAIN_Y = 27

CURVE_COLOR = colors.AMBER
BAR_COLOR = colors.scale(colors.RAIN, 0.55)


def upcoming(canvas: Canvas, hours: list[HourlyWeather]) -> list[HourlyWeather]:
    """The entries from the hour containing ``now`` on."""
    start = canvas.now - timedelta(hours=1)
    return [hour for hour in hours if canvas.local(str(hour["time"])) > start]


def has_content(canvas: Canvas) -> bool:
    """False when no hour from now on is left in the data."""
    weather = cast(WeatherValues, canvas.values("weather"))
    return bool(upcoming(canvas, weather["hourly"]))


def _column(canvas: Canvas, hour: HourlyWeather, centre: int, rows: tuple[int, int, int, int],
            units: str, compact: bool) -> None:
    time_y, icon_y, temp_y, rain_y = rows
    fonts = canvas.fonts
    local = canvas.local(str(hour["time"]))
    label = canvas.time(local, "hour-short" if compact else "hour")
    draw_text(canvas.image, fonts.small, label, (centre, time_y), colors.SECONDARY, align="center")
    icon = weather_icon(str(hour["condition"]), bool(hour["is_day"]), "small")
    icon.draw(canvas.image, (centre - icon.width // 2, icon_y))
    temperature = number(hour["temperature"])
    # 64×32 columns are too narrow for the degree sign between numbers
    text = degrees(temperature, "" if compact else "°")
    draw_text(canvas.image, fonts.body, text, (centre + (0 if compact else 1), temp_y),
              colors.temperature_color(temperature, units), align="center")
    chance = hour["precipitation_probability"]
    if chance is not None and number(chance) >= 10:
        text = str(whole(chance)) if compact else percent(chance)  # blue reads as "chance of rain"
        draw_text(canvas.image, fonts.small, text, (centre, rain_y), colors.RAIN, align="center")


def _chart(canvas: Canvas, hours: list[HourlyWeather], width: int) -> None:
    """Temperature line over precipitation bars, one x step per hour."""
    temperatures = [number(hour["temperature"]) for hour in hours]
    low, high = min(temperatures), max(temperatures)
    spread = max(high - low, 1.0)
    step = width / len(hours)
    draw = ImageDraw.Draw(canvas.image)
    for index, hour in enumerate(hours):
        chance = hour["precipitation_probability"]
        if chance is not None and number(chance) > 0:
            height = max(1, round(number(chance) / 100 * BARS_HEIGHT))
            left = round(index * step) + 1
            draw.rectangle((left, BARS_BOTTOM - height + 1, round((index + 1) * step) - 1,
                            BARS_BOTTOM), fill=BAR_COLOR)
    points = [
        (round((index + 0.5) * step),
         round(CURVE_BOTTOM - (value - low) / spread * (CURVE_BOTTOM - CURVE_TOP)))
        for index, value in enumerate(temperatures)
    ]
    if len(points) > 1:
        draw.line(points, fill=CURVE_COLOR, width=1)
    else:
        draw.point(points, fill=CURVE_COLOR)


def draw(canvas: Canvas) -> None:
    """Draw the next hours as columns, and the curve and bars under them (128×64)."""
    weather = cast(WeatherValues, canvas.values("weather"))
    units = str(weather["units"]["temperature"])
    hours = upcoming(canvas, weather["hourly"])
    if not hours:
        draw_text(canvas.image, canvas.fonts.body, "no hourly data", (canvas.width // 2,
                  canvas.height // 2 - 4), colors.SECONDARY, align="center")
        return
    if canvas.compact:
        rows = (COMPACT_TIME_Y, COMPACT_ICON_Y, COMPACT_TEMP_Y, COMPACT_RAIN_Y)
        for index, hour in enumerate(hours[::STEP][:COMPACT_COLUMNS]):
            centre = index * COMPACT_COLUMN_WIDTH + COMPACT_COLUMN_WIDTH // 2
            _column(canvas, hour, centre, rows, units, compact=True)
        return
    shown = hours[::STEP][:COLUMNS]
    for index, hour in enumerate(shown):
        centre = index * COLUMN_WIDTH + COLUMN_WIDTH // 2 + 1
        _column(canvas, hour, centre, (TIME_Y, ICON_Y, TEMP_Y, RAIN_Y), units, compact=False)
    _chart(canvas, hours[: len(shown) * STEP], canvas.width)
