"""Night mode and page conditions: the brightness schedule (clock times, sunrise/sunset at the
profile's location, off hours), the panel applying it as its brightness (frames unchanged, dark
when off), the previews' dimmed copy, and cycle entries' ``when`` (time window, fresh data, a
favourite team playing)."""

from __future__ import annotations

import asyncio
import types
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from dashcli.core.envelope import Update
from dashcli.displays.build import build_loop
from dashcli.displays.loop import DisplayLoop, Frame
from dashcli.displays.model import DisplayModel
from dashcli.displays.night import brightness_schedule, dimmed, sun_times
from dashcli.profiles.schema import Panel, Profile
from tests.test_display_loop import Clock, cycle_of
from tests.test_matrix import rgbmatrix  # noqa: F401 - the fake panel library fixture

BOSTON = {"name": "Boston", "latitude": 42.36, "longitude": -71.06,
          "timezone": "America/New_York"}
# 2026-09-27 in Boston: sunset about 18:33 EDT (22:33 UTC).
DAY = datetime(2026, 9, 27, tzinfo=UTC)


def profile(**display: Any) -> Profile:
    return Profile.model_validate({"location": BOSTON, "display": display})


def test_schedule_follows_clock_times_and_the_sun() -> None:
    level: Any = brightness_schedule(profile(brightness=[
        {"at": "07:00", "level": 80}, {"at": "sunset", "level": 30},
        {"at": "sunset+1h", "level": 0}]))
    _, sunset = sun_times(42.36, -71.06, "America/New_York", DAY.date())
    assert (sunset.hour, 20 <= sunset.minute <= 45) == (18, True)
    local = sunset.tzinfo
    assert level(datetime(2026, 9, 27, 6, 59, tzinfo=local)) == 0  # yesterday's last step
    assert level(datetime(2026, 9, 27, 7, 0, tzinfo=local)) == 80
    assert level(sunset - timedelta(minutes=1)) == 80
    assert level(sunset) == 30
    assert level(sunset + timedelta(minutes=59)) == 30
    assert level(sunset + timedelta(minutes=61)) == 0
    assert brightness_schedule(profile(panel={"brightness": 55})) is None


@pytest.mark.parametrize("bad", [{"at": "25:00", "level": 5}, {"at": "noon", "level": 5},
                                 {"at": "sunset", "level": 101}])
def test_bad_schedule_steps_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="brightness"):
        profile(brightness=[bad])


class Renderer:
    def __init__(self) -> None:
        self.image = Image.new("RGB", (128, 64), (200, 100, 50))

    def __call__(self, page: str, state: Any, now: Any, *, part: int = 0) -> Image.Image:
        return self.image


async def test_a_brightness_change_alone_shows_the_frame_again() -> None:
    clock = Clock()
    shown: list[Frame] = []
    levels = iter([100, 100, 40])
    loop = DisplayLoop(DisplayModel(), cycle_of(("clock", 60)), Renderer(), shown.append,
                       clock=clock, brightness=lambda now: next(levels))
    await loop.step()
    assert await loop.step() is None
    frame = await loop.step()
    assert frame is not None
    assert frame.brightness == 40
    assert frame.image is shown[0].image  # the frame itself is not dimmed


def test_previews_dim_a_copy() -> None:
    image = Image.new("RGB", (4, 4), (200, 100, 50))
    assert dimmed(image, 100) is image
    assert dimmed(image, 50).getpixel((0, 0)) == (100, 50, 25)
    assert dimmed(image, 0).getbbox() is None
    assert image.getpixel((0, 0)) == (200, 100, 50)


def test_the_panel_takes_the_level_and_is_dark_when_off(rgbmatrix: types.ModuleType) -> None:  # noqa: F811
    from dashcli.displays.panel import PanelDisplay, load_backend

    display = PanelDisplay(load_backend(False), Panel(chain_length=2))
    image = Image.new("RGB", display.size, (200, 100, 50))
    now = DAY
    display.show(Frame("clock", image, now, False, 0, 30))
    assert display.matrix.brightness == 30
    assert display.matrix.shown[-1].getpixel((0, 0)) == (200, 100, 50)
    display.show(Frame("clock", image, now, False, 0, 0))
    assert display.matrix.shown[-1].getbbox() is None
    assert image.getpixel((0, 0)) == (200, 100, 50)


def scoreboard(favorite: bool, valid: timedelta) -> Update:
    game = {"id": "1", "favorite": favorite, "state": "live"}
    return Update("mlb", DAY, DAY + valid, {"games": [game]}, "test", 1)


@pytest.mark.parametrize(("when", "hour", "favorite", "valid", "shown"), [
    ({"between": ["08:00", "22:00"]}, 12, True, timedelta(hours=1), True),
    ({"between": ["08:00", "22:00"]}, 23, True, timedelta(hours=1), False),
    ({"between": ["22:00", "06:00"]}, 23, True, timedelta(hours=1), True),
    ({"fresh": True}, 12, True, timedelta(hours=-1), False),
    ({"fresh": True}, 12, True, timedelta(days=2), True),
    ({"playing": True}, 12, False, timedelta(days=2), False),
    ({"playing": True}, 12, True, timedelta(days=2), True),
])
async def test_page_conditions(when: dict[str, Any], hour: int, favorite: bool,
                               valid: timedelta, shown: bool) -> None:
    entry = {"page": "mlb", "seconds": 10, "when": when}
    chosen = profile(cycle=[{"page": "clock", "seconds": 10}, entry], skip_empty=False)
    model = DisplayModel()
    model.apply(scoreboard(favorite, valid))
    now = datetime(2026, 9, 27, hour, 30, tzinfo=ZoneInfo("America/New_York"))
    loop = build_loop(chosen, model, lambda frame: None, clock=lambda: now)
    assert loop.cycle.has_content("mlb") is shown
    assert loop.cycle.has_content("clock") is True


async def test_the_web_preview_shows_the_off_hours_dark() -> None:
    import io

    import httpx

    from dashcli.store.base import MemoryStore
    from tests.test_server import serving

    store = MemoryStore()
    await store.open()
    dark = profile(brightness=[{"at": "00:00", "level": 0}],
                   cycle=[{"page": "clock", "seconds": 10}])
    async with serving(store, preview=dark) as base, httpx.AsyncClient(timeout=5) as http:
        for _ in range(100):
            info = (await http.get(f"{base}/frames/current.json")).json()
            if info["page"] is not None:
                break
            await asyncio.sleep(0.05)
        assert info["brightness"] == 0
        png = (await http.get(f"{base}/frames/current.png")).content
        assert Image.open(io.BytesIO(png)).getbbox() is None
        drawn = (await http.get(f"{base}/frames/clock.png")).content
        assert Image.open(io.BytesIO(drawn)).getbbox() is not None  # frames are not dimmed
