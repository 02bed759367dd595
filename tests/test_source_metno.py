"""met.no Sunrise 3.0 (sun and moon) against a real local server: four concurrent requests."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashcli.sources.errors import DataError, UpstreamError
from dashcli.sources.metno import parse_day, parse_moon, parse_phase, phase_name, utc_offset
from dashcli.sources.validate import Node
from tests.conftest import fetch_values, fixture_path, shared_fixture
from tests.json_mutations import json_values, keyed_json, mutated
from tests.replay import Reply

SUN = "/weatherapi/sunrise/3.0/sun"
MOON = "/weatherapi/sunrise/3.0/moon"
TODAY, TOMORROW = "2026-02-06", "2026-02-07"  # NOW is 16:40 in Boston on Feb 6
BOSTON = ZoneInfo("America/New_York")


def boston(upstream, *, delay: float = 0.0, **replace: Reply | tuple[Reply, ...]) -> None:
    """Route the four Boston fixtures by date; ``replace`` swaps one (``sun_today=Reply(...)``)
    for a reply or a sequence of replies."""
    for body, path in (("sun", SUN), ("moon", MOON)):
        for label, day in (("today", TODAY), ("tomorrow", TOMORROW)):
            replies = replace.get(f"{body}_{label}") or Reply(
                fixture_path(f"metno/{body}-boston-{day}.json"), delay=delay)
            if isinstance(replies, Reply):
                replies = (replies,)
            upstream.route(path, *replies, query={"date": day})


def fixture_doc(name: str) -> dict:
    return json.loads(fixture_path(f"metno/{name}.json").read_text())


async def test_values_match_the_responses(upstream):
    boston(upstream)
    result = await fetch_values("moon", upstream.url)
    update = result.update
    assert (update.type, update.source) == ("moon", "met.no")
    assert update.valid == datetime(2026, 2, 7, 0, 0, tzinfo=BOSTON)  # the next local midnight
    assert update.values == {
        "phase": {"angle": 237.52, "illumination": 0.769, "name": "Waning Gibbous"},
        "today": {"date": TODAY, "sunrise": "2026-02-06T06:53-05:00",
                  "sunset": "2026-02-06T17:10-05:00", "moonrise": "2026-02-06T22:49-05:00",
                  "moonset": "2026-02-06T09:38-05:00"},
        "tomorrow": {"date": TOMORROW, "sunrise": "2026-02-07T06:52-05:00",
                     "sunset": "2026-02-07T17:11-05:00", "moonrise": "2026-02-07T23:58-05:00",
                     "moonset": "2026-02-07T10:05-05:00"},
    }
    raw = json.loads(result.raw)
    assert raw["sun"][TOMORROW] == fixture_doc(f"sun-boston-{TOMORROW}")
    assert raw["moon"][TODAY] == fixture_doc(f"moon-boston-{TODAY}")


async def test_four_requests_identify_themselves_with_date_and_offset(upstream):
    boston(upstream)
    await fetch_values("moon", upstream.url)
    assert len(upstream.requests) == 4
    asked = sorted((request.path, request.query["date"][0]) for request in upstream.requests)
    assert asked == [(MOON, TODAY), (MOON, TOMORROW), (SUN, TODAY), (SUN, TOMORROW)]
    for request in upstream.requests:
        assert request.query["offset"] == ["-05:00"]
        assert (request.query["lat"], request.query["lon"]) == (["42.36"], ["-71.06"])
        # met.no answers 403 to requests without an identifying User-Agent
        assert request.headers["User-Agent"].startswith("dashcli/")
        assert "github.com" in request.headers["User-Agent"]


async def test_the_requests_run_concurrently(upstream):
    boston(upstream, delay=0.6)
    started = time.monotonic()
    await fetch_values("moon", upstream.url)
    elapsed = time.monotonic() - started
    assert elapsed < 1.8, f"4 requests of 0.6 s took {elapsed:.2f} s: not concurrent"


async def test_each_day_asks_with_its_own_offset(upstream):
    # Boston moves to daylight time on 2026-03-08: today is -05:00, tomorrow -04:00
    upstream.route(SUN, Reply(fixture_path(f"metno/sun-boston-{TODAY}.json")))
    upstream.route(MOON, Reply(fixture_path(f"metno/moon-boston-{TODAY}.json")))
    await fetch_values("moon", upstream.url, now=datetime(2026, 3, 7, 18, 0, tzinfo=UTC))
    offsets = {request.query["date"][0]: request.query["offset"][0]
               for request in upstream.requests}
    assert offsets == {"2026-03-07": "-05:00", "2026-03-08": "-04:00"}


@pytest.mark.parametrize(("zone", "day", "expected"), [
    ("America/New_York", date(2026, 2, 6), "-05:00"),
    ("America/New_York", date(2026, 7, 4), "-04:00"),
    ("Asia/Kolkata", date(2026, 2, 6), "+05:30"),
    ("America/St_Johns", date(2026, 2, 6), "-03:30"),
    ("Europe/Oslo", date(2026, 6, 21), "+02:00"),
    ("UTC", date(2026, 2, 6), "+00:00"),
])
def test_utc_offset(zone, day, expected):
    assert utc_offset(day, ZoneInfo(zone)) == expected


async def test_retries_a_500_then_succeeds(upstream):
    boston(upstream, moon_tomorrow=(
        Reply(b"busy", status=500), Reply(fixture_path(f"metno/moon-boston-{TOMORROW}.json"))))
    result = await fetch_values("moon", upstream.url)
    assert result.update.values["tomorrow"]["moonrise"] == "2026-02-07T23:58-05:00"
    tomorrow_moon = [r for r in upstream.hits(MOON) if r.query["date"] == [TOMORROW]]
    assert len(tomorrow_moon) == 2


async def test_a_timeout_on_one_request_is_one_clear_error(upstream):
    boston(upstream, sun_tomorrow=Reply(b"{}", delay=1.0))
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("moon", upstream.url, timeout=0.2)
    assert str(caught.value) == (
        f"moon: met.no unreachable (read timeout after 0.2 s): {upstream.url}{SUN}")


async def test_unreachable_upstream():
    with pytest.raises(UpstreamError, match=r"^moon: met\.no unreachable \(connection refused\)"):
        await fetch_values("moon", "http://127.0.0.1:9")


async def test_malformed_json_names_the_document(upstream):
    boston(upstream, moon_today=Reply(b'{"properties": {"moonphase": 2'))
    with pytest.raises(DataError) as caught:
        await fetch_values("moon", upstream.url)
    assert str(caught.value).startswith(
        f"moon: met.no.moon[{TODAY}]: response is not valid JSON")


async def test_missing_moonphase_is_named(upstream):
    doc = fixture_doc(f"moon-boston-{TODAY}")
    del doc["properties"]["moonphase"]
    boston(upstream, moon_today=Reply(json.dumps(doc)))
    with pytest.raises(DataError) as caught:
        await fetch_values("moon", upstream.url)
    assert caught.value.field == f"met.no.moon[{TODAY}].properties.moonphase"


async def test_missing_properties_is_named(upstream):
    doc = fixture_doc(f"sun-boston-{TOMORROW}")
    del doc["properties"]
    boston(upstream, sun_tomorrow=Reply(json.dumps(doc)))
    with pytest.raises(DataError) as caught:
        await fetch_values("moon", upstream.url)
    assert caught.value.field == f"met.no.sun[{TOMORROW}].properties"


def test_a_time_at_the_end_of_the_calendar_is_a_data_error():
    sun = fixture_doc(f"sun-boston-{TODAY}")
    sun["properties"]["sunrise"]["time"] = "0001-01-01T00:00+05:00"
    with pytest.raises(DataError, match=r"s\.properties\.sunrise\.time: time out of range"):
        parse_day(Node(sun, "s"), Node(fixture_doc(f"moon-boston-{TODAY}"), "m"),
                  date(2026, 2, 6), BOSTON)


async def test_bad_time_is_named(upstream):
    doc = fixture_doc(f"sun-boston-{TODAY}")
    doc["properties"]["sunset"]["time"] = "dusk"
    boston(upstream, sun_today=Reply(json.dumps(doc)))
    with pytest.raises(DataError, match=r"met\.no\.sun\[2026-02-06\]\.properties\.sunset\.time"):
        await fetch_values("moon", upstream.url)


async def test_polar_night_has_no_sun_times_and_old_phase_shape_is_read(upstream):
    # Tromsø answers for any date: the sun neither rises nor sets, the moon does not set
    upstream.route(SUN, Reply(fixture_path("metno/sun-tromso-2026-12-20-polar-night.json")))
    upstream.route(MOON, Reply(fixture_path("metno/moon-tromso-2026-12-20-phase-object.json")))
    now = datetime(2026, 12, 20, 15, 0, tzinfo=UTC)
    values = (await fetch_values("moon", upstream.url, now=now)).update.values
    today = values["today"]
    assert (today["sunrise"], today["sunset"], today["moonset"]) == (None, None, None)
    assert today["moonrise"] == "2026-12-20T06:31-05:00"  # 12:31+01:00 in the profile's zone
    assert values["phase"] == {"angle": 104.6, "illumination": 0.626, "name": "Waxing Gibbous"}


def test_absent_event_objects_read_as_none():
    sun = fixture_doc(f"sun-boston-{TODAY}")
    moon = fixture_doc(f"moon-boston-{TODAY}")
    del sun["properties"]["sunrise"]
    moon["properties"]["moonset"] = None
    documents = {(body, day): Node(doc, body)
                 for body, doc in (("sun", sun), ("moon", moon))
                 for day in (date(2026, 2, 6), date(2026, 2, 7))}
    values = parse_moon(documents, date(2026, 2, 6), BOSTON)
    assert values["today"]["sunrise"] is None
    assert values["today"]["moonset"] is None
    assert values["today"]["sunset"] == "2026-02-06T17:10-05:00"


@pytest.mark.parametrize(("angle", "name"), [
    (0, "New Moon"), (5.9, "New Moon"), (359, "New Moon"), (360, "New Moon"), (-1, "New Moon"),
    (6.5, "Waxing Crescent"), (45, "Waxing Crescent"), (83, "Waxing Crescent"),
    (85, "First Quarter"), (90, "First Quarter"), (96, "First Quarter"),
    (97, "Waxing Gibbous"), (135, "Waxing Gibbous"), (173, "Waxing Gibbous"),
    (175, "Full Moon"), (180, "Full Moon"), (186, "Full Moon"),
    (187, "Waning Gibbous"), (225, "Waning Gibbous"), (263, "Waning Gibbous"),
    (265, "Last Quarter"), (270, "Last Quarter"), (276, "Last Quarter"),
    (277, "Waning Crescent"), (315, "Waning Crescent"), (353, "Waning Crescent"),
])
def test_phase_names(angle, name):
    assert phase_name(angle) == name


@pytest.mark.parametrize(("angle", "illumination"), [
    (0, 0.0), (90, 0.5), (180, 1.0), (270, 0.5), (60, 0.25), (120, 0.75),
])
def test_illumination(angle, illumination):
    phase = parse_phase(Node({"properties": {"moonphase": angle}}, "moon"))
    assert phase["illumination"] == pytest.approx(illumination, abs=0.001)


def test_phase_accepts_the_object_shape_and_rejects_other_types():
    assert parse_phase(Node({"properties": {"moonphase": {"value": 288.54}}}, "m"))["angle"] == (
        288.54)
    with pytest.raises(DataError, match=r"m\.properties\.moonphase: expected a number"):
        parse_phase(Node({"properties": {"moonphase": "full"}}, "m"))
    with pytest.raises(DataError, match=r"m\.properties\.moonphase\.value: required field"):
        parse_phase(Node({"properties": {"moonphase": {}}}, "m"))


SUN_RECORDINGS = [
    "metno-sunrise/weather-graph-sun-43.1N-5.7E-2024-09-24-offset+0100.json",
    "metno-sunrise/apolloshell-sun-berlin-2026-09-14-offset+0200.json",
    "metno-sunrise/janhovland-sun-bergen-2023-10-29-offset+0200.json",
]
MOON_RECORDING = "metno-sunrise/weather-graph-moon-43.1N-5.7E-2024-09-24-offset+0100.json"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("recording", SUN_RECORDINGS)
async def test_real_recordings_parse(upstream, recording):
    sun_path, moon_path = shared_fixture(recording), shared_fixture(MOON_RECORDING)
    sun = json.loads(sun_path.read_bytes())["properties"]
    moon = json.loads(moon_path.read_bytes())["properties"]
    upstream.route(SUN, Reply(sun_path))
    upstream.route(MOON, Reply(moon_path))
    values = (await fetch_values("moon", upstream.url)).update.values
    for day in ("today", "tomorrow"):
        # the profile is Boston's: the same instants, written in Boston's offset
        assert instant(values[day]["sunrise"]) == instant(sun["sunrise"]["time"])
        assert instant(values[day]["sunset"]) == instant(sun["sunset"]["time"])
        assert instant(values[day]["moonrise"]) == instant(moon["moonrise"]["time"])
        assert instant(values[day]["moonset"]) == instant(moon["moonset"]["time"])
        assert values[day]["sunrise"].endswith(("-04:00", "-05:00"))
    assert values["phase"]["angle"] == moon["moonphase"] == 260.08
    # 260.08°: just before last quarter (270°), about 59 % lit
    assert values["phase"]["name"] == "Waning Gibbous"
    assert values["phase"]["illumination"] == pytest.approx(0.586, abs=0.001)


KEYS = ["properties", "moonphase", "value", "sunrise", "sunset", "moonrise",
        "moonset", "time", "body"]
leaves = json_values | st.sampled_from(["2026-02-06T06:53-05:00", "2026-02-06T06:53", "x",
                                        "0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
shaped = keyed_json(KEYS, leaves, max_leaves=30)


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(documents=st.lists(shaped, min_size=4, max_size=4))
def test_any_json_gives_values_or_a_data_error(documents):
    today, tomorrow = date(2026, 2, 6), date(2026, 2, 7)
    nodes = dict(zip([("sun", today), ("moon", today), ("sun", tomorrow), ("moon", tomorrow)],
                     (Node(doc, "met.no") for doc in documents), strict=True))
    try:
        values = parse_moon(nodes, today, BOSTON)
    except DataError:
        return
    assert 0 <= values["phase"]["angle"] <= 360
    assert 0 <= values["phase"]["illumination"] <= 1
    assert values["today"]["date"] == "2026-02-06"


def intact_or_damaged(name: str) -> st.SearchStrategy[object]:
    doc = fixture_doc(name)
    return st.just(doc) | mutated(doc, max_changes=2)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(documents=st.tuples(*(intact_or_damaged(f"{body}-boston-{day}")
                             for day in (TODAY, TOMORROW) for body in ("sun", "moon"))))
def test_damaged_responses_give_values_or_a_data_error(documents):
    today, tomorrow = date(2026, 2, 6), date(2026, 2, 7)
    keys = [("sun", today), ("moon", today), ("sun", tomorrow), ("moon", tomorrow)]
    nodes = {key: Node(doc, "met.no") for key, doc in zip(keys, documents, strict=True)}
    try:
        values = parse_moon(nodes, today, BOSTON)
    except DataError:
        return
    assert 0 <= values["phase"]["angle"] <= 360
    for day in ("today", "tomorrow"):
        for event in ("sunrise", "sunset", "moonrise", "moonset"):
            moment = values[day][event]
            assert moment is None or datetime.fromisoformat(moment).utcoffset() is not None
