"""The events page: an occasion today, tomorrow, in some days (with and without ordinals, long
names), an empty list; stale, no data and unreadable; 128×64 and 64×32 snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dashcli.envelope import Update
from renderers import has_content
from tests.pages import LARGE, NOW, SMALL, draw, edited, marker_box_is_free, state, values_of

pytest_plugins = ["tests.snapshots"]

KIND = "events"
SIZES = {"128x64": LARGE, "64x32": SMALL}
Values = dict[str, Any]


def demo_values() -> Values:
    return values_of(state(KIND), KIND)


def with_values(values: Values, *, stale: bool = False) -> dict[str, Update]:
    """The demo entry (fresh, or expired) carrying ``values``."""
    return edited(state(KIND, stale=(KIND,) if stale else ()), KIND, values)


def first_becomes(**fields: object) -> Values:
    values = demo_values()
    values["upcoming"][0].update(fields)
    return values


def changed(change: Callable[[Values], None]) -> Values:
    values = demo_values()
    change(values)
    return values


def anniversary_first(values: Values) -> None:
    """The anniversary (long name) comes first; the list arrives unsorted."""
    values["upcoming"][2].update(days_until=1, date="2026-09-28")


CASES: dict[str, Values] = {
    "upcoming": demo_values(),
    "today": first_becomes(days_until=0, date="2026-09-27"),
    "tomorrow-long-name": changed(anniversary_first),
    "holiday-first": {"upcoming": demo_values()["upcoming"][1:2]},
    "empty": {"upcoming": []},
}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("case", CASES)
def test_events_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    image = draw(KIND, with_values(CASES[case]), size)
    assert marker_box_is_free(image)
    assert frame_snapshot == image


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    stale = draw(KIND, with_values(demo_values(), stale=True), size)
    assert stale.getpixel((size[0] - 1, 0)) != (0, 0, 0)
    assert frame_snapshot(name="stale") == stale
    assert frame_snapshot(name="no-data") == draw(KIND, {}, size)
    broken = first_becomes(days_until="six")
    assert frame_snapshot(name="unreadable") == draw(KIND, with_values(broken), size)


def test_soonest_first_whatever_the_order() -> None:
    """The list is drawn by days until, not in the order it arrives."""
    values = demo_values()
    values["upcoming"].reverse()
    assert draw(KIND, with_values(values)) == draw(KIND, with_values(demo_values()))


def test_states_draw_differently() -> None:
    frames = {case: draw(KIND, with_values(values)).tobytes() for case, values in CASES.items()}
    assert len(set(frames.values())) == len(frames)


def test_has_content_only_with_occasions() -> None:
    assert has_content(KIND, with_values(demo_values()), NOW)
    assert not has_content(KIND, with_values(CASES["empty"]), NOW)
