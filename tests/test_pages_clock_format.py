"""12-hour times on every page that shows a time of day, as PNG snapshots (128×64 and 64×32).

The 24-hour form is what the other page tests snapshot (it stays pixel-identical); here each page
is drawn with ``clock="12h"`` in the states where its times are longest: double-digit hours,
noon and midnight, start times beside the stale marker's corner. The helper's strings, the frame
cache's key and the profile's resolved format are tested alongside.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image, ImageChops

from dashcli.core.envelope import Update
from dashcli.core.values import ClockFormat
from dashcli.renderers import FrameCache, cache_key, render
from dashcli.renderers.demo import DEMO_TIMEZONE
from dashcli.renderers.format import TimeStyle, time_of_day
from tests import test_pages_calendar, test_pages_mlb, test_pages_nfl, test_pages_scoreboard
from tests.pages import (
    LARGE,
    NOW,
    SIZES,
    Values,
    demo_values,
    each_size,
    edited,
    marker_box_is_free,
    state,
    values_of,
    with_values,
)

pytest_plugins = ["tests.snapshots"]



def draw12(page: str, states: dict[str, Update], size: tuple[int, int] = LARGE,
           now: datetime = NOW) -> Image.Image:
    """The page in 12-hour form at the demo moment in Boston; the marker's corner stays free."""
    image = render(page, states, now, size=size, timezone=DEMO_TIMEZONE, clock="12h")
    assert image.size == size
    assert marker_box_is_free(image)
    return image


# --- the helper ---------------------------------------------------------------------------

HELPER_CASES: list[tuple[int, int, TimeStyle, str, str]] = [
    (13, 40, "full", "13:40", "1:40 PM"),
    (13, 40, "short", "13:40", "1:40p"),
    (13, 40, "bare", "13:40", "1:40"),
    (0, 5, "full", "00:05", "12:05 AM"),
    (12, 0, "full", "12:00", "12:00 PM"),
    (9, 7, "short", "09:07", "9:07a"),
    (23, 59, "full", "23:59", "11:59 PM"),
    (13, 0, "hour", "13:00", "1PM"),
    (0, 0, "hour", "00:00", "12AM"),
    (12, 0, "hour-short", "12", "12P"),
    (7, 0, "hour-short", "07", "7A"),
]


@pytest.mark.parametrize(("hour", "minute", "style", "h24", "h12"), HELPER_CASES)
def test_time_of_day(hour: int, minute: int, style: TimeStyle, h24: str, h12: str) -> None:
    moment = datetime(2026, 9, 27, hour, minute, tzinfo=UTC)
    assert time_of_day(moment, "24h", style) == h24
    assert time_of_day(moment, "12h", style) == h12


def test_24h_is_the_default_and_an_unknown_format_is_refused() -> None:
    from dashcli.core.errors import UsageError

    assert render("clock", {}, NOW, timezone=DEMO_TIMEZONE) == render(
        "clock", {}, NOW, timezone=DEMO_TIMEZONE, clock="24h")
    with pytest.raises(UsageError, match="clock format"):
        render("clock", {}, NOW, clock="13h")  # type: ignore[arg-type]


def test_the_frame_cache_keys_on_the_clock_format() -> None:
    demo = state("weather")
    assert cache_key("weather", demo, NOW, LARGE, "UTC", None, "12h") != cache_key(
        "weather", demo, NOW, LARGE, "UTC", None, "24h")
    cache = FrameCache()
    formats: list[ClockFormat] = ["24h", "12h", "24h", "12h"]
    frames = [cache.render("clock", {}, NOW, timezone=DEMO_TIMEZONE, clock=clock)
              for clock in formats]
    assert (cache.misses, cache.hits) == (2, 2)
    assert frames[0] is frames[2]
    assert frames[1] is frames[3]
    assert frames[0] != frames[1]
    assert frames[1] == draw12("clock", {})


# --- clock ------------------------------------------------------------------------------------

CLOCK_MOMENTS = {
    "pm": datetime(2026, 9, 27, 17, 40, tzinfo=UTC),  # 1:40 PM
    "midnight": datetime(2026, 1, 1, 5, 0, tzinfo=UTC),  # 12:00 AM, the widest digits
    "am": datetime(2026, 11, 25, 16, 58, tzinfo=UTC),  # 11:58 AM
}


