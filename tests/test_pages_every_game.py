"""Every game is reachable: scoreboards page through all of the day's games (live, upcoming,
final, then not played; favourites first in each), each frame its share of the page's seconds;
a favourite's live game lets a ``takeover`` cycle entry claim the cycle; team colours keep
their hue when lifted for LEDs, and MLB clubs get their brand colours."""

from __future__ import annotations

import colorsys
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dashcli.core.envelope import Update
from dashcli.displays.cycle import CyclePage, PageCycle
from dashcli.renderers import page_parts, render_traced, takes_over
from dashcli.renderers.colors import lifted, parse_color
from dashcli.renderers.pages.scoreboard import ordered, team_color
from dashcli.sources import espn
from dashcli.sources.validate import parse_json
from tests.conftest import shared_fixture
from tests.pages import LARGE, NOW, SMALL, demo_values

TZ = "America/New_York"
RECORDINGS = [
    ("mlb", "espn-mlb-scoreboard/teamtracker-2022-09-17-pre-in-post.json", "baseball", "mlb"),
    ("mlb", "espn-mlb-scoreboard/espn-openapi-2025-06-06-all-post-suspended.json", "baseball",
     "mlb"),
    ("nfl", "espn-nfl-scoreboard/teamtracker-2022-wk1-2022-09-11-pre-in-post.json", "football",
     "nfl"),
    ("nba", "espn-nba-scoreboard/espn-openapi-2024-12-15-all-post.json", "basketball", "nba"),
    ("soccer", "espn-soccer-scoreboard/teamtracker-usa1-mls-2022-09-17-pre-in-post.json",
     "soccer", "usa.1"),
]


def recorded(kind: str, relative: str, sport: str, league: str,
             teams: tuple[str, ...] = ()) -> dict[str, Any]:
    path = shared_fixture(relative)
    return dict(espn.parse_scoreboard(parse_json(path.read_bytes(), path.name), sport=sport,
                                      league=league, tz=ZoneInfo(TZ), day=date(2022, 9, 17),
                                      teams=teams))


def state_of(kind: str, values: dict[str, Any]) -> dict[str, Update]:
    return {kind: Update(kind, NOW, NOW + timedelta(hours=1), values, "test", 1)}


@pytest.mark.parametrize(("kind", "relative", "sport", "league"), RECORDINGS,
                         ids=[row[1].split("/")[1] for row in RECORDINGS])
@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["128x64", "64x32"])
def test_every_game_of_a_real_day_is_drawn_in_one_pass(kind, relative, sport, league, size):
    values = recorded(kind, relative, sport, league)
    state = state_of(kind, values)
    count = page_parts(kind, state, NOW, size=size, timezone=TZ)
    drawn: list[str] = []
    for part in range(count):
        _, runs = render_traced(kind, state, NOW, size=size, timezone=TZ, part=part)
        drawn += [run.text for run in runs]
    for game in values["games"]:
        for side in ("away", "home"):
            assert game[side]["abbreviation"] in drawn, (game["id"], side)
    # Each game once per pass: a doubleheader's team appears once per game.
    for team in {game["away"]["abbreviation"] for game in values["games"]}:
        plays = sum(team in (g["away"]["abbreviation"], g["home"]["abbreviation"])
                    for g in values["games"])
        assert drawn.count(team) == plays, team
    assert count > 1


def test_live_then_upcoming_then_final_favourites_first():
    games = [
        {"id": "final", "state": "post", "favorite": True, "start": "2026-09-27T13:00:00-04:00"},
        {"id": "late", "state": "pre", "favorite": False, "start": "2026-09-27T19:00:00-04:00"},
        {"id": "early", "state": "pre", "favorite": False, "start": "2026-09-27T16:00:00-04:00"},
        {"id": "ppd", "state": "postponed", "favorite": True, "start": "2026-09-27T12:00:00-04:00"},
        {"id": "live", "state": "in", "favorite": False, "start": "2026-09-27T13:05:00-04:00"},
        {"id": "fav-pre", "state": "pre", "favorite": True, "start": "2026-09-27T20:00:00-04:00"},
        {"id": "fav-live", "state": "in", "favorite": True, "start": "2026-09-27T13:10:00-04:00"},
    ]
    assert [game["id"] for game in ordered(games)] == [  # type: ignore[arg-type]
        "fav-live", "live", "fav-pre", "early", "late", "final", "ppd"]


def test_a_favourites_live_game_takes_over_the_cycle():
    values = demo_values("mlb")
    assert any(game["favorite"] and game["state"] == "in" for game in values["games"])
    state = state_of("mlb", values)
    assert takes_over("mlb", state, NOW, timezone=TZ)
    for game in values["games"]:
        game["favorite"] = False
    assert not takes_over("mlb", state_of("mlb", values), NOW, timezone=TZ)
    assert not takes_over("clock", {}, NOW, timezone=TZ)


def test_the_cycle_gives_each_frame_its_share_and_follows_takeovers():
    claims = {"mlb": False}
    cycle = PageCycle([CyclePage("clock", 10), CyclePage("mlb", 30, takeover=True),
                       CyclePage("nfl", 20)],
                      parts=lambda page: 3 if page == "mlb" else 1,
                      takes_over=lambda page: claims.get(page, False))
    seen = []
    for second in range(0, 60, 5):
        page = cycle.tick(NOW + timedelta(seconds=second))
        seen.append((page.page, cycle.part))
    assert seen == [("clock", 0), ("clock", 0), ("mlb", 0), ("mlb", 0), ("mlb", 1), ("mlb", 1),
                    ("mlb", 2), ("mlb", 2), ("nfl", 0), ("nfl", 0), ("nfl", 0), ("nfl", 0)]
    claims["mlb"] = True
    pages = [cycle.tick(NOW + timedelta(seconds=second)).page for second in range(60, 200, 5)]
    assert set(pages) == {"mlb"}
    assert cycle.control("next", NOW + timedelta(seconds=200))
    assert cycle.current.page == "mlb"  # the only page claiming the cycle
    claims["mlb"] = False
    pages = [cycle.tick(NOW + timedelta(seconds=second)).page for second in range(200, 300, 5)]
    assert {"clock", "nfl"} <= set(pages)


@pytest.mark.parametrize("color", ["#2b025b", "#002e4d", "#00006c", "#0e3386", "#981324",
                                   "#4c230e", "#204e32", "#003831", "#552583"])
def test_lifted_team_colours_keep_their_hue(color):
    original = parse_color(color)
    bright = lifted(original, 160)
    hue = colorsys.rgb_to_hsv(*(c / 255 for c in original))[0]
    assert colorsys.rgb_to_hsv(*(c / 255 for c in bright))[0] == pytest.approx(hue, abs=0.01)
    assert max(bright) >= 160
    assert 0.2126 * bright[0] + 0.7152 * bright[1] + 0.0722 * bright[2] >= 79.5


def test_a_black_primary_gives_way_to_a_coloured_alternate():
    team = {"abbreviation": "PIT", "name": "Pittsburgh", "color": "#000000",
            "alt_color": "#ffb612", "record": None, "score": None}
    assert team_color(team) == (255, 182, 18)  # type: ignore[arg-type]


def test_mlb_clubs_get_their_brand_colours():
    values = recorded("mlb", RECORDINGS[0][1], "baseball", "mlb")
    baltimore = next(game[side] for game in values["games"] for side in ("away", "home")
                     if game[side]["abbreviation"] == "BAL")
    assert baltimore["color"] == "#df4601"  # ESPN sends #201b1b, a mauve-grey when lifted
