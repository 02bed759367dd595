"""Snapshots of the sun & moon page: phases, missing times, stale, no data, unreadable, 64×32."""

from __future__ import annotations

import math

import pytest

from tests.pages import SMALL, draw, edited, state, values_of

pytest_plugins = ["tests.snapshots"]


@pytest.mark.parametrize("size", ["large", "small"])
def test_normal(frame_snapshot, size):
    assert frame_snapshot == draw("moon", state("moon"), SMALL if size == "small" else (128, 64))


@pytest.mark.parametrize(("angle", "name"), [(0, "New Moon"), (40, "Waxing Crescent"),
                                             (90, "First Quarter"), (180, "Full Moon"),
                                             (270, "Last Quarter"), (320, "Waning Crescent")])
def test_phase(frame_snapshot, angle, name):
    values = values_of(state("moon"), "moon")
    illumination = (1 - math.cos(math.radians(angle))) / 2
    values["phase"] = {"angle": angle, "illumination": illumination, "name": name}
    assert frame_snapshot == draw("moon", edited(state("moon"), "moon", values))


def test_polar_night_without_times(frame_snapshot):
    values = values_of(state("moon"), "moon")
    for key in ("sunrise", "sunset", "moonrise"):
        values["today"][key] = None
    assert frame_snapshot == draw("moon", edited(state("moon"), "moon", values))


def test_stale(frame_snapshot):
    assert frame_snapshot == draw("moon", state("moon", stale=("moon",)))


@pytest.mark.parametrize("size", ["large", "small"])
def test_no_data(frame_snapshot, size):
    assert frame_snapshot == draw("moon", {}, SMALL if size == "small" else (128, 64))


def test_unreadable(frame_snapshot):
    values = values_of(state("moon"), "moon")
    values["today"]["sunrise"] = "at dawn"
    assert frame_snapshot == draw("moon", edited(state("moon"), "moon", values))