@each_size
@pytest.mark.parametrize("moment", CLOCK_MOMENTS)
def test_clock(moment: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    assert frame_snapshot == draw12("clock", {}, size, CLOCK_MOMENTS[moment])


def test_clock_digits_stay_centred() -> None:
    """12:00 AM draws the digits exactly where the 24-hour clock draws 12:00; only AM is added,
    right of them."""
    midnight = datetime(2026, 1, 1, 5, 0, tzinfo=UTC)
    noon = datetime(2026, 1, 1, 17, 0, tzinfo=UTC)  # the same digits and date in 24-hour form
    for size in SIZES.values():
        h24 = render("clock", {}, noon, size=size, timezone=DEMO_TIMEZONE)
        h12 = draw12("clock", {}, size, midnight)
        digits = h24.crop((0, 0, size[0], size[1] // 2)).getbbox()
        added = ImageChops.difference(h12, h24).getbbox()
        assert digits is not None
        assert added is not None
        assert added[0] >= digits[2]


# --- weather, moon, hourly --------------------------------------------------------------------


def test_weather_sunset(frame_snapshot: Any) -> None:
    assert frame_snapshot == draw12("weather", state("weather", "air"))


def moon_late() -> dict[str, Update]:
    """Every time with a double-digit hour: the widest 12-hour text in the rise/set table."""
    base = state("moon")
    values = values_of(base, "moon")
    values["today"].update(sunrise="2026-09-27T10:58-04:00", sunset="2026-09-27T12:31-04:00",
                           moonrise="2026-09-27T11:14-04:00", moonset="2026-09-27T22:02-04:00")
    return edited(base, "moon", values)


@each_size
@pytest.mark.parametrize("case", ["demo", "double-digit-hours"])
def test_moon(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    states = state("moon") if case == "demo" else moon_late()
    assert frame_snapshot == draw12("moon", states, size)


HOURLY_MOMENTS = {"afternoon": NOW, "evening": datetime(2026, 9, 28, 1, 40, tzinfo=UTC),
                  "night": datetime(2026, 9, 28, 6, 40, tzinfo=UTC)}


@each_size
@pytest.mark.parametrize("moment", HOURLY_MOMENTS)
def test_hourly(moment: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    """Afternoon: 1PM to 11PM; evening (9:40 PM): across midnight; night (2:40 AM): to 12PM,
    the widest label, in the last column."""
    now = HOURLY_MOMENTS[moment]
    demo = state("weather")["weather"]
    fresh = Update(demo.type, demo.updated, now + timedelta(hours=1), demo.values, demo.source,
                   demo.seq)  # still valid at 9:40 PM: the marker's corner must stay free
    assert frame_snapshot == draw12("hourly", {"weather": fresh}, size, now)


# --- sports -----------------------------------------------------------------------------------


def late_start(values: Values, start: str) -> Values:
    changed = copy.deepcopy(values)
    changed["games"][0]["start"] = start
    return changed


MLB = {
    "demo": demo_values("mlb"),
    "pre": test_pages_mlb.CASES["pre"],
    "pre-double-digit": late_start(test_pages_mlb.CASES["pre"], "2026-09-27T22:10-04:00"),
    "delayed": test_pages_mlb.CASES["delayed"],
    "cancelled": test_pages_mlb.CASES["cancelled"],
}


@each_size
@pytest.mark.parametrize("case", MLB)
def test_mlb(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    assert frame_snapshot == draw12("mlb", with_values("mlb", MLB[case]), size)


NFL = {
    "demo": demo_values("nfl"),
    "pre": test_pages_nfl.CASES["pre"],
    "pre-double-digit": late_start(test_pages_nfl.CASES["pre"], "2026-09-27T12:05-04:00"),
    "postponed": test_pages_nfl.CASES["postponed"],
}


@each_size
@pytest.mark.parametrize("case", NFL)
def test_nfl(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    assert frame_snapshot == draw12("nfl", with_values("nfl", NFL[case]), size)


def scoreboard_pre_late(kind: str) -> Values:
    """Every game before its start, from 10:00 PM: the widest times, first in the list."""
    values = test_pages_scoreboard.cases(kind)["pre"]
    for index, game in enumerate(values["games"]):
        game["start"] = f"2026-09-27T{22 + index}:00-04:00"
    return values


SCOREBOARD = {
    "nba-demo": ("nba", demo_values("nba")),
    "nhl-pre": ("nhl", test_pages_scoreboard.cases("nhl")["pre"]),
    "nba-pre-late": ("nba", scoreboard_pre_late("nba")),
}


@each_size
@pytest.mark.parametrize("case", SCOREBOARD)
def test_scoreboard(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    kind, values = SCOREBOARD[case]
    states = with_values(kind, values)
    assert frame_snapshot == draw12(kind, states, size)


# --- calendar ---------------------------------------------------------------------------------


def calendar_late() -> Values:
    """Now until 10:30 PM, next at 11:45 PM, the rest of the week at double-digit hours."""
    values = demo_values("calendar")
    values["current"].update(start="2026-09-27T13:00-04:00", end="2026-09-27T22:30-04:00")
    values["next"].update(start="2026-09-27T23:45-04:00", end="2026-09-28T00:30-04:00")
    for event in values["week"]:
        if not event["all_day"] and event["title"] not in ("Soccer practice",
                                                           "Dinner with Sam & Alex"):
            event["start"] = event["start"][:11] + "10:15-04:00"
            event["end"] = event["start"][:11] + "12:00-04:00"
    return values


CALENDAR = {
    "demo": demo_values("calendar"),
    "next-tomorrow": test_pages_calendar.CASES["next-tomorrow"],
    "double-digit-hours": calendar_late(),
}


@each_size
@pytest.mark.parametrize("case", CALENDAR)
def test_calendar(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    states = with_values("calendar", CALENDAR[case])
    assert frame_snapshot == draw12("calendar", states, size)
