"""Open-Meteo air quality against a real local server: normal data, retries, timeouts, bad data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashcli.sources.errors import DataError, UpstreamError
from dashcli.sources.open_meteo import parse_air
from dashcli.sources.validate import Node
from tests.conftest import NOW, fetch_values, fixture_path, shared_fixture
from tests.json_mutations import json_values, keyed_json, mutated
from tests.replay import Reply

PATH = "/v1/air-quality"
FIXTURE = "open-meteo/air-quality-boston.json"


def fixture_doc() -> dict:
    return json.loads(fixture_path(FIXTURE).read_text())


async def test_values_match_the_response(upstream):
    upstream.route(PATH, Reply(fixture_path(FIXTURE)))
    result = await fetch_values("air", upstream.url)
    update = result.update
    assert (update.type, update.source) == ("air", "open-meteo")
    assert update.valid == NOW + timedelta(hours=1)
    # PM2.5 38.7 µg/m³: (150-101)/(55.4-35.5) * (38.7-35.5) + 101 = 108.9 -> 109
    assert update.values == {
        "time": "2026-02-06T16:00-05:00",
        "aqi": 109,
        "category": "Unhealthy for Sensitive Groups",
        "color": "#ff7e00",
        "pollutant": "pm2_5",
        "pollutant_name": "PM2.5",
        "concentrations": {"pm2_5": 38.7, "pm10": 45.2, "o3": 52.0, "no2": 31.4, "so2": 3.1,
                           "co": 305.0},
    }
    assert result.raw == fixture_path(FIXTURE).read_bytes()


async def test_request_asks_for_the_pollutants_in_the_profile_timezone(upstream):
    upstream.route(PATH, Reply(fixture_path(FIXTURE)))
    await fetch_values("air", upstream.url)
    request = upstream.hits(PATH)[0]
    assert request.query["latitude"] == ["42.36"]
    assert request.query["longitude"] == ["-71.06"]
    assert request.query["timezone"] == ["America/New_York"]
    asked = set(request.query["current"][0].split(","))
    assert asked == {"pm2_5", "pm10", "ozone", "nitrogen_dioxide", "sulphur_dioxide",
                     "carbon_monoxide"}
    assert request.headers["User-Agent"].startswith("dashcli/")


async def test_without_current_the_hour_of_the_fetch_is_used(upstream):
    doc = fixture_doc()
    del doc["current"]
    upstream.route(PATH, Reply(json.dumps(doc)))
    # 15:10 UTC is 10:10 in Boston: the 10:00 row (PM2.5 9.5 -> 49/26.3 * 0.4 + 51 = 51.7 -> 52)
    result = await fetch_values("air", upstream.url, now=datetime(2026, 2, 6, 15, 10, tzinfo=UTC))
    values = result.update.values
    assert values["time"] == "2026-02-06T10:00-05:00"
    assert values["concentrations"]["pm2_5"] == doc["hourly"]["pm2_5"][10] == 9.5
    assert (values["aqi"], values["category"]) == (52, "Moderate")


async def test_retries_a_500_then_succeeds(upstream):
    upstream.route(PATH, Reply(b"upstream hiccup", status=500), Reply(fixture_path(FIXTURE)))
    result = await fetch_values("air", upstream.url)
    assert result.update.values["aqi"] == 109
    assert len(upstream.hits(PATH)) == 2


async def test_read_timeout_is_one_clear_error(upstream):
    upstream.route(PATH, Reply(fixture_path(FIXTURE), delay=1.0))
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("air", upstream.url, timeout=0.2)
    assert str(caught.value) == (
        f"air: open-meteo unreachable (read timeout after 0.2 s): {upstream.url}{PATH}"
    )


async def test_malformed_json(upstream):
    upstream.route(PATH, Reply(b'{"current": {"pm2_5": 3'))
    with pytest.raises(DataError, match=r"^air: open-meteo: response is not valid JSON"):
        await fetch_values("air", upstream.url)


async def test_missing_time_is_named(upstream):
    doc = fixture_doc()
    del doc["current"]["time"]
    upstream.route(PATH, Reply(json.dumps(doc)))
    with pytest.raises(DataError) as caught:
        await fetch_values("air", upstream.url)
    assert caught.value.field == "open-meteo.current.time"
    assert str(caught.value) == "air: open-meteo.current.time: required field is missing"


async def test_no_particles_or_ozone_is_a_data_error(upstream):
    doc = fixture_doc()
    for name in ("pm2_5", "pm10", "ozone"):
        del doc["current"][name]
    upstream.route(PATH, Reply(json.dumps(doc)))
    with pytest.raises(DataError, match=r"open-meteo\.current: no PM2\.5, PM10 or ozone"):
        await fetch_values("air", upstream.url)


async def test_neither_current_nor_hourly_is_named(upstream):
    upstream.route(PATH, Reply(b'{"latitude": 42.36, "timezone": "America/New_York"}'))
    with pytest.raises(DataError) as caught:
        await fetch_values("air", upstream.url)
    assert caught.value.field == "open-meteo.hourly"


async def test_wrong_type_is_named(upstream):
    doc = fixture_doc()
    doc["current"]["pm10"] = "high"
    upstream.route(PATH, Reply(json.dumps(doc)))
    with pytest.raises(DataError, match=r"open-meteo\.current\.pm10: expected a number"):
        await fetch_values("air", upstream.url)


async def test_empty_hourly_block_is_a_data_error(upstream):
    doc = fixture_doc()
    del doc["current"]
    doc["hourly"] = {"time": [], "pm2_5": []}
    upstream.route(PATH, Reply(json.dumps(doc)))
    with pytest.raises(DataError, match=r"open-meteo\.hourly\.time: no hours"):
        await fetch_values("air", upstream.url)


async def test_recording_with_a_current_block(upstream):
    path = shared_fixture(
        "open-meteo-air-quality/python-open-meteo-enschede-2026-10-03-current-full-hourly-3h.json")
    raw = json.loads(path.read_bytes())["current"]
    upstream.route(PATH, Reply(path))
    values = (await fetch_values("air", upstream.url)).update.values
    assert values["time"] == "2026-10-03T12:00+02:00"
    assert values["concentrations"] == {
        "pm2_5": raw["pm2_5"], "pm10": raw["pm10"], "o3": raw["ozone"],
        "no2": raw["nitrogen_dioxide"], "so2": raw["sulphur_dioxide"],
        "co": raw["carbon_monoxide"],
    }
    # PM2.5 22.1 µg/m³: (100-51)/(35.4-9.1) * (22.1-9.1) + 51 = 75.2 -> 75
    assert (values["aqi"], values["pollutant"], values["category"]) == (75, "pm2_5", "Moderate")


async def test_recording_with_hourly_data_only(upstream):
    path = shared_fixture(
        "open-meteo-air-quality/thaiair-bangkok-2026-08-26-hourly-pm2_5-pm10.json")
    hourly = json.loads(path.read_bytes())["hourly"]
    upstream.route(PATH, Reply(path))
    now = datetime(2026, 8, 27, 8, 30, tzinfo=UTC)
    values = (await fetch_values("air", upstream.url, now=now)).update.values
    row = hourly["time"].index("2026-08-27T08:00")
    assert values["time"] == "2026-08-27T08:00+00:00"
    assert values["concentrations"] == {"pm2_5": hourly["pm2_5"][row],
                                        "pm10": hourly["pm10"][row]}
    assert values["category"] == "Good"
    assert values["pollutant"] == "pm2_5"


KEYS = ["current", "hourly", "time", "pm2_5", "pm10", "ozone", "carbon_monoxide",
        "timezone", "utc_offset_seconds"]
times = st.sampled_from(["2026-02-06T16:00", "2026-02-06T17:00", "not a time", "2026-02-06"])
leaves = json_values | times | st.lists(times, max_size=3) | st.floats(0, 600)
shaped = keyed_json(KEYS, leaves, max_leaves=30, max_list=4)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(document=shaped)
def test_any_json_gives_values_or_a_data_error(document):
    try:
        values = parse_air(Node(document, "open-meteo"), NOW)
    except DataError:
        return
    assert 0 <= values["aqi"] <= 500
    assert values["pollutant"] in values["concentrations"]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated(fixture_doc()))
def test_a_damaged_response_gives_values_or_a_data_error(document):
    try:
        values = parse_air(Node(document, "open-meteo"), NOW)
    except DataError:
        return
    assert 0 <= values["aqi"] <= 500
    assert all(isinstance(amount, float) for amount in values["concentrations"].values())
