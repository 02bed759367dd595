"""The weather page: current conditions (icon, temperature, feels-like, wind, humidity) and the AQI.

Reads ``weather`` (:class:`dashcli.core.values.WeatherValues`) and, when present, ``air``
(:class:`dashcli.core.values.AirValues`): the AQI is drawn in its EPA category colour (lifted
when too dark for LEDs). The bottom line gives today's high/low and the next sunrise or sunset
(after sunset, the next day's sunrise).
"""

from __future__ import annotations

from typing import cast

from dashcli.core.values import AirValues, WeatherValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.format import MISSING, compass, degrees, percent, whole
from dashcli.renderers.sprites import enlarged, weather_icon
from dashcli.renderers.text import draw_runs, draw_text, fit_all

# 128×64
ICON_XY = (1, 1)
ICON_SCALE = 2
TEXT_X = 38
TEMP_Y = 3
FEELS_RIGHT = 122
DESCRIPTION_Y = 21
ROW_LABEL_X = 2
ROW_VALUE_X = 24
WIND_Y = 37
HUMIDITY_LABEL_X = 84
HUMIDITY_VALUE_X = 100
AQI_Y = 46
SUN_Y = 57
# 64×32
COMPACT_ICON_XY = (0, 1)
COMPACT_TEMP_XY = (18, 1)
COMPACT_AQI_RIGHT = 63
COMPACT_DESCRIPTION_Y = 19
COMPACT_DETAIL_Y = 26

AQI_MINIMUM_BRIGHTNESS = 170
# Long EPA category names shortened to fit the AQI line.
AQI_SHORT = {"Unhealthy for Sensitive Groups": "Unhealthy SG", "Very Unhealthy": "Very unhealthy"}


def _aqi(air: AirValues) -> tuple[str, str, colors.Color]:
    category = str(air["category"])
    # The EPA's maroon (Hazardous) is too dark on LEDs: lift it further than team colours.
    color = colors.readable(colors.parse_color(air["color"], colors.WHITE), AQI_MINIMUM_BRIGHTNESS)
    return str(whole(air["aqi"])), AQI_SHORT.get(category, category), color


def _wind(weather: WeatherValues, with_unit: bool) -> str:
    """Wind as ``"11 mph SW"`` (``"11 SW"`` without the unit), ``"calm"`` or ``"--"``."""
    current = weather["current"]
    speed = current["wind_speed"]
    if speed is None:
        return MISSING
    if whole(speed) == 0:
        return "calm"
    parts = [str(whole(speed)), weather["units"]["wind"] if with_unit else "",
             compass(current["wind_direction"])]
    return " ".join(part for part in parts if part)


def _sun_event(canvas: Canvas, weather: WeatherValues) -> tuple[str, str] | None:
    """The next sunrise or sunset, as (label, HH:MM): today's, or after sunset the next day's
    sunrise (from the daily forecast)."""
    moments = [(label, weather[key]) for label, key in  # type: ignore[literal-required]
               (("SUNRISE", "sunrise"), ("SUNSET", "sunset"))]
    moments += [("SUNRISE", day["sunrise"]) for day in weather["daily"]]
    for label, text in moments:
        if text is not None and canvas.local(str(text)) >= canvas.now:
            return label, canvas.hhmm(str(text))
    return None


