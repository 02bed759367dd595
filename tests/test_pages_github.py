"""The GitHub page: the latest run succeeded, failed, is running, is queued, was cancelled, no
run, no commit; stale, no data and unreadable; 128×64 and 64×32 snapshots."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dashcli.envelope import Update
from renderers import has_content
from renderers.colors import AMBER, GREEN, RED
from renderers.demo import DEMO_TIMEZONE
from sources.github import github_values
from sources.validate import parse_json
from tests.conftest import SHARED_FIXTURES, shared_fixture
from tests.pages import (
    LARGE,
    NOW,
    SMALL,
    draw,
    draw_strict,
    edited,
    marker_box_is_free,
    state,
    values_of,
)

pytest_plugins = ["tests.snapshots"]

KIND = "github"
SIZES = {"128x64": LARGE, "64x32": SMALL}
LAMP = (3, 47)  # a pixel of the run's coloured square on 128×64
Values = dict[str, Any]


def demo_values() -> Values:
    return values_of(state(KIND), KIND)


def with_values(values: Values, *, stale: bool = False) -> dict[str, Update]:
    """The demo entry (fresh, or expired) carrying ``values``."""
    return edited(state(KIND, stale=(KIND,) if stale else ()), KIND, values)


def run(status: str, conclusion: str | None, **fields: object) -> Values:
    values = demo_values()
    values["run"].update(status=status, conclusion=conclusion, **fields)
    return values


def without(key: str) -> Values:
    values = demo_values()
    values[key] = None
    return values


CASES: dict[str, Values] = {
    "success": demo_values(),
    "failure": run("completed", "failure", name="Release to PyPI", branch="feature/led-panel"),
    "in-progress": run("in_progress", None, updated="2026-09-27T13:39-04:00"),
    "queued": run("queued", None),
    "cancelled": run("completed", "cancelled"),
    "no-run": without("run"),
    "no-commit": without("commit"),
}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("case", CASES)
def test_github_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    image = draw(KIND, with_values(CASES[case]), size)
    assert marker_box_is_free(image)
    assert frame_snapshot == image


@pytest.mark.parametrize(("case", "colour"),
                         [("success", GREEN), ("failure", RED), ("in-progress", AMBER)])
def test_run_state_colours(case: str, colour: tuple[int, int, int]) -> None:
    assert draw(KIND, with_values(CASES[case])).getpixel(LAMP) == colour


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    stale = draw(KIND, with_values(demo_values(), stale=True), size)
    assert stale.getpixel((size[0] - 1, 0)) != (0, 0, 0)
    assert frame_snapshot(name="stale") == stale
    assert frame_snapshot(name="no-data") == draw(KIND, {}, size)
    broken = demo_values()
    del broken["commit"]["date"]
    assert frame_snapshot(name="unreadable") == draw(KIND, with_values(broken), size)


def test_states_draw_differently() -> None:
    frames = {case: draw(KIND, with_values(values)).tobytes() for case, values in CASES.items()}
    assert len(set(frames.values())) == len(frames)


def test_always_has_content() -> None:
    assert has_content(KIND, with_values(CASES["no-run"]), NOW)


RECORDINGS = sorted(path.name for path in (SHARED_FIXTURES / "github-api").glob("*.json"))
COMMITS = [name for name in RECORDINGS if "-commits-" in name]
RUNS = [name for name in RECORDINGS if "runs-" in name]


@pytest.mark.parametrize("runs", RUNS)
@pytest.mark.parametrize("commits", COMMITS)
def test_real_recordings_draw(commits: str, runs: str) -> None:
    """Every pairing of the real commits and workflow-run answers draws in both layouts."""
    bodies = [shared_fixture(f"github-api/{name}") for name in (commits, runs)]
    nodes = [parse_json(path.read_bytes(), path.name) for path in bodies]
    values = github_values(*nodes, "owner/repository", "main", ZoneInfo(DEMO_TIMEZONE))
    for size in (LARGE, SMALL):
        image = draw_strict(KIND, with_values(values), size)
        assert marker_box_is_free(image)
