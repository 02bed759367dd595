"""Long text scrolls: the marquee's position is a pure function of time (still and shortened at
each whole minute, then 30 px/s), frames at one instant are identical, the frame cache and the
display loop redraw only while a marquee moves."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from PIL import Image, ImageChops

from dashcli.core.envelope import Update
from dashcli.displays.cycle import CyclePage, PageCycle
from dashcli.displays.loop import DisplayLoop
from dashcli.displays.model import DisplayModel
from dashcli.renderers import FrameCache, changes_at, render, render_traced
from dashcli.renderers.demo import DEMO_NOW, demo_update
from dashcli.renderers.fonts import body_font
from dashcli.renderers.layout import layout_problems
from dashcli.renderers.marquee import END_PAUSE, SCROLL_SPEED, START_PAUSE, offset, running
from dashcli.renderers.text import draw_text, fit
from tests.layouts import LONG, entry

MINUTE = DEMO_NOW.timestamp()  # a whole minute


def events(name: str) -> dict[str, Update]:
    values = copy.deepcopy(demo_update("events").values)
    for occasion in values["upcoming"]:
        occasion["name"] = "Mom"
    values["upcoming"][0]["name"] = name
    return {"events": entry("events", values, DEMO_NOW)}


def long_events() -> dict[str, Update]:
    return events(LONG)


@pytest.mark.parametrize(("seconds", "expected"), [
    (0.0, (None, START_PAUSE)),
    (1.5, (None, 0.5)),
    (START_PAUSE, (0, 1 / SCROLL_SPEED)),
    (START_PAUSE + 0.5, (15, 1 / SCROLL_SPEED)),
    (START_PAUSE + 2.0, (60, END_PAUSE)),          # 60 px overflow: the end, resting
    (START_PAUSE + 2.0 + END_PAUSE, (None, START_PAUSE)),  # and over again
    (59.5, (60, 0.5)),                              # resting; the new minute starts still
    (60.0, (None, START_PAUSE)),
])
def test_offset_is_a_pure_function_of_time(seconds: float, expected: tuple[int | None, float]):
    shift, wait = offset(MINUTE + seconds, 60)
    assert shift == expected[0]
    assert wait == pytest.approx(expected[1])


def test_draw_text_scrolls_within_its_width_only_during_a_render():
    font, text = body_font(), LONG
    still = Image.new("RGB", (64, 16))
    draw_text(still, font, text, (2, 2), (255, 255, 255), max_width=40)
    with running(MINUTE) as motion:
        resting = Image.new("RGB", (64, 16))
        draw_text(resting, font, text, (2, 2), (255, 255, 255), max_width=40)
    assert resting.tobytes() == still.tobytes()  # shortened with an ellipsis while it rests
    assert motion.next_change == pytest.approx(START_PAUSE)
    assert fit(font, text, 40).endswith("…")
    with running(MINUTE + START_PAUSE + 1.0) as motion:
        moved = Image.new("RGB", (64, 16))
        box = draw_text(moved, font, text, (2, 2), (255, 255, 255), max_width=40)
    assert box == (2, 2, 42, 2 + font.height)
    lit = moved.getbbox()
    assert lit is not None
    assert lit[0] >= 2
    assert lit[2] <= 42
    assert moved.tobytes() != resting.tobytes()
    assert motion.next_change == pytest.approx(1 / SCROLL_SPEED)


def test_a_page_with_a_long_name_moves_and_stays_deterministic():
    state = long_events()
    at_minute = render("events", state, DEMO_NOW)
    scrolling = DEMO_NOW + timedelta(seconds=START_PAUSE + 0.5)
    first = render("events", state, scrolling)
    again = render("events", state, scrolling)
    later = render("events", state, scrolling + timedelta(seconds=0.5))
    assert ImageChops.difference(first, again).getbbox() is None
    assert ImageChops.difference(first, at_minute).getbbox() is not None
    assert ImageChops.difference(first, later).getbbox() is not None
    assert changes_at(at_minute) == pytest.approx(MINUTE + START_PAUSE)
    assert changes_at(first) == pytest.approx(scrolling.timestamp() + 1 / SCROLL_SPEED, abs=0.04)
    image, runs = render_traced("events", state, scrolling)
    assert layout_problems(runs, image.size) == []


def test_nothing_moves_without_long_text():
    assert changes_at(render("events", events("Leo"), DEMO_NOW)) is None
    assert changes_at(render("clock", {}, DEMO_NOW + timedelta(seconds=3))) is None


def test_the_frame_cache_redraws_a_marquee_only_when_it_moves():
    cache, state = FrameCache(), long_events()
    scrolling = DEMO_NOW + timedelta(seconds=START_PAUSE + 0.5)
    first = cache.render("events", state, scrolling)
    assert cache.render("events", state, scrolling + timedelta(seconds=0.01)) is first
    moved = cache.render("events", state, scrolling + timedelta(seconds=0.1))
    assert moved is not first
    resting = cache.render("events", state, DEMO_NOW)
    assert cache.render("events", state, DEMO_NOW + timedelta(seconds=1)) is resting
    assert (cache.hits, cache.misses) == (2, 3)


async def test_the_display_loop_wakes_per_marquee_step_only_while_it_moves():
    model = DisplayModel()
    model.state.update(long_events())
    now = [DEMO_NOW]
    cache = FrameCache()

    def draw(page: str, state: object, moment: object, *, part: int = 0) -> Image.Image:
        return cache.render(page, model.state, now[0], part=part)

    loop = DisplayLoop(model, PageCycle([CyclePage("events", 60)]), draw, lambda frame: None,
                       clock=lambda: now[0])
    await loop.step()
    assert loop.seconds_to_wake(now[0]) == pytest.approx(min(START_PAUSE, 1.0))
    now[0] = DEMO_NOW + timedelta(seconds=START_PAUSE + 0.5)
    assert await loop.step() is not None
    assert loop.seconds_to_wake(now[0]) <= 1 / SCROLL_SPEED + 1e-6
    now[0] += timedelta(seconds=0.01)
    assert await loop.step() is None  # same marquee position: nothing shown
    loop.frame_interval = 0.1  # a terminal's 10 frames/s: the marquee skips positions
    assert loop.seconds_to_wake(now[0]) == pytest.approx(0.1)
    model.state.clear()
    model.state.update(events("Leo"))
    now[0] = DEMO_NOW + timedelta(seconds=5)
    await loop.step()
    assert loop.seconds_to_wake(now[0]) == pytest.approx(1.0)  # at rest: MAX_WAIT as before
