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


def _rows(*rows: dict) -> dict:
    base = {"updated": None, "valid": None, "ok": True, "error": None, "since": None,
            "retry": None}
    return {"sources": [{**base, **row} for row in rows]}


def test_failing_sources_first_with_why_and_retry(frame_snapshot):
    """Two failing sources get two lines each (why, next retry), the rest a roomy grid; the
    title counts the failing ones."""
    states = edited(state("status", "weather", "air"), "status", _rows(
        {"type": "air", "updated": "2026-09-27T13:30:00-04:00",
         "valid": "2026-09-27T14:30:00-04:00"},
        {"type": "moon"},
        {"type": "weather", "ok": False, "error": "upstream unreachable",
         "since": "2026-09-27T13:00:00-04:00", "retry": "2026-09-27T13:42:00-04:00"},
        {"type": "mlb", "ok": False, "error": "upstream error 503",
         "retry": "2026-09-27T13:39:00-04:00"},
    ))
    assert frame_snapshot == draw("status", states)


def test_all_ok_and_waiting(frame_snapshot):
    states = edited(state("status", "weather"), "status", _rows(
        {"type": "weather", "updated": "2026-09-27T13:36:00-04:00",
         "valid": "2026-09-27T14:06:00-04:00"}, {"type": "moon"}))
    assert frame_snapshot == draw("status", states)
