"""Pages that say why their data is missing: from the ``status`` rows the scheduler publishes,
a waiting source draws "fetching", a failing one its reason and next retry (also once its data
is past ``valid``), a failing one with valid data the red marker; the cycle shows such pages
unless ``display.skip_unavailable``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dashcli.core.envelope import Update
from dashcli.renderers import cache_key, has_content
from dashcli.renderers.colors import ERROR, STALE
from tests.pages import LARGE, NOW, SMALL, draw, state

pytest_plugins = ["tests.snapshots"]

FAILING = {"type": "weather", "updated": None, "valid": None, "ok": False,
           "error": "upstream unreachable", "since": "2026-09-27T13:30:00-04:00",
           "retry": "2026-09-27T13:42:00-04:00"}
WAITING = {"type": "weather", "updated": None, "valid": None, "ok": True, "error": None}


def with_status(base: dict[str, Update], *rows: dict[str, object]) -> dict[str, Update]:
    status = Update("status", NOW, NOW + timedelta(minutes=5), {"sources": list(rows)},
                    "scheduler", 99)
    return {**base, "status": status}


def corner(image: object) -> tuple[int, int, int]:
    return image.getpixel((LARGE[0] - 1, 0))  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["128x64", "64x32"])
def test_failing_without_data_says_why_and_when(frame_snapshot, size):
    assert frame_snapshot == draw("weather", with_status(state("clock"), FAILING), size)


def test_a_page_of_another_type_names_it(frame_snapshot):
    assert frame_snapshot == draw("hourly", with_status({}, FAILING))


def test_waiting_for_the_first_fetch(frame_snapshot):
    assert frame_snapshot == draw("weather", with_status({}, WAITING))


def test_failing_past_valid_says_why_and_the_data_time(frame_snapshot):
    row = {**FAILING, "updated": "2026-09-27T11:10:00-04:00"}
    assert frame_snapshot == draw("weather", with_status(state("weather", stale=("weather",)),
                                                         row))


def test_failing_with_valid_data_draws_it_with_the_red_marker():
    fresh = draw("weather", state("weather"))
    failing = draw("weather", with_status(state("weather"), FAILING))
    stale = draw("weather", state("weather", stale=("weather",)))
    assert corner(failing) == ERROR
    assert corner(stale) == STALE
    assert corner(fresh) != ERROR
    # Everything but the marker is the data as drawn without the status.
    box = (0, 8, LARGE[0], LARGE[1])
    assert failing.crop(box).tobytes() == fresh.crop(box).tobytes()


def test_no_status_row_keeps_the_no_data_frame():
    assert draw("weather", with_status({}, {**FAILING, "type": "moon"})).tobytes() == \
        draw("weather", {}).tobytes()


def test_the_cycle_shows_explained_pages_unless_told_to_skip():
    explained = with_status({}, FAILING)
    assert has_content("weather", explained, NOW)
    assert not has_content("weather", explained, NOW, unavailable_shown=False)
    assert not has_content("weather", {}, NOW)
    assert has_content("weather", with_status(state("weather"), FAILING), NOW)


def test_a_health_change_is_a_new_frame():
    before = with_status(state("weather"), WAITING)
    after = with_status(state("weather"), FAILING)
    key = cache_key("weather", before, NOW, LARGE, "UTC", None)
    assert key != cache_key("weather", after, NOW, LARGE, "UTC", None)
    unrelated = with_status(state("weather"), WAITING, {**FAILING, "type": "moon"})
    assert key == cache_key("weather", unrelated, NOW, LARGE, "UTC", None)
