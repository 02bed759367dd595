"""The NFL page: pre-game, live with possession (and the red zone), half-time, final, overtime
final, postponed, no games; stale, no data and unreadable; 128×64 and 64×32 snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dashcli.envelope import Update
from renderers import has_content
from tests.pages import LARGE, NOW, SMALL, draw, edited, marker_box_is_free, state, values_of

pytest_plugins = ["tests.snapshots"]

KIND = "nfl"
SIZES = {"128x64": LARGE, "64x32": SMALL}
Values = dict[str, Any]


def demo_values() -> Values:
    return values_of(state(KIND), KIND)


def with_values(values: Values, *, stale: bool = False) -> dict[str, Update]:
    """The demo entry (fresh, or expired) carrying ``values``."""
    return edited(state(KIND, stale=(KIND,) if stale else ()), KIND, values)


def featured(change: Callable[[Values], None]) -> Values:
    """The demo day with its first (featured) game changed by ``change``."""
    values = demo_values()
    change(values["games"][0])
    return values


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
    "live-possession": demo_values(),
    "red-zone": featured(red_zone),
    "halftime": featured(halftime),
    "pre": featured(pre),
    "final": featured(final("Final")),
    "final-overtime": featured(final("Final/OT")),
    "postponed": featured(postponed),
    "no-games": {**demo_values(), "games": []},
}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("case", CASES)
def test_game_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    image = draw(KIND, with_values(CASES[case]), size)
    assert marker_box_is_free(image)
    assert frame_snapshot == image


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    stale = draw(KIND, with_values(demo_values(), stale=True), size)
    assert stale.getpixel((size[0] - 1, 0)) != (0, 0, 0)
    assert frame_snapshot(name="stale") == stale
    assert frame_snapshot(name="no-data") == draw(KIND, {}, size)
    broken = featured(lambda game: game["situation"].pop("red_zone"))
    assert frame_snapshot(name="unreadable") == draw(KIND, with_values(broken), size)


def test_states_draw_differently() -> None:
    frames = {case: draw(KIND, with_values(values)).tobytes() for case, values in CASES.items()}
    assert len(set(frames.values())) == len(frames)


def test_football_marks_the_team_with_the_ball() -> None:
    """The football (brown) is drawn on the row of the team in possession only."""
    brown = (150, 80, 30)
    image = draw(KIND, with_values(demo_values()))  # NE, the home team, has the ball
    away_row, home_row = image.crop((64, 1, 78, 17)), image.crop((64, 19, 78, 35))
    assert brown not in {colour for _, colour in away_row.getcolors(4096) or []}
    assert brown in {colour for _, colour in home_row.getcolors(4096) or []}


def test_red_zone_band() -> None:
    normal, red = draw(KIND, with_values(demo_values())), draw(KIND, with_values(CASES["red-zone"]))
    assert normal.getpixel((1, 40)) == (0, 0, 0)
    assert red.getpixel((1, 40)) != (0, 0, 0)


def test_has_content_only_with_games() -> None:
    assert has_content(KIND, with_values(demo_values()), NOW)
    assert not has_content(KIND, with_values(CASES["no-games"]), NOW)
