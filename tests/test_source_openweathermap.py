"""OpenWeatherMap weather (One Call 3.0) and air pollution against a real local server.

Besides data, retries and errors, these tests hold the key to its promise: it travels only in the
request and never appears in an error message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashcli.fetching.fetch import fetch_update
from dashcli.sources.errors import DataError, MissingSecretError, SourceError, UpstreamError
from dashcli.sources.http import RetryPolicy
from dashcli.sources.openweathermap import parse_air, parse_weather
from dashcli.sources.validate import Node
from tests.conftest import (
    NOW,
    FixedSecrets,
    fetch_values,
    fixture_path,
    profile_with,
    shared_fixture,
)
from tests.json_mutations import json_values, keyed_json, mutated
from tests.replay import Reply

ONECALL = "/data/3.0/onecall"
AIR = "/data/2.5/air_pollution"
WEATHER_FIXTURE = "openweathermap/onecall-boston-imperial.json"
AIR_FIXTURE = "openweathermap/air-pollution-boston.json"
KEY = "k3y-0f-the-tests-5f2a9c"
BOSTON = ZoneInfo("America/New_York")
SECRETS = FixedSecrets(owm_api_key=KEY)


def weather_doc() -> dict:
    return json.loads(fixture_path(WEATHER_FIXTURE).read_text())


async def fetch_weather(url: str, **kwargs):
    return await fetch_values("weather", url, secrets=SECRETS, provider="openweathermap",
                              **kwargs)


async def fetch_air(url: str, **kwargs):
    return await fetch_values("air", url, secrets=SECRETS, provider="openweathermap", **kwargs)


# weather ------------------------------------------------------------------------------------


async def test_weather_values_match_the_response(upstream):
    upstream.route(ONECALL, Reply(fixture_path(WEATHER_FIXTURE)))
    result = await fetch_weather(upstream.url)
    update = result.update
    assert (update.type, update.source) == ("weather", "openweathermap")
    assert update.valid == NOW + timedelta(minutes=30)
    values = update.values
    assert values["units"] == {"temperature": "°F", "wind": "mph"}
    assert values["current"] == {
        "time": "2026-02-06T16:37-05:00",
        "temperature": 29.52,
        "feels_like": 21.83,
        "humidity": 60,
        "wind_speed": 8.95,
        "wind_direction": 318,
        "wind_gusts": 19.71,
        "code": 804,
        "condition": "cloudy",
        "is_day": True,
        "description": "Overcast clouds",
    }
    assert (values["sunrise"], values["sunset"]) == ("2026-02-06T06:53-05:00",
                                                     "2026-02-06T17:10-05:00")
    hourly = values["hourly"]
    assert len(hourly) == 24
    assert hourly[0] == {"time": "2026-02-06T16:00-05:00", "temperature": 29.5,
                         "condition": "cloudy", "is_day": True, "precipitation_probability": 0}
    assert hourly[3]["precipitation_probability"] == 20  # pop 0.2
    assert hourly[5]["time"] == "2026-02-06T21:00-05:00"
    assert (hourly[5]["condition"], hourly[5]["is_day"]) == ("cloudy", False)  # 803, "04n"
    assert (hourly[10]["condition"], hourly[10]["is_day"]) == ("snow", False)  # 600, "13n"
    daily = values["daily"]
    assert len(daily) == 7
    assert daily[0] == {
        "date": "2026-02-06", "weekday": "Fri", "condition": "cloudy", "high": 31.6,
        "low": 15.4, "precipitation_probability": 10, "sunrise": "2026-02-06T06:53-05:00",
        "sunset": "2026-02-06T17:10-05:00",
    }
    assert daily[2]["condition"] == "snow"  # 600
    assert [day["weekday"] for day in daily] == ["Fri", "Sat", "Sun", "Mon", "Tue", "Wed", "Thu"]
    assert result.raw == fixture_path(WEATHER_FIXTURE).read_bytes()


async def test_weather_request_carries_units_exclusions_and_the_key(upstream):
    upstream.route(ONECALL, Reply(fixture_path(WEATHER_FIXTURE)))
    await fetch_weather(upstream.url)
    query = upstream.hits(ONECALL)[0].query
    assert query == {"lat": ["42.36"], "lon": ["-71.06"], "units": ["imperial"],
                     "exclude": ["minutely,alerts"], "appid": [KEY]}
    assert upstream.hits(ONECALL)[0].headers["User-Agent"].startswith("dashcli/")


async def test_metric_profile_asks_metric_and_gets_km_per_hour(upstream):
    upstream.route(ONECALL, Reply(fixture_path(WEATHER_FIXTURE)))
    profile = profile_with(weather={"base_url": upstream.url, "provider": "openweathermap"})
    profile = profile.model_copy(update={"units": "metric"})
    result = await fetch_update(profile, "weather", now=NOW, secrets=SECRETS,
                                retry=RetryPolicy(attempts=1))
    assert upstream.hits(ONECALL)[0].query["units"] == ["metric"]
    values = result.update.values
    assert values["units"] == {"temperature": "°C", "wind": "km/h"}
    assert values["current"]["wind_speed"] == round(8.95 * 3.6, 1)  # OWM metric wind is m/s
    assert values["current"]["wind_gusts"] == round(19.71 * 3.6, 1)


async def test_missing_key_is_one_line_and_no_request(upstream):
    upstream.route(ONECALL, Reply(fixture_path(WEATHER_FIXTURE)))
    with pytest.raises(MissingSecretError) as caught:
        await fetch_values("weather", upstream.url, provider="openweathermap")
    assert str(caught.value) == (
        "weather: missing secret 'owm_api_key' (secrets provider: none configured)")
    assert upstream.requests == []


async def test_a_401_names_the_problem_but_not_the_key(upstream):
    upstream.route(ONECALL, Reply(
        b'{"cod":401, "message": "Invalid API key. Please see https://openweathermap.org/faq'
        b'#error401 for more info."}', status=401))
    with pytest.raises(UpstreamError) as caught:
        await fetch_weather(upstream.url)
    message = str(caught.value)
    assert message == (f"weather: openweathermap answered 401 Unauthorized: check the API key "
                       f"or token: {upstream.url}{ONECALL}")
    assert KEY not in message
    assert KEY not in repr(caught.value)
    assert len(upstream.hits(ONECALL)) == 1  # a 401 is not retried


@pytest.mark.parametrize("reply", [
    Reply(b"busy", status=503),
    Reply(b"{}", delay=1.0),
    Reply(b"<html>not json"),
    Reply(b'{"current": {"dt": 1770413832}}'),
])
async def test_no_failure_reveals_the_key(upstream, reply):
    upstream.route(ONECALL, reply)
    upstream.route(AIR, reply)
    for fetch in (fetch_weather, fetch_air):
        with pytest.raises(SourceError) as caught:
            await fetch(upstream.url, timeout=0.3)
        assert KEY not in str(caught.value)
        assert KEY not in str(caught.value.__cause__ or "")


async def test_weather_retries_a_500_then_succeeds(upstream):
    upstream.route(ONECALL, Reply(b"oops", status=500), Reply(fixture_path(WEATHER_FIXTURE)))
    result = await fetch_weather(upstream.url)
    assert result.update.values["current"]["temperature"] == 29.52
    assert len(upstream.hits(ONECALL)) == 2


async def test_weather_read_timeout(upstream):
    upstream.route(ONECALL, Reply(fixture_path(WEATHER_FIXTURE), delay=1.0))
    with pytest.raises(UpstreamError) as caught:
        await fetch_weather(upstream.url, timeout=0.2)
    assert str(caught.value) == (
        f"weather: openweathermap unreachable (read timeout after 0.2 s): {upstream.url}{ONECALL}")


async def test_weather_malformed_json(upstream):
    upstream.route(ONECALL, Reply(b'{"current": {"temp": '))
    with pytest.raises(DataError, match=r"^weather: openweathermap: response is not valid JSON"):
        await fetch_weather(upstream.url)


@pytest.mark.parametrize(("drop", "field"), [
    (("current", "temp"), "openweathermap.current.temp"),
    (("current", "dt"), "openweathermap.current.dt"),
    (("current", "weather"), "openweathermap.current.weather"),
    (("current",), "openweathermap.current"),
])
async def test_weather_missing_required_field_is_named(upstream, drop, field):
    doc = weather_doc()
    parent = doc
    for key in drop[:-1]:
        parent = parent[key]
    del parent[drop[-1]]
    upstream.route(ONECALL, Reply(json.dumps(doc)))
    with pytest.raises(DataError) as caught:
        await fetch_weather(upstream.url)
    assert caught.value.field == field


async def test_weather_empty_condition_list_and_wrong_types_are_named(upstream):
    doc = weather_doc()
    doc["current"]["weather"] = []
    doc["daily"][3]["temp"]["max"] = "hot"
    with pytest.raises(DataError, match=r"current\.weather: expected at least 1 items"):
        parse_weather(Node(doc, "openweathermap"), BOSTON, True)
    doc = weather_doc()
    doc["daily"][3]["temp"]["max"] = "hot"
    upstream.route(ONECALL, Reply(json.dumps(doc)))
    with pytest.raises(DataError, match=r"daily\[3\]\.temp\.max: expected a number"):
        await fetch_weather(upstream.url)


def test_day_and_night_without_an_icon_come_from_sunrise_and_sunset():
    doc = weather_doc()
    del doc["current"]["weather"][0]["icon"]
    values = parse_weather(Node(doc, "owm"), BOSTON, True)
    assert values["current"]["is_day"] is True  # 16:37, sunset at 17:10
    doc["current"]["dt"] = doc["current"]["sunset"] + 60
    assert parse_weather(Node(doc, "owm"), BOSTON, True)["current"]["is_day"] is False
    doc["current"]["weather"][0]["icon"] = "04d"
    assert parse_weather(Node(doc, "owm"), BOSTON, True)["current"]["is_day"] is True


def test_polar_days_have_no_sunrise_and_missing_blocks_are_empty():
    doc = weather_doc()
    doc["current"]["sunrise"] = 0  # OWM's "does not happen"
    del doc["current"]["sunset"]
    doc["daily"][0]["sunrise"] = 0
    doc["daily"][0]["sunset"] = 0
    del doc["hourly"]
    del doc["daily"][1]["weather"]
    del doc["daily"][1]["pop"]
    values = parse_weather(Node(doc, "owm"), BOSTON, True)
    assert (values["sunrise"], values["sunset"]) == (None, None)
    assert (values["daily"][0]["sunrise"], values["daily"][0]["sunset"]) == (None, None)
    assert values["hourly"] == []
    assert values["daily"][1]["condition"] is None
    assert values["daily"][1]["precipitation_probability"] is None


def test_times_are_written_in_the_profile_timezone():
    values = parse_weather(Node(weather_doc(), "owm"), ZoneInfo("Asia/Kolkata"), True)
    assert values["current"]["time"] == "2026-02-07T03:07+05:30"
    # Boston's Feb 6 (noon there is 22:30 on Feb 6 in Kolkata) is before "now" and dropped
    assert values["daily"][0]["date"] == "2026-02-07"
    assert values["hourly"][0]["time"] == "2026-02-07T02:30+05:30"


def test_hourly_starts_at_the_hour_containing_now_across_the_dst_change():
    doc = weather_doc()
    start = int(datetime(2026, 11, 1, 4, 0, tzinfo=UTC).timestamp())  # 00:00 EDT
    for index, entry in enumerate(doc["hourly"]):
        entry["dt"] = start + 3600 * index
    doc["current"]["dt"] = start + 2 * 3600 + 1800  # 06:30 UTC: 01:30 EST, the second 01:30
    hours = parse_weather(Node(doc, "owm"), BOSTON, True)["hourly"]
    assert [hour["time"] for hour in hours[:2]] == ["2026-11-01T01:00-05:00",
                                                    "2026-11-01T02:00-05:00"]


async def test_real_one_call_recording(upstream):
    path = shared_fixture("owm-onecall/"
                          "home-assistant-greenwich-2024-10-25-onecall3-current-minutely-hourly-daily.json")
    raw = json.loads(path.read_bytes())
    upstream.route(ONECALL, Reply(path))
    result = await fetch_weather(upstream.url)
    values = result.update.values
    current = values["current"]
    # The recording was made without units=..., so its temperatures are in kelvin: the values
    # carry them through unchanged.
    assert current["temperature"] == raw["current"]["temp"] == 287.89
    assert current["feels_like"] == raw["current"]["feels_like"]
    assert current["humidity"] == raw["current"]["humidity"]
    assert current["wind_speed"] == raw["current"]["wind_speed"]
    assert current["wind_direction"] == raw["current"]["wind_deg"]
    assert current["wind_gusts"] is None  # not in this current block
    assert (current["code"], current["condition"], current["description"]) == (
        500, "rain", "Light rain")
    assert current["is_day"] is True  # icon 10d
    moment = datetime.fromtimestamp(raw["current"]["dt"], UTC)
    assert datetime.fromisoformat(current["time"]) == moment.replace(second=0)
    assert current["time"].endswith("-04:00")  # Boston, the profile's zone
    assert len(values["hourly"]) == 24
    assert values["hourly"][0]["temperature"] == raw["hourly"][0]["temp"]
    assert values["hourly"][0]["condition"] == "cloudy"  # 804
    assert len(values["daily"]) == 7
    first = values["daily"][0]
    assert (first["high"], first["low"]) == (raw["daily"][0]["temp"]["max"],
                                              raw["daily"][0]["temp"]["min"])
    assert first["precipitation_probability"] == 20  # pop 0.2
    assert datetime.fromisoformat(values["sunset"]) == datetime.fromtimestamp(
        raw["current"]["sunset"], UTC).replace(second=0)


# air ----------------------------------------------------------------------------------------


async def test_air_values_match_the_response(upstream):
    upstream.route(AIR, Reply(fixture_path(AIR_FIXTURE)))
    result = await fetch_air(upstream.url)
    update = result.update
    assert (update.type, update.source) == ("air", "openweathermap")
    assert update.valid == NOW + timedelta(hours=1)
    # PM2.5 14.26 -> 14.2: (100-51)/(35.4-9.1) * (14.2-9.1) + 51 = 60.5 -> 61
    assert update.values == {
        "time": "2026-02-06T16:00-05:00",
        "aqi": 61,
        "category": "Moderate",
        "color": "#ffff00",
        "pollutant": "pm2_5",
        "pollutant_name": "PM2.5",
        "concentrations": {"pm2_5": 14.26, "pm10": 17.83, "o3": 61.51, "no2": 21.94,
                           "so2": 2.47, "co": 283.72},
    }
    query = upstream.hits(AIR)[0].query
    assert query == {"lat": ["42.36"], "lon": ["-71.06"], "appid": [KEY]}


async def test_air_missing_key(upstream):
    with pytest.raises(MissingSecretError, match=r"^air: missing secret 'owm_api_key'"):
        await fetch_values("air", upstream.url, provider="openweathermap")


async def test_air_401_does_not_reveal_the_key(upstream):
    upstream.route(AIR, Reply(b'{"cod":401,"message":"Invalid API key."}', status=401))
    with pytest.raises(UpstreamError) as caught:
        await fetch_air(upstream.url)
    assert "401" in str(caught.value)
    assert KEY not in str(caught.value)


async def test_air_retries_a_500_then_succeeds(upstream):
    upstream.route(AIR, Reply(b"", status=502), Reply(fixture_path(AIR_FIXTURE)))
    result = await fetch_air(upstream.url)
    assert result.update.values["aqi"] == 61
    assert len(upstream.hits(AIR)) == 2


async def test_air_read_timeout(upstream):
    upstream.route(AIR, Reply(fixture_path(AIR_FIXTURE), delay=1.0))
    with pytest.raises(UpstreamError, match=r"^air: openweathermap unreachable \(read timeout"):
        await fetch_air(upstream.url, timeout=0.2)


async def test_air_malformed_json(upstream):
    upstream.route(AIR, Reply(b'{"list": [{"main"'))
    with pytest.raises(DataError, match=r"^air: openweathermap: response is not valid JSON"):
        await fetch_air(upstream.url)


@pytest.mark.parametrize(("body", "field"), [
    ({"coord": {}}, "openweathermap.list"),
    ({"list": []}, "openweathermap.list"),
    ({"list": [{"dt": 1770411600}]}, "openweathermap.list[0].components"),
    ({"list": [{"components": {"pm2_5": 3}}]}, "openweathermap.list[0].dt"),
    ({"list": [{"dt": 1770411600, "components": {"co": 250.0}}]},
     "openweathermap.list[0].components"),
])
async def test_air_missing_required_field_is_named(upstream, body, field):
    upstream.route(AIR, Reply(json.dumps(body)))
    with pytest.raises(DataError) as caught:
        await fetch_air(upstream.url)
    assert caught.value.field == field


async def test_air_current_recording(upstream):
    path = shared_fixture("owm-air-pollution/pyowm-london-2021-01-25-current.json")
    components = json.loads(path.read_bytes())["list"][0]["components"]
    upstream.route(AIR, Reply(path))
    values = (await fetch_air(upstream.url)).update.values
    assert values["time"] == "2021-01-25T13:00-05:00"  # dt 1611597600 = 18:00 UTC
    assert values["concentrations"] == {key: components[key]
                                        for key in ("pm2_5", "pm10", "o3", "no2", "so2", "co")}
    # NO2 35.99 µg/m³ = 19.1 ppb -> 19: 50/53 * 19 = 17.9 -> 18, above PM2.5's 17
    assert (values["aqi"], values["pollutant"], values["category"]) == (18, "no2", "Good")


async def test_air_forecast_shape_reads_the_entry_at_the_fetch_time(upstream):
    path = shared_fixture("owm-air-pollution/pyowm-lat50-lon50-2021-02-18-forecast-2-entries.json")
    entries = json.loads(path.read_bytes())["list"]
    upstream.route(AIR, Reply(path))
    between = datetime(2021, 2, 18, 0, 30, tzinfo=UTC)
    values = (await fetch_air(upstream.url, now=between)).update.values
    assert values["concentrations"]["no2"] == entries[0]["components"]["no2"]
    later = (await fetch_air(upstream.url)).update.values
    assert later["concentrations"]["no2"] == entries[1]["components"]["no2"]
    assert later["time"] == "2021-02-17T20:00-05:00"


# properties ---------------------------------------------------------------------------------

KEYS = ["current", "hourly", "daily", "dt", "temp", "weather", "id", "icon",
        "description", "sunrise", "sunset", "max", "min", "pop", "list",
        "components", "pm2_5", "o3", "wind_speed"]
leaves = json_values | st.integers(0, 2**34) | st.sampled_from(["10d", "01n", "light rain"])
shaped = keyed_json(KEYS, leaves, max_leaves=30, max_list=4)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(document=shaped, imperial=st.booleans())
def test_any_json_gives_weather_values_or_a_data_error(document, imperial):
    try:
        values = parse_weather(Node(document, "openweathermap"), BOSTON, imperial)
    except DataError:
        return
    assert isinstance(values["current"]["temperature"], float)
    assert len(values["hourly"]) <= 24
    assert len(values["daily"]) <= 7


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(document=shaped)
def test_any_json_gives_air_values_or_a_data_error(document):
    try:
        values = parse_air(Node(document, "openweathermap"), NOW, BOSTON)
    except DataError:
        return
    assert 0 <= values["aqi"] <= 500


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated(weather_doc()), imperial=st.booleans())
def test_a_damaged_one_call_gives_values_or_a_data_error(document, imperial):
    try:
        values = parse_weather(Node(document, "openweathermap"), BOSTON, imperial)
    except DataError:
        return
    assert isinstance(values["current"]["temperature"], float)
    assert all(isinstance(hour["temperature"], float) for hour in values["hourly"])
    assert all(isinstance(day["high"], float) for day in values["daily"])


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated(json.loads(fixture_path(AIR_FIXTURE).read_text())))
def test_a_damaged_air_answer_gives_values_or_a_data_error(document):
    try:
        values = parse_air(Node(document, "openweathermap"), NOW, BOSTON)
    except DataError:
        return
    assert 0 <= values["aqi"] <= 500