def draw(canvas: Canvas) -> None:
    """Draw current conditions, wind, humidity, AQI, today's range and the next sun event."""
    weather = cast(WeatherValues, canvas.values("weather"))
    air = cast(AirValues | None, canvas.optional("air"))
    current = weather["current"]
    units = weather["units"]
    icon = weather_icon(str(current["condition"]), bool(current["is_day"]), "large")
    temperature = degrees(current["temperature"])
    temp_color = colors.temperature_color(whole(current["temperature"]), units["temperature"])
    fonts = canvas.fonts
    if canvas.compact:
        icon.draw(canvas.image, COMPACT_ICON_XY)
        room = canvas.width - COMPACT_TEMP_XY[0]
        if air is not None:
            number, _, color = _aqi(air)
            aqi_label = draw_text(canvas.image, fonts.small, "AQI", (COMPACT_AQI_RIGHT, 5),
                                  colors.SECONDARY, align="right")
            aqi_value = draw_text(canvas.image, fonts.body, number, (COMPACT_AQI_RIGHT, 11),
                                  color, align="right")
            room = min(aqi_label[0], aqi_value[0]) - COMPACT_TEMP_XY[0] - 1
        # "104°" in large digits reaches the AQI: without the sign, else in the body font
        bare = degrees(current["temperature"], "")
        font, (shown,) = fit_all([(fonts.large, [temperature]), (fonts.large, [bare]),
                                  (fonts.body, [temperature])], room - 1)
        draw_text(canvas.image, font, shown, COMPACT_TEMP_XY, temp_color)
        draw_text(canvas.image, fonts.small, str(current["description"]),
                  (1, COMPACT_DESCRIPTION_Y), colors.WHITE, max_width=canvas.width - 2)
        wind = draw_text(canvas.image, fonts.small, _wind(weather, False),
                         (canvas.width - 1, COMPACT_DETAIL_Y), colors.SECONDARY, align="right")
        feels = degrees(current["feels_like"])
        _, (detail,) = fit_all([(fonts.small, [f"FEELS {feels}"]), (fonts.small, [feels])],
                               wind[0] - 3)
        draw_text(canvas.image, fonts.small, detail, (1, COMPACT_DETAIL_Y), colors.SECONDARY)
        return
    enlarged(icon, ICON_SCALE).draw(canvas.image, ICON_XY)
    unit = units["temperature"].removeprefix("°")
    draw_runs(canvas.image,
              [(fonts.large, temperature, temp_color), (fonts.body, unit, temp_color)],
              (TEXT_X, TEMP_Y))
    draw_text(canvas.image, fonts.small, "FEELS", (FEELS_RIGHT, TEMP_Y + 2), colors.SECONDARY,
              align="right")
    draw_text(canvas.image, fonts.body, degrees(current["feels_like"]), (FEELS_RIGHT, TEMP_Y + 9),
              colors.WHITE, align="right")
    draw_text(canvas.image, fonts.body, str(current["description"]), (TEXT_X, DESCRIPTION_Y),
              colors.WHITE, max_width=canvas.width - TEXT_X - 1)

    label_offset = fonts.body.baseline - fonts.small.baseline
    draw_text(canvas.image, fonts.small, "WIND", (ROW_LABEL_X, WIND_Y + label_offset),
              colors.SECONDARY)
    draw_text(canvas.image, fonts.body, _wind(weather, True), (ROW_VALUE_X, WIND_Y), colors.WHITE,
              max_width=HUMIDITY_LABEL_X - ROW_VALUE_X - 3)
    draw_text(canvas.image, fonts.small, "HUM", (HUMIDITY_LABEL_X, WIND_Y + label_offset),
              colors.SECONDARY)
    draw_text(canvas.image, fonts.body, percent(current["humidity"]), (HUMIDITY_VALUE_X, WIND_Y),
              colors.WHITE)

    if air is not None:
        number, category, color = _aqi(air)
        draw_text(canvas.image, fonts.small, "AQI", (ROW_LABEL_X, AQI_Y + label_offset),
                  colors.SECONDARY)
        box = draw_text(canvas.image, fonts.body, number, (ROW_VALUE_X, AQI_Y), color)
        category_x = box[2] + 4
        pollutant = str(air["pollutant_name"])
        room = canvas.width - 2 - category_x
        # The main pollutant only when it fits beside the whole category name.
        if fonts.body.width(category) + 5 + fonts.small.width(pollutant) <= room:
            draw_text(canvas.image, fonts.small, pollutant,
                      (canvas.width - 2, AQI_Y + label_offset), colors.SECONDARY, align="right")
        draw_text(canvas.image, fonts.body, category, (category_x, AQI_Y), color, max_width=room)

    daily = weather["daily"]
    if daily:
        today = daily[0]
        draw_text(canvas.image, fonts.small,
                  f"H {degrees(today['high'])} L {degrees(today['low'])}", (ROW_LABEL_X, SUN_Y),
                  colors.SECONDARY)
    event = _sun_event(canvas, weather)
    if event is not None:
        label, time = event
        box = draw_text(canvas.image, fonts.small, time, (canvas.width - 2, SUN_Y), colors.SUN,
                        align="right")
        draw_text(canvas.image, fonts.small, label, (box[0] - 4, SUN_Y), colors.SECONDARY,
                  align="right")
