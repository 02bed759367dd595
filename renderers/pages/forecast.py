"""The forecast page: the coming days (weekday, icon, high, low, chance of precipitation).

Reads ``weather.daily`` (:class:`dashcli.core.values.DailyWeather`), from today on. On 128×64
each day
is a column with a range bar between its high and low, placed on the week's temperature scale so
warm and cold days stand out; 64×32 shows four days.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from dashcli.core.values import DailyWeather, WeatherValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.fonts import Font
from dashcli.renderers.format import degrees, number, percent, whole
from dashcli.renderers.sprites import weather_icon
from dashcli.renderers.text import draw_text, fit_all

# 128×64
COLUMNS = 7
COLUMN_WIDTH = 17  # the last weekday ends before the stale marker's corner
DAY_Y = 1
ICON_Y = 8
HIGH_Y = 21
BAR_TOP = 30
BAR_BOTTOM = 44
BAR_WIDTH = 3
LOW_Y = 46
RAIN_Y = 57
# 64×32
COMPACT_COLUMNS = 4
COMPACT_COLUMN_WIDTH = 15
COMPACT_DAY_Y = 0
COMPACT_ICON_Y = 6
COMPACT_HIGH_Y = 18
COMPACT_LOW_Y = 27

TODAY_COLOR = colors.SKY
TRACK_COLOR = colors.FAINT
RANGE_COLOR = colors.AMBER


def upcoming(canvas: Canvas, days: list[DailyWeather]) -> list[DailyWeather]:
    """The days from today (in the canvas's timezone) on."""
    today = canvas.now.date()
    return [day for day in days if date.fromisoformat(str(day["date"])) >= today]


def has_content(canvas: Canvas) -> bool:
    """False when no day from today on is left in the data."""
    weather = cast(WeatherValues, canvas.values("weather"))
    return bool(upcoming(canvas, weather["daily"]))


def _label(canvas: Canvas, day: DailyWeather) -> tuple[str, colors.Color]:
    is_today = date.fromisoformat(str(day["date"])) == canvas.now.date()
    return str(day["weekday"]).upper()[:3], TODAY_COLOR if is_today else colors.SECONDARY


def _number_font(canvas: Canvas, text: str) -> Font:
    """The body font, or the small one when the number would touch its neighbours ("-15")."""
    body = canvas.fonts.body
    return body if body.width(text) <= COLUMN_WIDTH - 3 else canvas.fonts.small


def _icon(canvas: Canvas, day: DailyWeather, centre: int, y: int) -> None:
    condition = day["condition"]
    if condition is None:
        draw_text(canvas.image, canvas.fonts.small, "--", (centre, y + 3), colors.DIM,
                  align="center")
        return
    icon = weather_icon(str(condition), True, "small")
    icon.draw(canvas.image, (centre - icon.width // 2, y))


def draw(canvas: Canvas) -> None:
    """Draw one column per day."""
    weather = cast(WeatherValues, canvas.values("weather"))
    units = str(weather["units"]["temperature"])
    days = upcoming(canvas, weather["daily"])
    fonts = canvas.fonts
    if not days:
        font, _ = fit_all([(fonts.body, ["no forecast"]), (fonts.small, ["no forecast"])],
                          canvas.width - 2)
        draw_text(canvas.image, font, "no forecast", (canvas.width // 2, canvas.height // 2 - 4),
                  colors.SECONDARY, align="center")
        return
    if canvas.compact:
        high_texts = [degrees(day["high"], "") for day in days[:COMPACT_COLUMNS]]
        # one dark column between neighbours: all highs in the small font when one is too wide
        high_font, _ = fit_all([(fonts.body, high_texts), (fonts.small, high_texts)],
                               COMPACT_COLUMN_WIDTH - 1)
        for index, day in enumerate(days[:COMPACT_COLUMNS]):
            centre = index * COMPACT_COLUMN_WIDTH + COMPACT_COLUMN_WIDTH // 2
            label, color = _label(canvas, day)
            draw_text(canvas.image, fonts.small, label, (centre, COMPACT_DAY_Y), color,
                      align="center")
            _icon(canvas, day, centre, COMPACT_ICON_Y)
            high = number(day["high"])
            draw_text(canvas.image, high_font, degrees(high, ""), (centre, COMPACT_HIGH_Y),
                      colors.temperature_color(high, units), align="center")
            draw_text(canvas.image, fonts.small, degrees(day["low"], ""), (centre, COMPACT_LOW_Y),
                      colors.SECONDARY, align="center")
        return
    shown = days[:COLUMNS]
    highs = [number(day["high"]) for day in shown]
    lows = [number(day["low"]) for day in shown]
    top, bottom = max(highs), min(lows)
    spread = max(top - bottom, 1.0)

    def scale(value: float) -> int:
        return round(BAR_TOP + (top - value) / spread * (BAR_BOTTOM - BAR_TOP))

    chances = [day["precipitation_probability"] for day in shown]
    wet = [chance for chance in chances if chance is not None and number(chance) >= 10]
    # "100%" is as wide as a column: every chance without the sign when one would touch
    _, rain_texts = fit_all([(fonts.small, [percent(chance) for chance in wet]),
                             (fonts.small, [str(whole(chance)) for chance in wet])],
                            COLUMN_WIDTH - 1)
    rain_by_day = iter(rain_texts)
    for index, day in enumerate(shown):
        centre = index * COLUMN_WIDTH + COLUMN_WIDTH // 2 + 2
        label, color = _label(canvas, day)
        draw_text(canvas.image, fonts.small, label, (centre, DAY_Y), color, align="center",
                  max_width=COLUMN_WIDTH + 6)
        _icon(canvas, day, centre, ICON_Y)
        high, low = highs[index], lows[index]
        draw_text(canvas.image, _number_font(canvas, degrees(high, "")), degrees(high, ""),
                  (centre, HIGH_Y), colors.temperature_color(high, units), align="center")
        left = centre - BAR_WIDTH // 2
        canvas.image.paste(TRACK_COLOR, (centre, BAR_TOP, centre + 1, BAR_BOTTOM + 1))
        canvas.image.paste(RANGE_COLOR, (left, scale(high), left + BAR_WIDTH, scale(low) + 1))
        draw_text(canvas.image, _number_font(canvas, degrees(low, "")), degrees(low, ""),
                  (centre, LOW_Y), colors.SECONDARY, align="center")
        chance = chances[index]
        if chance is not None and number(chance) >= 10:
            draw_text(canvas.image, fonts.small, next(rain_by_day), (centre, RAIN_Y),
                      colors.RAIN, align="center")
