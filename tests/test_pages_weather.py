"""Snapshots of the weather page: every condition by day and night, every AQI category, units,
missing optional fields, stale, no data, unreadable data, and the 64×32 layout."""

from __future__ import annotations

import pytest

from tests.pages import SMALL, draw, edited, state, values_of

pytest_plugins = ["tests.snapshots"]

CONDITIONS = ["clear", "mostly-clear", "partly-cloudy", "cloudy", "fog", "drizzle", "rain",
              "freezing-rain", "snow", "thunderstorm"]
DESCRIPTIONS = {"clear": "Clear sky", "mostly-clear": "Mainly clear", "cloudy": "Overcast",
                "fog": "Fog", "drizzle": "Light drizzle", "rain": "Heavy rain",
                "freezing-rain": "Freezing rain", "snow": "Snow showers",
                "thunderstorm": "Thunderstorm, hail", "partly-cloudy": "Partly cloudy"}
# (AQI, category, EPA colour) for each of the six categories
AQI = [(42, "Good", "#00e400"), (75, "Moderate", "#ffff00"),
       (128, "Unhealthy for Sensitive Groups", "#ff7e00"), (172, "Unhealthy", "#ff0000"),
       (245, "Very Unhealthy", "#8f3f97"), (412, "Hazardous", "#7e0023")]


def weather_with(**current: object) -> dict:
    base = state("weather", "air")
    values = values_of(base, "weather")
    values["current"].update(current)
    return edited(base, "weather", values)


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("daytime", ["day", "night"])
def test_condition(frame_snapshot, condition, daytime):
    if daytime == "night" and condition not in ("clear", "mostly-clear", "partly-cloudy"):
        pytest.skip("one icon for day and night")
    states = weather_with(condition=condition, is_day=daytime == "day",
                          description=DESCRIPTIONS[condition])
    assert frame_snapshot == draw("weather", states)


@pytest.mark.parametrize(("aqi", "category", "color"), AQI, ids=[row[1] for row in AQI])
def test_aqi_category(frame_snapshot, aqi, category, color):
    base = state("weather", "air")
    air = values_of(base, "air")
    air.update(aqi=aqi, category=category, color=color)
    image = draw("weather", edited(base, "air", air))
    assert frame_snapshot == image


def test_metric_below_freezing_with_missing_optionals(frame_snapshot):
    base = state("weather")
    values = values_of(base, "weather")
    values["units"] = {"temperature": "°C", "wind": "km/h"}
    values["current"].update(temperature=-12.4, feels_like=None, humidity=None, wind_speed=None,
                             wind_direction=None, condition="snow", description="Snow")
    values["daily"][0].update(high=-8.0, low=-17.5)
    values["sunset"] = None
    assert frame_snapshot == draw("weather", edited(base, "weather", values))


def test_calm_without_air(frame_snapshot):
    assert frame_snapshot == draw("weather", edited(state("weather"), "weather", _calm()))


def _calm() -> dict:
    values = values_of(state("weather"), "weather")
    values["current"].update(wind_speed=0.2, wind_direction=None)
    return values


def test_stale(frame_snapshot):
    assert frame_snapshot == draw("weather", state("weather", "air", stale=("weather",)))


def test_stale_air_alone_marks_the_page(frame_snapshot):
    assert frame_snapshot == draw("weather", state("weather", "air", stale=("air",)))


def test_no_data(frame_snapshot):
    assert frame_snapshot == draw("weather", state("air"))


@pytest.mark.parametrize("problem", ["missing-current", "temperature-text"])
def test_unreadable(frame_snapshot, problem):
    base = state("weather", "air")
    values = values_of(base, "weather")
    if problem == "missing-current":
        del values["current"]
    else:
        values["current"]["temperature"] = "warm"
    assert frame_snapshot == draw("weather", edited(base, "weather", values))


@pytest.mark.parametrize("variant", ["normal", "night-clear", "stale", "no-data", "unreadable"])
def test_small(frame_snapshot, variant):
    states = {
        "normal": state("weather", "air"),
        "night-clear": weather_with(condition="clear", is_day=False, description="Clear sky"),
        "stale": state("weather", "air", stale=("weather",)),
        "no-data": {},
        "unreadable": edited(state("weather"), "weather", {"units": {}}),
    }[variant]
    assert frame_snapshot == draw("weather", states, SMALL)


def test_after_sunset_the_next_sunrise():
    """At 21:00, today's sunset (18:31) is past: the bottom line gives tomorrow's sunrise."""
    from datetime import timedelta

    from dashcli.renderers import render_traced
    from tests.pages import NOW

    evening = NOW + timedelta(hours=7, minutes=20)  # 21:00 in Boston
    _, runs = render_traced("weather", state("weather", "air"), evening,
                            timezone="America/New_York", clock="24h")
    texts = [run.text for run in runs]
    assert "SUNRISE" in texts
    assert "06:39" in texts
    _, runs = render_traced("weather", state("weather", "air"), NOW,
                            timezone="America/New_York", clock="24h")
    assert {"SUNSET", "18:31"} <= {run.text for run in runs}
