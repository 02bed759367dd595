"""The inReach source: the latest point of a MapShare KML feed, served by the replay server, with
the optional password; the recorded feed of the old system; bad feeds are one clear line."""

from __future__ import annotations

import base64

import pytest

from dashcli.sources.errors import DataError
from dashcli.sources.inreach import parse_feed
from tests.conftest import FixedSecrets, fetch_values, fixture_path, shared_fixture
from tests.replay import ReplayServer, Reply

FEED = "/Feed/Share/robin"


async def test_the_latest_point_becomes_track_values(upstream: ReplayServer) -> None:
    upstream.route(FEED, Reply(fixture_path("inreach/feed.kml"),
                               content_type="application/vnd.google-earth.kml+xml"))
    result = await fetch_values("track", upstream.url, user="robin")
    assert result.update.type == "track"
    assert result.update.source == "inreach"
    assert result.update.values == {
        "time": "2026-09-27T13:24:10-04:00", "name": "Robin Sailor",
        "latitude": 42.3581, "longitude": -70.9636, "elevation": 1.5,
        "speed_knots": 4.21, "course": 22.5, "course_text": "NNE", "fix": True,
    }
    assert "Authorization" not in upstream.hits(FEED)[0].headers


async def test_a_password_is_sent_as_basic_auth(upstream: ReplayServer) -> None:
    upstream.route(FEED, Reply(fixture_path("inreach/feed.kml")))
    await fetch_values("track", upstream.url, user="robin",
                       secrets=FixedSecrets(inreach_password="s3cret"))
    sent = upstream.hits(FEED)[0].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode(b":s3cret").decode()


def test_the_old_systems_recorded_feed() -> None:
    values = parse_feed(shared_fixture("legacy/gen-b/inputs/inreach-feed.kml").read_bytes(),
                        __import__("zoneinfo").ZoneInfo("America/New_York"))
    # The old garmin.py published Velocity 5.93 kn and Course "ESE" from the same feed.
    assert (values["speed_knots"], values["course_text"]) == (5.94, "ESE")
    assert values["time"] == "2026-06-14T11:10:30-04:00"


@pytest.mark.parametrize(("body", "problem"), [
    (b"<kml", "inreach: response is not valid KML"),
    (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml>&a;</kml>',
     "inreach: response is not valid KML"),
    (b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>',
     "inreach: the feed holds no position"),
    (fixture_path("inreach/feed.kml").read_bytes().replace(b"42.358100", b"north"),
     "inreach.ExtendedData.Latitude: not a number: 'north'"),
    (fixture_path("inreach/feed.kml").read_bytes().replace(b"42.358100", b"142.0"),
     "inreach.ExtendedData: no such position"),
])
def test_bad_feeds_are_one_clear_line(body: bytes, problem: str) -> None:
    with pytest.raises(DataError) as caught:
        parse_feed(body, __import__("zoneinfo").ZoneInfo("UTC"))
    assert str(caught.value).startswith(problem)
