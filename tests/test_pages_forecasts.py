"""Snapshots of the hourly and forecast pages: normal, short series, missing optionals, stale,
no data, unreadable data, and the 64×32 layouts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.pages import NOW, SMALL, draw, edited, state, values_of

pytest_plugins = ["tests.snapshots"]

PAGES = ["hourly", "forecast"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("size", ["large", "small"])
def test_normal(frame_snapshot, page, size):
    assert frame_snapshot == draw(page, state("weather"), SMALL if size == "small" else (128, 64))


@pytest.mark.parametrize("page", PAGES)
def test_stale(frame_snapshot, page):
    assert frame_snapshot == draw(page, state("weather", stale=("weather",)))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("size", ["large", "small"])
def test_no_data(frame_snapshot, page, size):
    assert frame_snapshot == draw(page, {}, SMALL if size == "small" else (128, 64))


@pytest.mark.parametrize("page", PAGES)
def test_unreadable(frame_snapshot, page):
    values = values_of(state("weather"), "weather")
    values["hourly"][0]["temperature"] = None
    values["daily"][0]["high"] = "hot"
    assert frame_snapshot == draw(page, edited(state("weather"), "weather", values))


def test_hourly_later_in_the_day_starts_at_the_current_hour(frame_snapshot):
    # 13:40 + 5 h = 18:40: the first column is 18:00, the series runs out after 8 more hours
    assert frame_snapshot == draw("hourly", state("weather"), now=NOW + timedelta(hours=5))


def test_hourly_few_hours_without_probabilities(frame_snapshot):
    values = values_of(state("weather"), "weather")
    values["hourly"] = values["hourly"][:3]
    for hour in values["hourly"]:
        hour["precipitation_probability"] = None
    assert frame_snapshot == draw("hourly", edited(state("weather"), "weather", values))


def test_hourly_nothing_ahead(frame_snapshot):
    assert frame_snapshot == draw("hourly", state("weather"), now=NOW + timedelta(days=2))


def test_forecast_without_conditions_and_probabilities(frame_snapshot):
    values = values_of(state("weather"), "weather")
    for day in values["daily"]:
        day["condition"] = None
        day["precipitation_probability"] = None
    assert frame_snapshot == draw("forecast", edited(state("weather"), "weather", values))


def test_forecast_metric_cold_week(frame_snapshot):
    values = values_of(state("weather"), "weather")
    values["units"] = {"temperature": "°C", "wind": "km/h"}
    for index, day in enumerate(values["daily"]):
        day["high"], day["low"] = -2.0 - index, -14.5 - index
        day["condition"] = "snow"
    assert frame_snapshot == draw("forecast", edited(state("weather"), "weather", values))


def test_forecast_from_tomorrow_when_today_has_passed(frame_snapshot):
    assert frame_snapshot == draw("forecast", state("weather"), now=NOW + timedelta(days=1))
