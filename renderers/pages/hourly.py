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
from dashcli.renderers.fonts import Font
from dashcli.renderers.format import degrees, number, percent, whole
from dashcli.renderers.sprites import weather_icon
from dashcli.renderers.text import draw_text, fit_all

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
            compact: bool, temperature: tuple[Font, str, colors.Color],
            rain: tuple[Font, str] | None) -> None:
    time_y, icon_y, temp_y, rain_y = rows
    local = canvas.local(str(hour["time"]))
    label = canvas.time(local, "hour-short" if compact else "hour")
    draw_text(canvas.image, canvas.fonts.small, label, (centre, time_y), colors.SECONDARY,
              align="center")
    icon = weather_icon(str(hour["condition"]), bool(hour["is_day"]), "small")
    icon.draw(canvas.image, (centre - icon.width // 2, icon_y))
    font, text, color = temperature
    # the degree sign hangs right: the number itself is centred
    shift = 1 if text.endswith("°") else 0
    draw_text(canvas.image, font, text, (centre + shift, temp_y), color, align="center")
    if rain is not None:  # blue reads as "chance of rain"
        draw_text(canvas.image, rain[0], rain[1], (centre, rain_y), colors.RAIN, align="center")


def _columns(canvas: Canvas, hours: list[HourlyWeather], units: str, width: int,
             rows: tuple[int, int, int, int], left: int) -> None:
    """One column per hour, ``width`` pixels each; every temperature (and every rain chance)
    is written alike, the first form that leaves a dark column between neighbours: ``"68°"``,
    ``"104"``, then the small font."""
    fonts, compact = canvas.fonts, canvas.compact
    values = [number(hour["temperature"]) for hour in hours]
    temps = [degrees(value, "") for value in values]
    with_sign = [degrees(value, "°") for value in values]
    options = [(fonts.body, temps), (fonts.small, temps)]
    if not compact:  # 64×32 columns are too narrow for the degree sign between numbers
        options.insert(0, (fonts.body, with_sign))
    temp_font, temp_texts = fit_all(options, width - 1)
    chances = [hour["precipitation_probability"] for hour in hours]
    wet = [chance for chance in chances if chance is not None and number(chance) >= 10]
    rain_options = [(fonts.small, [percent(chance) for chance in wet]),
                    (fonts.small, [str(whole(chance)) for chance in wet])]
    rain_font, rain_texts = fit_all(rain_options[1:] if compact else rain_options, width - 1)
    rain_by_hour = iter(rain_texts)
    for index, hour in enumerate(hours):
        centre = left + index * width + width // 2
        color = colors.temperature_color(values[index], units)
        chance = chances[index]
        rain = None
        if chance is not None and number(chance) >= 10:
            rain = (rain_font, next(rain_by_hour))
        _column(canvas, hour, centre, rows, compact, (temp_font, temp_texts[index], color), rain)


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
        fonts, text = canvas.fonts, "no hourly data"
        font, _ = fit_all([(fonts.body, [text]), (fonts.small, [text])], canvas.width - 2)
        draw_text(canvas.image, font, text, (canvas.width // 2, canvas.height // 2 - 4),
                  colors.SECONDARY, align="center")
        return
    if canvas.compact:
        rows = (COMPACT_TIME_Y, COMPACT_ICON_Y, COMPACT_TEMP_Y, COMPACT_RAIN_Y)
        _columns(canvas, hours[::STEP][:COMPACT_COLUMNS], units, COMPACT_COLUMN_WIDTH, rows, 0)
        return
    shown = hours[::STEP][:COLUMNS]
    _columns(canvas, shown, units, COLUMN_WIDTH, (TIME_Y, ICON_Y, TEMP_Y, RAIN_Y), 1)
    _chart(canvas, hours[: len(shown) * STEP], canvas.width)
