"""Snapshots of the status page: from StatusValues (fresh, stale, failing, never fetched), from
the state alone, stale status, nothing at all, unreadable, and the 64×32 layout."""

from __future__ import annotations

import pytest

from tests.pages import SMALL, draw, edited, state

pytest_plugins = ["tests.snapshots"]


@pytest.mark.parametrize("size", ["large", "small"])
def test_from_status_values(frame_snapshot, size):
    assert frame_snapshot == draw("status", state("status"), SMALL if size == "small" else
                                  (128, 64))


@pytest.mark.parametrize("size", ["large", "small"])
def test_from_the_state_alone(frame_snapshot, size):
    states = state("weather", "air", "moon", "mlb", stale=("moon",))
    assert frame_snapshot == draw("status", states, SMALL if size == "small" else (128, 64))


def test_stale_status(frame_snapshot):
    assert frame_snapshot == draw("status", state("status", stale=("status",)))


@pytest.mark.parametrize("size", ["large", "small"])
def test_empty(frame_snapshot, size):
    assert frame_snapshot == draw("status", {}, SMALL if size == "small" else (128, 64))


def test_unreadable(frame_snapshot):
    assert frame_snapshot == draw("status", edited(state("status"), "status", {"sources": 3}))
