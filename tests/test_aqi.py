"""The US EPA AQI against the EPA's breakpoint table (2024), truncation, categories and colours."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashcli.sources import aqi
from dashcli.sources.errors import DataError

TIME = datetime(2026, 2, 6, 21, 0, tzinfo=UTC)
BY_KEY = {pollutant.key: pollutant for pollutant in aqi.POLLUTANTS}


def index(key: str, amount: float) -> int:
    """The sub-index of ``amount`` given in the EPA table's own unit (µg/m³, ppm or ppb)."""
    pollutant = BY_KEY[key]
    return aqi.sub_index(pollutant, amount / pollutant.factor)


# (concentration in the table's unit, AQI): both ends of every category.
PM25_BOUNDARIES = [
    (0.0, 0), (9.0, 50), (9.1, 51), (35.4, 100), (35.5, 101), (55.4, 150), (55.5, 151),
    (125.4, 200), (125.5, 201), (225.4, 300), (225.5, 301), (325.4, 500),
]
PM10_BOUNDARIES = [
    (0, 0), (54, 50), (55, 51), (154, 100), (155, 101), (254, 150), (255, 151), (354, 200),
    (355, 201), (424, 300), (425, 301), (604, 500),
]
O3_BOUNDARIES = [  # ppm, 8-hour table; above 0.200 the 1-hour table's upper rows
    (0.0, 0), (0.054, 50), (0.055, 51), (0.070, 100), (0.071, 101), (0.085, 150), (0.086, 151),
    (0.105, 200), (0.106, 201), (0.200, 300), (0.201, 300), (0.404, 300), (0.405, 301),
    (0.604, 500),
]
CO_BOUNDARIES = [  # ppm
    (0.0, 0), (4.4, 50), (4.5, 51), (9.4, 100), (9.5, 101), (12.4, 150), (12.5, 151),
    (15.4, 200), (15.5, 201), (30.4, 300), (30.5, 301), (50.4, 500),
]
NO2_BOUNDARIES = [  # ppb
    (0, 0), (53, 50), (54, 51), (100, 100), (101, 101), (360, 150), (361, 151), (649, 200),
    (650, 201), (1249, 300), (1250, 301), (2049, 500),
]
SO2_BOUNDARIES = [  # ppb
    (0, 0), (35, 50), (36, 51), (75, 100), (76, 101), (185, 150), (186, 151), (304, 200),
    (305, 201), (604, 300), (605, 301), (1004, 500),
]


@pytest.mark.parametrize(
    ("key", "amount", "expected"),
    [("pm2_5", *row) for row in PM25_BOUNDARIES]
    + [("pm10", *row) for row in PM10_BOUNDARIES]
    + [("o3", *row) for row in O3_BOUNDARIES]
    + [("co", *row) for row in CO_BOUNDARIES]
    + [("no2", *row) for row in NO2_BOUNDARIES]
    + [("so2", *row) for row in SO2_BOUNDARIES],
)
def test_every_category_boundary(key, amount, expected):
    assert index(key, amount) == expected


@pytest.mark.parametrize(
    ("key", "amount", "expected"),
    [
        # The EPA's worked examples (Technical Assistance Document): PM2.5 35.9 -> 102 and
        # 8-hour ozone 0.078 ppm -> 126 (interpolated, rounded to the nearest integer).
        ("pm2_5", 35.9, 102),
        ("o3", 0.078, 126),
        ("pm2_5", 12.0, 56),
        ("pm10", 100, 73),
        ("co", 7.0, 76),
    ],
)
def test_interpolation_inside_a_row(key, amount, expected):
    assert index(key, amount) == expected


@pytest.mark.parametrize(
    ("key", "amount", "truncated_index"),
    [
        ("pm2_5", 9.09, 50),  # 9.0 after truncation to 0.1, not rounded up to 9.1
        ("pm2_5", 35.49, 100),
        ("pm10", 54.9, 50),  # PM10 is truncated to an integer
        ("o3", 0.0549, 50),  # ozone to 0.001 ppm
        ("co", 4.49, 50),  # CO to 0.1 ppm
        ("no2", 53.9, 50),  # NO2 and SO2 to integers (ppb)
        ("so2", 35.9, 50),
    ],
)
def test_concentrations_are_truncated_not_rounded(key, amount, truncated_index):
    assert index(key, amount) == truncated_index


