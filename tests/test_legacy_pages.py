"""Every page that draws a legacy type, drawn from the project's own legacy messages
(tests/fixtures/legacy/messages.jsonl, one per shape, written after the corpus) once translated:
PNG snapshots, and no page falls back to "unreadable data"."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from syrupy.assertion import SnapshotAssertion

from dashcli.core.envelope import Update
from dashcli.renderers import page_spec, render
from dashcli.sources.legacy import Settings
from dashcli.store.legacy import LegacyDecoder, decode_json
from tests.conftest import fixture_path
from tests.pages import draw_strict

pytest_plugins = ["tests.snapshots"]

EDT = timezone(timedelta(hours=-4))
NOW = datetime(2026, 9, 27, 13, 30, 20, tzinfo=EDT)
PAGES = ["weather", "hourly", "forecast", "moon", "calendar", "events", "github", "mlb", "nfl",
         "status", "nflweek", "services", "track"]


FAVORITES = {"mlb": frozenset({"BOS"}), "nfl": frozenset({"NE"})}


def legacy_updates(units: str = "imperial") -> list[Update]:
    """The fixture's messages through the ingest's decoder, in order."""
    decoder = LegacyDecoder(Settings(units, FAVORITES))
    updates = []
    lines = fixture_path("legacy/messages.jsonl").read_text().splitlines()
    for seq, line in enumerate(lines, start=1):
        record = json.loads(line)
        update = decoder.update(decode_json(record["message"]), raw=record["channel"] == "raw")
        assert update is not None, record["note"]
        assert not decoder.translation_problems, (record["note"], decoder.translation_problems)
        updates.append(update.with_seq(seq))
    return updates


def legacy_state(units: str = "imperial") -> dict[str, Update]:
    """The latest update of each type."""
    return {update.type: update for update in legacy_updates(units)}


def test_every_shape_is_translated() -> None:
    state = legacy_state()
    assert set(state) == {"weather", "air", "moon", "calendar", "events", "github", "mlb",
                          "nfl", "track", "services"}
    assert [s["name"] for s in state["services"].values["services"]] == ["AQI", "MLB", "Weather"]
    # Gen C: no valid, so the old period (Calendar: 877 s) after updated; "No events" is empty.
    calendar = next(update for update in legacy_updates() if update.type == "calendar")
    assert calendar.valid - calendar.updated == timedelta(seconds=877)
    assert calendar.values == {"today": [], "week": [], "current": None, "next": None}
    assert [event["title"] for event in state["calendar"].values["week"]] == [
        "Soccer practice", "Dinner with Zoé", "Dentist"]
    assert state["calendar"].values["current"]["title"] == "Soccer practice"
    weather = state["weather"].values
    assert weather["current"]["wind_direction"] == 225.0
    assert weather["current"]["condition"] == "partly-cloudy"
    assert [hour["time"][11:16] for hour in weather["hourly"][-3:]] == ["18:00", "19:00", "20:00"]
    assert [(hour["is_day"], hour["condition"]) for hour in weather["hourly"][-2:]] == [
        (False, "clear"), (False, "clear")]
    assert [day["weekday"] for day in weather["daily"][:3]] == ["Sun", "Mon", "Tue"]
    games = state["mlb"].values["games"]
    # The favourite first, then live games, then by start.
    assert [(game["id"], game["favorite"]) for game in games] == [
        ("1", True), ("2", False), ("3", False), ("4", False)]
    mlb = {game["id"]: game for game in games}
    assert mlb["1"]["situation"]["bases"] == {"first": True, "second": False, "third": True}
    assert mlb["1"]["detail"] == "Top 7th"
    assert mlb["2"]["situation"]["half"] == "middle"
    assert mlb["2"]["situation"]["outs"] is None
    assert (mlb["3"]["away"]["score"], mlb["3"]["home"]["score"]) == (2, 5)
    assert mlb["4"]["away"]["score"] is None
    nfl = state["nfl"].values
    assert nfl["week"] == {"season_type": "Regular Season", "name": "Week 4",
                           "dates": "Sep 24-30"}
    assert [game["away"]["abbreviation"] for game in nfl["games"]] == ["BUF", "MIA", "KC", "GB"]
    live = nfl["games"][0]["situation"]
    assert live == {"period": 3, "clock": "8:42", "possession": "NE",
                    "down_distance": "3rd & 7 at BUF 18", "red_zone": True,
                    "last_play": "Stevenson run for 4 yards."}
    events = state["events"].values["upcoming"]
    assert [(e["name"], e["days_until"], e["ordinal"]) for e in events] == [
        ("Mom", 6, "65th"), ("Pat & Sam", 48, "12th"), ("Jamie", 154, "11th")]
    track = state["track"].values
    assert (track["latitude"], track["course"], track["fix"]) == (42.3581, 22.5, True)


def test_metric_profiles_get_metric_weather() -> None:
    current = legacy_state("metric")["weather"].values["current"]
    assert (current["temperature"], current["wind_speed"]) == (20.2, 18.0)


@pytest.mark.parametrize("page", PAGES)
def test_pages_draw_legacy_data(page: str, frame_snapshot: SnapshotAssertion) -> None:
    state = legacy_state()
    if page != "status":
        draw_strict(page, state, now=NOW)  # raises where the page cannot read a value
    for kind in page_spec(page).types:
        assert kind in state
    assert frame_snapshot == render(page, state, NOW, timezone="America/New_York",
                                    clock="12h")
