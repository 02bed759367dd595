"""``--demo`` follows the profile: a Berlin metric profile gets °C and km/h, Berlin's sunrise and
sunset, the Bundesliga and the demo's wall-clock time in Berlin; a league the demo has no clubs
for gets no soccer; the Boston profile the demo was made for gets it unchanged."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from dashcli.displays.build import profile_demo
from dashcli.profiles.schema import Profile
from dashcli.renderers import render
from dashcli.renderers.demo import DEMO_NOW, demo_state
from tests.test_cli import dash

BERLIN = {"location": {"name": "Berlin", "latitude": 52.52, "longitude": 13.40,
                       "timezone": "Europe/Berlin"}, "units": "metric"}


def test_a_berlin_metric_profile_gets_celsius_berlins_sun_and_the_bundesliga():
    state, moment = profile_demo(Profile.model_validate(BERLIN))
    assert moment == datetime(2026, 9, 27, 13, 40, tzinfo=ZoneInfo("Europe/Berlin"))
    weather = state["weather"].values
    assert weather["units"] == {"temperature": "°C", "wind": "km/h"}
    assert weather["current"]["temperature"] == 20.2  # 68.4 °F
    assert weather["current"]["wind_speed"] == 18.0  # 11.2 mph
    assert weather["sunrise"].startswith("2026-09-27T07:00")
    assert weather["sunset"].startswith("2026-09-27T18:52")
    assert state["moon"].values["today"]["sunset"] == weather["sunset"]
    soccer = state["soccer"].values
    assert soccer["league"] == "ger.1"
    assert soccer["games"][0]["home"]["abbreviation"] == "BVB"
    # Times keep their wall-clock time: the demo's games are still live at 13:40 in Berlin.
    assert soccer["games"][0]["start"] == "2026-09-27T12:30+02:00"
    assert state["clock"].values["timezone"] == "Europe/Berlin"
    assert not state["weather"].is_stale(moment)


def test_a_league_without_demo_clubs_gets_no_soccer():
    profile = Profile.model_validate({**BERLIN, "sources": {"soccer": {"league": "ita.1"}}})
    state, _ = profile_demo(profile)
    assert "soccer" not in state
    assert "weather" in state


def test_the_shipped_place_gets_the_demo_unchanged():
    profile = Profile.model_validate({"location": {"name": "Boston", "latitude": 42.36,
                                                   "longitude": -71.06,
                                                   "timezone": "America/New_York"},
                                      "units": "imperial"})
    state, moment = profile_demo(profile)
    assert moment == DEMO_NOW
    assert {kind: update.values for kind, update in state.items()} == \
        {kind: update.values for kind, update in demo_state().items()}


def test_dash_render_demo_draws_at_the_profiles_place(tmp_path: Path):
    path = tmp_path / "berlin.yaml"
    path.write_text("location: {name: Berlin, latitude: 52.52, longitude: 13.40, "
                    "timezone: Europe/Berlin}\nunits: metric\n")
    out = tmp_path / "weather.png"
    result = dash("render", "weather", "--demo", "--profile", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    state, moment = profile_demo(Profile.model_validate(BERLIN))
    expected = render("weather", state, moment, timezone="Europe/Berlin", clock="24h")
    with Image.open(out) as image:
        assert image.convert("RGB").tobytes() == expected.tobytes()