def test_beyond_the_table_is_500_and_negative_readings_are_zero():
    assert index("pm2_5", 325.5) == 500
    assert index("pm2_5", 10_000) == 500
    assert aqi.sub_index(BY_KEY["pm2_5"], 1e300) == 500
    assert index("pm10", -3) == 0


def test_gas_conversions_at_25_degrees():
    # 1 ppb NO2 = 1.88 µg/m³, SO2 2.62, O3 1.96; 1 ppm CO = 1145 µg/m³ (EPA, 25 °C, 1 atm)
    assert 1 / BY_KEY["no2"].factor == pytest.approx(1.88, abs=0.005)
    assert 1 / BY_KEY["so2"].factor == pytest.approx(2.62, abs=0.005)
    assert 1 / BY_KEY["o3"].factor / 1000 == pytest.approx(1.96, abs=0.005)
    assert 1 / BY_KEY["co"].factor / 1000 == pytest.approx(1.145, abs=0.001)
    assert aqi.sub_index(BY_KEY["no2"], 188.2) == 100  # 100.0 ppb


@pytest.mark.parametrize(
    ("value", "name", "color"),
    [
        (0, "Good", "#00e400"),
        (50, "Good", "#00e400"),
        (51, "Moderate", "#ffff00"),
        (100, "Moderate", "#ffff00"),
        (101, "Unhealthy for Sensitive Groups", "#ff7e00"),
        (150, "Unhealthy for Sensitive Groups", "#ff7e00"),
        (151, "Unhealthy", "#ff0000"),
        (200, "Unhealthy", "#ff0000"),
        (201, "Very Unhealthy", "#8f3f97"),
        (300, "Very Unhealthy", "#8f3f97"),
        (301, "Hazardous", "#7e0023"),
        (500, "Hazardous", "#7e0023"),
    ],
)
def test_categories_and_colours(value, name, color):
    assert aqi.category(value) == (name, color)


def test_air_values_names_the_main_pollutant():
    # PM2.5 12.0 µg/m³ -> 56; ozone 0.078 ppm (152.9 µg/m³) -> 126: ozone leads
    ozone = 0.078 / BY_KEY["o3"].factor + 0.01
    values = aqi.air_values({"pm2_5": 12.0, "o3": ozone, "co": 300.0}, TIME, "test")
    assert values == {
        "time": "2026-02-06T21:00+00:00",
        "aqi": 126,
        "category": "Unhealthy for Sensitive Groups",
        "color": "#ff7e00",
        "pollutant": "o3",
        "pollutant_name": "Ozone",
        "concentrations": {"pm2_5": 12.0, "o3": round(ozone, 2), "co": 300.0},
    }


def test_air_values_ties_keep_the_table_order():
    values = aqi.air_values({"pm10": 54.0, "pm2_5": 9.0}, TIME, "test")
    assert (values["aqi"], values["pollutant"], values["pollutant_name"]) == (50, "pm2_5", "PM2.5")


def test_gases_alone_are_a_data_error_naming_where():
    with pytest.raises(DataError) as caught:
        aqi.air_values({"co": 300.0, "no2": 20.0}, TIME, "owm.list[0].components")
    assert str(caught.value) == "owm.list[0].components: no PM2.5, PM10 or ozone concentration"


concentration = st.floats(min_value=-10, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(key=st.sampled_from(sorted(BY_KEY)), a=concentration, b=concentration)
def test_sub_index_never_decreases_with_the_concentration(key, a, b):
    low, high = sorted((a, b))
    pollutant = BY_KEY[key]
    assert 0 <= aqi.sub_index(pollutant, low) <= aqi.sub_index(pollutant, high) <= 500


@given(
    readings=st.dictionaries(st.sampled_from(sorted(BY_KEY)), concentration, min_size=1)
    .filter(lambda found: any(key in found for key in ("pm2_5", "pm10", "o3")))
)
def test_air_values_is_the_highest_sub_index_with_its_category(readings):
    values = aqi.air_values(readings, TIME, "test")
    indices = {key: aqi.sub_index(BY_KEY[key], amount) for key, amount in readings.items()}
    assert values["aqi"] == max(indices.values())
    assert indices[values["pollutant"]] == values["aqi"]
    assert (values["category"], values["color"]) == aqi.category(values["aqi"])
    bounds = {"Good": (0, 50), "Moderate": (51, 100), "Unhealthy for Sensitive Groups": (101, 150),
              "Unhealthy": (151, 200), "Very Unhealthy": (201, 300), "Hazardous": (301, 500)}
    low, high = bounds[values["category"]]
    assert low <= values["aqi"] <= high
