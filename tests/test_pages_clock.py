"""Snapshots of the clock page at several moments and sizes; it needs no data, so it is never
"no data" nor stale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.pages import SMALL, draw, state

pytest_plugins = ["tests.snapshots"]

MOMENTS = {
    "afternoon": datetime(2026, 9, 27, 17, 40, tzinfo=UTC),
    "midnight": datetime(2026, 1, 1, 5, 0, tzinfo=UTC),  # 00:00 in Boston
    "wide-date": datetime(2026, 11, 25, 23, 8, tzinfo=UTC),  # Wednesday, November
}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("size", ["large", "small"])
def test_clock(frame_snapshot, moment, size):
    image = draw("clock", {}, SMALL if size == "small" else (128, 64), now=MOMENTS[moment])
    assert frame_snapshot == image


def test_clock_ignores_the_state_and_its_staleness():
    now = MOMENTS["afternoon"]
    assert draw("clock", {}, now=now) == draw("clock", state("clock", stale=("clock",)), now=now)
