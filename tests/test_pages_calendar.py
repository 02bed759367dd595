"""The calendar page: current and next event with the week below, an all-day event under way,
only a next event (tomorrow; two weeks away, with its date), everything past, an empty week;
stale, no data and unreadable; 128×64 and 64×32 snapshots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dashcli.renderers import has_content
from dashcli.renderers.demo import DEMO_TIMEZONE
from dashcli.sources.calendar import calendar_values
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
    frames_by_case,
    marker_box_is_free,
    with_values,
)

pytest_plugins = ["tests.snapshots"]

KIND = "calendar"


def changed(change: Callable[[Values], None]) -> Values:
    values = demo_values(KIND)
    change(values)
    return values


def all_day_now(values: Values) -> None:
    """The farmers market (all day) is the current event."""
    values["current"] = values["today"][0]


def next_tomorrow(values: Values) -> None:
    """Today is over: nothing under way, the dentist tomorrow is next."""
    dentist = values["week"][3]
    values["today"] = []
    values["week"] = values["week"][3:]
    values["current"], values["next"] = None, dentist


def all_past(values: Values) -> None:
    """Only events that already ended, nothing current or next."""
    values["week"] = values["today"] = [
        {"title": "Breakfast", "start": "2026-09-27T08:00-04:00",
         "end": "2026-09-27T09:00-04:00", "all_day": False, "location": None}]
    values["current"] = values["next"] = None


def next_in_two_weeks(values: Values) -> None:
    """Nothing this week; the next event is two weeks away: its date, not a weekday."""
    values["today"], values["week"], values["current"] = [], [], None
    values["next"] = {"title": "Parent-teacher meeting", "start": "2026-10-13T16:15-04:00",
                      "end": "2026-10-13T17:00-04:00", "all_day": False, "location": None}


CASES: dict[str, Values] = {
    "current-and-next": demo_values(KIND),
    "all-day-current": changed(all_day_now),
    "next-tomorrow": changed(next_tomorrow),
    "next-in-two-weeks": changed(next_in_two_weeks),
    "all-past": changed(all_past),
    "empty": {"today": [], "week": [], "current": None, "next": None},
}


@each_size
@pytest.mark.parametrize("case", CASES)
def test_calendar_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    check_case(frame_snapshot, KIND, CASES[case], size)


@each_size
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    broken = changed(lambda values: values["next"].update(start="next tuesday"))
    check_stale_no_data_unreadable(frame_snapshot, KIND, size, broken)


def test_states_draw_differently() -> None:
    frames = frames_by_case(KIND, CASES)
    assert len(set(frames.values())) == len(frames) - 1  # all past and empty both say "No events"
    assert frames["all-past"] == frames["empty"]


def test_has_content_only_with_events_left() -> None:
    assert has_content(KIND, with_values(KIND, demo_values(KIND)), NOW)
    assert has_content(KIND, with_values(KIND, CASES["next-tomorrow"]), NOW)
    assert not has_content(KIND, with_values(KIND, CASES["all-past"]), NOW)
    assert not has_content(KIND, with_values(KIND, CASES["empty"]), NOW)


RECORDINGS = sorted(path.name for path in (SHARED_FIXTURES / "ics-calendars").glob("*.ics"))
# Moments inside the recordings' spans (2019-2026), a weekday noon and a Christmas Eve evening
MOMENTS = ["2019-03-06T12:00", "2020-06-10T09:00", "2024-12-24T18:00", "2026-01-07T12:00"]


@pytest.mark.parametrize("recording", RECORDINGS)
def test_real_calendars_draw(recording: str) -> None:
    """The real ICS exports, expanded by the source at several moments, draw in both layouts."""
    path = shared_fixture(f"ics-calendars/{recording}")
    tz = ZoneInfo(DEMO_TIMEZONE)
    for moment in MOMENTS:
        now = datetime.fromisoformat(moment).replace(tzinfo=tz)
        values, _ = calendar_values(path.read_bytes(), recording, now, tz, 7)
        for size in (LARGE, SMALL):
            image = draw_strict(KIND, with_values(KIND, values), size, now)
            assert marker_box_is_free(image)
