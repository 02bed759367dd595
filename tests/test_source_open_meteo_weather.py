"""Open-Meteo weather against a real local server: normal data, retries, timeouts, bad data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashcli.sources.errors import DataError, UpstreamError
from dashcli.sources.open_meteo import parse_weather
from dashcli.sources.validate import Node
from tests.conftest import NOW, fetch_values, fixture_path, shared_fixture
from tests.json_mutations import keyed_json
from tests.replay import Reply

PATH = "/v1/forecast"


async def test_values_match_the_response(upstream):
    upstream.route(PATH, Reply(fixture_path("open-meteo/forecast-boston-imperial.json")))
    result = await fetch_values("weather", upstream.url)
    update = result.update
    values = update.values
    assert update.type == "weather"
    assert update.source == "open-meteo"
    assert update.valid == NOW + timedelta(minutes=30)
    current = values["current"]
    assert current["temperature"] == 29.5
    assert current["feels_like"] == 21.8
    assert current["humidity"] == 60
    assert current["wind_speed"] == 8.9
    assert current["wind_direction"] == 318
    assert current["wind_gusts"] == 19.7
    assert (current["code"], current["condition"], current["description"]) == (
        3, "cloudy", "Overcast")
    assert current["is_day"] is True
    assert current["time"] == "2026-02-06T16:30-05:00"
    assert values["units"] == {"temperature": "°F", "wind": "mph"}
    assert len(values["hourly"]) == 24
    assert values["hourly"][0]["time"] == "2026-02-06T16:00-05:00"
    assert len(values["daily"]) == 7
    assert values["daily"][0] == {
        "date": "2026-02-06", "weekday": "Fri", "condition": "cloudy", "high": 31.6,
        "low": 15.4, "precipitation_probability": 10, "sunrise": "2026-02-06T07:00-05:00",
        "sunset": "2026-02-06T17:19-05:00",
    }
    assert values["sunset"] == "2026-02-06T17:19-05:00"


async def test_request_asks_for_profile_units_and_identifies_itself(upstream):
    upstream.route(PATH, Reply(fixture_path("open-meteo/forecast-boston-imperial.json")))
    await fetch_values("weather", upstream.url)
    request = upstream.hits(PATH)[0]
    assert request.query["temperature_unit"] == ["fahrenheit"]
    assert request.query["wind_speed_unit"] == ["mph"]
    assert request.query["timezone"] == ["America/New_York"]
    assert request.headers["User-Agent"].startswith("dashcli/")


async def test_retries_a_500_then_succeeds(upstream):
    upstream.route(
        PATH,
        Reply(b"oops", status=500),
        Reply(fixture_path("open-meteo/forecast-boston-imperial.json")),
    )
    result = await fetch_values("weather", upstream.url)
    assert result.update.values["current"]["temperature"] == 29.5
    assert len(upstream.hits(PATH)) == 2


async def test_gives_up_after_repeated_500s(upstream):
    upstream.route(PATH, Reply(b"oops", status=503))
    with pytest.raises(UpstreamError, match=r"^weather: open-meteo answered 503"):
        await fetch_values("weather", upstream.url)
    assert len(upstream.hits(PATH)) == 3


async def test_a_404_is_not_retried(upstream):
    upstream.route("/elsewhere", Reply(b"{}"))
    with pytest.raises(UpstreamError, match="answered 404"):
        await fetch_values("weather", upstream.url)
    assert len(upstream.hits(PATH)) == 1


async def test_read_timeout_is_one_clear_error(upstream):
    upstream.route(PATH, Reply(b"{}", delay=1.0))
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("weather", upstream.url, timeout=0.2)
    assert str(caught.value) == (
        f"weather: open-meteo unreachable (read timeout after 0.2 s): {upstream.url}{PATH}"
    )


async def test_connection_refused_names_the_url():
    with pytest.raises(UpstreamError, match=r"connection refused\): http://127\.0\.0\.1:9/v1"):
        await fetch_values("weather", "http://127.0.0.1:9")


async def test_malformed_json(upstream):
    upstream.route(PATH, Reply(b'{"current": {'))
    with pytest.raises(DataError, match="open-meteo: response is not valid JSON"):
        await fetch_values("weather", upstream.url)


async def test_missing_required_field_is_named(upstream):
    doc = json.loads(fixture_path("open-meteo/forecast-boston-imperial.json").read_text())
    del doc["current"]["temperature_2m"]
    del doc["hourly"]
    upstream.route(PATH, Reply(json.dumps(doc)))
    with pytest.raises(DataError) as caught:
        await fetch_values("weather", upstream.url)
    assert caught.value.field == "open-meteo.current.temperature_2m"


async def test_wrong_type_is_named(upstream):
    doc = json.loads(fixture_path("open-meteo/forecast-boston-imperial.json").read_text())
    doc["daily"]["temperature_2m_max"][2] = "warm"
    upstream.route(PATH, Reply(json.dumps(doc)))
    with pytest.raises(DataError, match=r"daily\.temperature_2m_max\[2\]: expected a number"):
        await fetch_values("weather", upstream.url)


@pytest.mark.parametrize(
    "recording",
    [
        "open-meteo-forecast/magicmirror-nyc-2026-02-06-current-hourly-daily.json",
        "open-meteo-forecast/pi-inky-melbourne-2025-10-25-current-hourly-daily.json",
        "open-meteo-forecast/magicmirror-munich-2026-02-07-current_weather-legacy-unixtime.json",
    ],
)
async def test_real_recordings_parse(upstream, recording):
    path = shared_fixture(recording)
    upstream.route(PATH, Reply(path))
    result = await fetch_values("weather", upstream.url)
    raw = json.loads(path.read_bytes())
    current = result.update.values["current"]
    if "current" in raw and "temperature_2m" in raw["current"]:
        assert current["temperature"] == raw["current"]["temperature_2m"]
        assert current["code"] == raw["current"]["weather_code"]
    assert result.update.values["daily"], "daily forecast expected"
    assert result.raw == path.read_bytes()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=20,
)
KEYS = ["current", "hourly", "daily", "time", "temperature_2m", "weather_code",
        "is_day", "timezone", "utc_offset_seconds", "temperature_2m_max"]
shaped = keyed_json(KEYS, json_values, max_leaves=30, max_list=5)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(document=shaped)
def test_any_json_gives_values_or_a_data_error(document):
    try:
        values = parse_weather(Node(document, "open-meteo"), imperial=True)
    except DataError:
        return
    assert isinstance(values["current"]["temperature"], float)
