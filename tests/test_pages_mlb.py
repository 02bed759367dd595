"""The MLB page: every game state as PNG snapshots (128×64 and 64×32), stale, no data, unreadable.

The featured game is the first of the day; each case edits the demo day so one state is shown:
live with runners and a count, between halves, before, final (and extra innings), postponed,
suspended, delayed, cancelled, and a day without games.
"""

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

KIND = "mlb"


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
    "live": demo_values(KIND),
    "live-full-count": featured(KIND, full_count),
    "middle-of-inning": featured(KIND, between("middle")),
    "end-of-inning": featured(KIND, between("end")),
    "live-without-linescore": featured(KIND, lambda game: game.update(detail="In Progress",
                                                                      situation=None)),
    "pre": featured(KIND, pre),
    "final": featured(KIND, final("Final")),
    "final-extra-innings": featured(KIND, final("Final/10")),
    "postponed": featured(KIND, not_played("postponed", "Postponed", started=False)),
    "suspended": featured(KIND, not_played("suspended", "Suspended: Rain", started=True)),
    "delayed": featured(KIND, not_played("delayed", "Delayed: Rain", started=True)),
    "cancelled": featured(KIND, not_played("cancelled", "Cancelled", started=False)),
    "no-games": {**demo_values(KIND), "games": []},
    "one-game": {**demo_values(KIND), "games": demo_values(KIND)["games"][:1]},
}


@each_size
@pytest.mark.parametrize("case", CASES)
def test_game_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    check_case(frame_snapshot, KIND, CASES[case], size)


@each_size
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    broken = featured(KIND, lambda game: game["situation"].pop("bases"))
    check_stale_no_data_unreadable(frame_snapshot, KIND, size, broken)


def test_states_draw_differently() -> None:
    """A postponed game does not look like a final, nor a suspended one like a live one."""
    frames = frames_by_case(KIND, CASES)
    assert len(set(frames.values())) == len(frames)


def test_has_content_only_with_games() -> None:
    assert has_content(KIND, with_values(KIND, demo_values(KIND)), NOW)
    assert not has_content(KIND, with_values(KIND, CASES["no-games"]), NOW)
    assert not has_content(KIND, {}, NOW)


def test_dark_team_colours_are_lifted() -> None:
    """The Yankees' navy (#0c2340) would vanish on LEDs: the home abbreviation is brighter."""
    image = draw(KIND, with_values(KIND, demo_values(KIND)))
    home_row = image.crop((0, 19, 40, 35))
    colours = {colour for _, colour in home_row.getcolors(4096) or [] if colour != (0, 0, 0)}
    assert colours
    assert all(max(colour) >= 150 for colour in colours)
