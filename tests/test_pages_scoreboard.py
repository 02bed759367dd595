"""The generic scoreboard (pages nba, nhl, soccer): each league with games in progress, before,
after, not played (postponed, suspended, delayed, cancelled), more games than rows and none;
stale, no data and unreadable; 128×64 and 64×32 snapshots."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dashcli.renderers import has_content
from dashcli.renderers.demo import DEMO_TIMEZONE
from dashcli.sources.espn import parse_scoreboard
from dashcli.sources.mlb_statsapi import parse_schedule
from dashcli.sources.validate import parse_json
from tests.conftest import SHARED_FIXTURES, shared_fixture
from tests.pages import (
    LARGE,
    NOW,
    SMALL,
    Values,
    check_case,
    check_stale_no_data_unreadable,
    demo_values,
    draw_strict,
    each_size,
    edited,
    frames_by_case,
    marker_box_is_free,
    state,
    with_values,
)

pytest_plugins = ["tests.snapshots"]

LEAGUES = ["nba", "nhl", "soccer"]
# A live situation and a final text per league
LIVE = {"nba": ({"period": 2, "clock": "3:41", "last_play": None}, "3:41 - 2nd"),
        "nhl": ({"period": 4, "clock": "2:10", "last_play": None}, "2:10 - OT"),
        "soccer": ({"period": 1, "clock": "33'", "last_play": None}, "33'")}
FINALS = {"nba": "Final/OT", "nhl": "Final/SO", "soccer": "FT"}


def every_game(kind: str, change: Callable[[int, Values], None]) -> Values:
    """The league's demo day with ``change(index, game)`` applied to each game."""
    values = demo_values(kind)
    for index, game in enumerate(values["games"]):
        change(index, game)
    return values


def scored(game: Values, away: int, home: int) -> None:
    game["away"]["score"], game["home"]["score"] = away, home


def unscored(game: Values) -> None:
    game["away"]["score"] = game["home"]["score"] = None


def live(kind: str) -> Callable[[int, Values], None]:
    def change(index: int, game: Values) -> None:
        situation, detail = LIVE[kind]
        game.update(state="in", detail=detail, situation=copy.deepcopy(situation))
        scored(game, 1 + index, 2 + index * 3)
    return change


def pre(index: int, game: Values) -> None:
    game.update(state="pre", detail="7:00 PM", start=f"2026-09-27T{19 + index}:00-04:00",
                situation=None)
    unscored(game)


def post(kind: str) -> Callable[[int, Values], None]:
    def change(index: int, game: Values) -> None:
        game.update(state="post", detail=FINALS[kind] if index == 0 else "Final", situation=None)
        scored(game, 3, 2 + 2 * index)
    return change


NOT_PLAYED = [("postponed", "Postponed"), ("suspended", "Suspended"), ("delayed", "Delayed"),
              ("cancelled", "Canceled")]


def not_played(kind: str) -> Values:
    """Four games, one per not-played state (the delayed one has a score)."""
    values = demo_values(kind)
    template = values["games"][0]
    values["games"] = []
    for index, (state_name, detail) in enumerate(NOT_PLAYED):
        game = copy.deepcopy(template)
        game.update(id=str(index), state=state_name, detail=detail, situation=None,
                    favorite=index == 0)
        if state_name == "delayed":
            scored(game, 1, 1)
        else:
            unscored(game)
        values["games"].append(game)
    return values


def many(kind: str) -> Values:
    """Nine games: more than the 128×64 list has rows for."""
    values = demo_values(kind)
    values["games"] = [copy.deepcopy(values["games"][index % 2]) for index in range(9)]
    return values


def cases(kind: str) -> dict[str, Values]:
    return {
        "demo": demo_values(kind),
        "in": every_game(kind, live(kind)),
        "pre": every_game(kind, pre),
        "post": every_game(kind, post(kind)),
        "not-played": not_played(kind),
        "many": many(kind),
        "no-games": {**demo_values(kind), "games": []},
    }


CASES = [(kind, case) for kind in LEAGUES for case in cases(kind)]


@each_size
@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_league_states(kind: str, case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    check_case(frame_snapshot, kind, cases(kind)[case], size)


@each_size
@pytest.mark.parametrize("kind", LEAGUES)
def test_stale_no_data_unreadable(kind: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    broken = every_game(kind, lambda _, game: game.update(state="halftime"))
    check_stale_no_data_unreadable(frame_snapshot, kind, size, broken)


@pytest.mark.parametrize("kind", LEAGUES)
def test_states_draw_differently(kind: str) -> None:
    frames = frames_by_case(kind, cases(kind))
    assert len(set(frames.values())) == len(frames)


@pytest.mark.parametrize("kind", LEAGUES)
def test_has_content_only_with_games(kind: str) -> None:
    assert has_content(kind, with_values(kind, demo_values(kind)), NOW)
    assert not has_content(kind, with_values(kind, cases(kind)["no-games"]), NOW)


# Real recordings (../shared/fixtures) through the sources: (page, folder, sport, league)
RECORDED = [("mlb", "espn-mlb-scoreboard", "baseball", "mlb"),
            ("mlb", "mlb-schedule", "baseball", "mlb"),
            ("nfl", "espn-nfl-scoreboard", "football", "nfl"),
            ("nba", "espn-nba-scoreboard", "basketball", "nba"),
            ("nhl", "espn-nhl-scoreboard", "hockey", "nhl"),
            ("soccer", "espn-soccer-scoreboard", "soccer", "usa.1")]
RECORDINGS = [(page, f"{folder}/{path.name}", sport, league)
              for page, folder, sport, league in RECORDED
              for path in sorted((SHARED_FIXTURES / folder).glob("*.json"))]


def recorded_values(relative: str, sport: str, league: str) -> Values:
    path = shared_fixture(relative)
    root = parse_json(path.read_bytes(), path.name)
    tz, day = ZoneInfo(DEMO_TIMEZONE), date(2026, 9, 27)
    if relative.startswith("mlb-schedule/"):
        return dict(parse_schedule(root, tz, day))
    return dict(parse_scoreboard(root, sport=sport, league=league, tz=tz, day=day))


@pytest.mark.parametrize(("page", "relative", "sport", "league"), RECORDINGS,
                         ids=[relative for _, relative, _, _ in RECORDINGS])
def test_real_recordings_draw_every_game_featured(page: str, relative: str, sport: str,
                                                  league: str) -> None:
    """Every game of the real responses, each in turn first (featured on MLB and NFL), draws
    in both layouts without a data error and keeps the marker corner free."""
    values = recorded_values(relative, sport, league)
    games = values["games"]
    assert games
    for index in range(len(games)):
        rotated = {**values, "games": games[index:] + games[:index]}
        states = edited(state(page), page, rotated)
        for size in (LARGE, SMALL):
            image = draw_strict(page, states, size)
            assert image.getbbox() is not None
            assert marker_box_is_free(image)
