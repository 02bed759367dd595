"""Real-world text on the pages (snapshots, both layouts): accented names and the punctuation
real data holds draw with their own glyphs, long text at rest and mid-scroll, and the extreme
numbers the layout harness found colliding (3-digit temperatures, 100 % chances)."""

from __future__ import annotations

from datetime import timedelta

from dashcli.renderers.marquee import START_PAUSE
from tests.layouts import extreme_cases
from tests.pages import NOW, demo_values, draw, each_size, with_values

pytest_plugins = ["tests.snapshots"]

NAMES = ["Zoë’s 9th – Café", "Día de los Muertos", "Jürgen & Åsa", "Ørsted · 50 år",
         "“Fête” in München…"]


def accented_events() -> dict[str, object]:
    values = demo_values("events")
    for occasion, name in zip(values["upcoming"], NAMES, strict=False):
        occasion["name"] = name
    return with_values("events", values)


def accented_calendar() -> dict[str, object]:
    values = demo_values("calendar")
    titles = iter(["Dîner chez Zoé", "Straße fegen — Müll", "Réunion à 9 h", "Año nuevo",
                   "Smörgåsbord", "Crème brûlée", "Ça va?", "Łódź trip"] * 4)
    for event in values["today"] + values["week"]:
        event["title"] = next(titles)
    for key in ("current", "next"):
        if values[key]:
            values[key]["title"] = next(titles)
    return with_values("calendar", values)


@each_size
def test_accented_names(frame_snapshot, size):
    assert frame_snapshot(name="events") == draw("events", accented_events(), size)
    assert frame_snapshot(name="calendar") == draw("calendar", accented_calendar(), size)


@each_size
def test_long_name_at_rest_and_mid_scroll(frame_snapshot, size):
    values = demo_values("events")
    values["upcoming"][0]["name"] = "The longest name of a birthday party anyone has written"
    state = with_values("events", values)
    assert frame_snapshot(name="rest") == draw("events", state, size)
    moving = NOW + timedelta(seconds=START_PAUSE + 1)
    assert frame_snapshot(name="moving") == draw("events", state, size, moving)


@each_size
def test_extreme_numbers(frame_snapshot, size):
    cases = {case.name: case for case in extreme_cases()}
    for name in ("weather-3-digit", "weather-negative"):
        case = cases[name]
        for page in ("weather", "hourly", "forecast"):
            assert frame_snapshot(name=f"{page}-{name}") == draw(page, case.state, size, case.now)
