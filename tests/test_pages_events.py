"""The events page: an occasion today, tomorrow, in some days (with and without ordinals, long
names), an empty list; stale, no data and unreadable; 128×64 and 64×32 snapshots."""

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
    frames_by_case,
    with_values,
)

pytest_plugins = ["tests.snapshots"]

KIND = "events"


def first_becomes(**fields: object) -> Values:
    values = demo_values(KIND)
    values["upcoming"][0].update(fields)
    return values


def changed(change: Callable[[Values], None]) -> Values:
    values = demo_values(KIND)
    change(values)
    return values


def anniversary_first(values: Values) -> None:
    """The anniversary (long name) comes first; the list arrives unsorted."""
    values["upcoming"][2].update(days_until=1, date="2026-09-28")


CASES: dict[str, Values] = {
    "upcoming": demo_values(KIND),
    "today": first_becomes(days_until=0, date="2026-09-27"),
    "tomorrow-long-name": changed(anniversary_first),
    "holiday-first": {"upcoming": demo_values(KIND)["upcoming"][1:2]},
    "empty": {"upcoming": []},
}


@each_size
@pytest.mark.parametrize("case", CASES)
def test_events_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    check_case(frame_snapshot, KIND, CASES[case], size)


@each_size
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    check_stale_no_data_unreadable(frame_snapshot, KIND, size, first_becomes(days_until="six"))


def test_soonest_first_whatever_the_order() -> None:
    """The list is drawn by days until, not in the order it arrives."""
    values = demo_values(KIND)
    values["upcoming"].reverse()
    assert draw(KIND, with_values(KIND, values)) == draw(KIND, with_values(KIND, demo_values(KIND)))


def test_states_draw_differently() -> None:
    frames = frames_by_case(KIND, CASES)
    assert len(set(frames.values())) == len(frames)


def test_has_content_only_with_occasions() -> None:
    assert has_content(KIND, with_values(KIND, demo_values(KIND)), NOW)
    assert not has_content(KIND, with_values(KIND, CASES["empty"]), NOW)
