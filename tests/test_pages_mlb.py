"""The MLB page: every game state as PNG snapshots (128×64 and 64×32), stale, no data, unreadable.

The featured game is the first of the day; each case edits the demo day so one state is shown:
live with runners and a count, between halves, before, final (and extra innings), postponed,
suspended, delayed, cancelled, and a day without games.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dashcli.envelope import Update
from renderers import has_content
from tests.pages import LARGE, NOW, SMALL, draw, edited, marker_box_is_free, state, values_of

pytest_plugins = ["tests.snapshots"]

KIND = "mlb"
SIZES = {"128x64": LARGE, "64x32": SMALL}
Values = dict[str, Any]


def demo_values() -> Values:
    return values_of(state(KIND), KIND)


def featured(change: Callable[[Values], None]) -> Values:
    """The demo day with its first (featured) game changed by ``change``."""
    values = demo_values()
    change(values["games"][0])
    return values


def full_count(game: Values) -> None:
    game["detail"] = "Bot 9th"
    game["situation"].update(inning=9, half="bottom", balls=3, strikes=2, outs=2,
                             bases={"first": True, "second": True, "third": True},
                             last_play="Mound visit.")


def between(half: str) -> Callable[[Values], None]:
    def change(game: Values) -> None:
        game["detail"] = f"{half.capitalize()} 7th"
        game["situation"].update(half=half, balls=None, strikes=None, outs=3 if half == "end"
                                 else None, bases={"first": False, "second": False,
                                                   "third": False}, last_play=None)
    return change


def pre(game: Values) -> None:
    game.update(state="pre", detail="7:05 PM", start="2026-09-27T19:05-04:00", situation=None)
    game["away"]["score"] = game["home"]["score"] = None


def final(detail: str) -> Callable[[Values], None]:
    def change(game: Values) -> None:
        game.update(state="post", detail=detail, situation=None)
        game["away"]["score"], game["home"]["score"] = 5, 4
    return change


def not_played(state_name: str, detail: str, *, started: bool) -> Callable[[Values], None]:
    def change(game: Values) -> None:
        game.update(state=state_name, detail=detail)
        if not started:
            game["situation"] = None
            game["away"]["score"] = game["home"]["score"] = None
    return change


CASES: dict[str, Values] = {
    "live": demo_values(),
    "live-full-count": featured(full_count),
    "middle-of-inning": featured(between("middle")),
    "end-of-inning": featured(between("end")),
    "live-without-linescore": featured(lambda game: game.update(detail="In Progress",
                                                                situation=None)),
    "pre": featured(pre),
    "final": featured(final("Final")),
    "final-extra-innings": featured(final("Final/10")),
    "postponed": featured(not_played("postponed", "Postponed", started=False)),
    "suspended": featured(not_played("suspended", "Suspended: Rain", started=True)),
    "delayed": featured(not_played("delayed", "Delayed: Rain", started=True)),
    "cancelled": featured(not_played("cancelled", "Cancelled", started=False)),
    "no-games": {**demo_values(), "games": []},
    "one-game": {**demo_values(), "games": demo_values()["games"][:1]},
}


def with_values(values: Values, *, stale: bool = False) -> dict[str, Update]:
    """The demo entry (fresh, or expired) carrying ``values``."""
    return edited(state(KIND, stale=(KIND,) if stale else ()), KIND, values)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("case", CASES)
def test_game_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    image = draw(KIND, with_values(CASES[case]), size)
    assert image.size == size
    assert marker_box_is_free(image)
    assert frame_snapshot == image


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    stale = draw(KIND, with_values(demo_values(), stale=True), size)
    assert stale.getpixel((size[0] - 1, 0)) != (0, 0, 0)
    assert frame_snapshot(name="stale") == stale
    assert frame_snapshot(name="no-data") == draw(KIND, {}, size)
    broken = featured(lambda game: game["situation"].pop("bases"))
    assert frame_snapshot(name="unreadable") == draw(KIND, with_values(broken), size)


def test_states_draw_differently() -> None:
    """A postponed game does not look like a final, nor a suspended one like a live one."""
    frames = {case: draw(KIND, with_values(values)).tobytes() for case, values in CASES.items()}
    assert len(set(frames.values())) == len(frames)


def test_has_content_only_with_games() -> None:
    assert has_content(KIND, with_values(demo_values()), NOW)
    assert not has_content(KIND, with_values(CASES["no-games"]), NOW)
    assert not has_content(KIND, {}, NOW)


def test_dark_team_colours_are_lifted() -> None:
    """The Yankees' navy (#0c2340) would vanish on LEDs: the home abbreviation is brighter."""
    image = draw(KIND, with_values(demo_values()))
    home_row = image.crop((0, 19, 40, 35))
    colours = {colour for _, colour in home_row.getcolors(4096) or [] if colour != (0, 0, 0)}
    assert colours
    assert all(max(colour) >= 150 for colour in colours)
