"""The NFL page: pre-game, live with possession (and the red zone), half-time, final, overtime
final, postponed, no games; stale, no data and unreadable; 128×64 and 64×32 snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dashcli.renderers import has_content
from tests.pages import (
    NOW,
    Values,
    check_case,
    check_stale_no_data_unreadable,
    demo_values,
    draw,
    each_size,
    featured,
    frames_by_case,
    with_values,
)

pytest_plugins = ["tests.snapshots"]

KIND = "nfl"


def red_zone(game: Values) -> None:
    game["detail"] = "0:38 - 4th"
    game["situation"].update(period=4, clock="0:38", possession="BUF",
                             down_distance="2nd & Goal at NE 3", red_zone=True,
                             last_play="Allen pass short left to Kincaid for 9 yards.")


def halftime(game: Values) -> None:
    game["detail"] = "Halftime"
    game["situation"].update(period=2, clock="0:00", possession=None, down_distance=None,
                             last_play=None)


def pre(game: Values) -> None:
    game.update(state="pre", detail="8:20 PM", start="2026-09-27T20:20-04:00", situation=None)
    game["away"]["score"] = game["home"]["score"] = None


def final(detail: str) -> Callable[[Values], None]:
    def change(game: Values) -> None:
        game.update(state="post", detail=detail, situation=None)
        game["away"]["score"], game["home"]["score"] = 23, 20
    return change


def postponed(game: Values) -> None:
    game.update(state="postponed", detail="Postponed", situation=None)
    game["away"]["score"] = game["home"]["score"] = None


CASES: dict[str, Values] = {
    "live-possession": demo_values(KIND),
    "red-zone": featured(KIND, red_zone),
    "halftime": featured(KIND, halftime),
    "pre": featured(KIND, pre),
    "final": featured(KIND, final("Final")),
    "final-overtime": featured(KIND, final("Final/OT")),
    "postponed": featured(KIND, postponed),
    "no-games": {**demo_values(KIND), "games": []},
}


@each_size
@pytest.mark.parametrize("case", CASES)
def test_game_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    check_case(frame_snapshot, KIND, CASES[case], size)


@each_size
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    broken = featured(KIND, lambda game: game["situation"].pop("red_zone"))
    check_stale_no_data_unreadable(frame_snapshot, KIND, size, broken)


def test_states_draw_differently() -> None:
    frames = frames_by_case(KIND, CASES)
    assert len(set(frames.values())) == len(frames)


def test_football_marks_the_team_with_the_ball() -> None:
    """The football (brown) is drawn on the row of the team in possession only."""
    brown = (150, 80, 30)
    image = draw(KIND, with_values(KIND, demo_values(KIND)))  # NE, the home team, has the ball
    away_row, home_row = image.crop((64, 1, 78, 17)), image.crop((64, 19, 78, 35))
    assert brown not in {colour for _, colour in away_row.getcolors(4096) or []}
    assert brown in {colour for _, colour in home_row.getcolors(4096) or []}


def test_red_zone_band() -> None:
    normal = draw(KIND, with_values(KIND, demo_values(KIND)))
    red = draw(KIND, with_values(KIND, CASES["red-zone"]))
    assert normal.getpixel((1, 40)) == (0, 0, 0)
    assert red.getpixel((1, 40)) != (0, 0, 0)


def test_has_content_only_with_games() -> None:
    assert has_content(KIND, with_values(KIND, demo_values(KIND)), NOW)
    assert not has_content(KIND, with_values(KIND, CASES["no-games"]), NOW)
