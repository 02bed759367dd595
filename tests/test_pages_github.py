"""The GitHub page: the latest run succeeded, failed, is running, is queued, was cancelled, no
run, no commit; stale, no data and unreadable; 128×64 and 64×32 snapshots."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dashcli.renderers import has_content
from dashcli.renderers.colors import AMBER, GREEN, RED
from dashcli.renderers.demo import DEMO_TIMEZONE
from dashcli.sources.github import github_values
from dashcli.sources.validate import parse_json
from tests.conftest import SHARED_FIXTURES, shared_fixture
from tests.pages import (
    LARGE,
    NOW,
    SMALL,
    Values,
    check_case,
    check_stale_no_data_unreadable,
    demo_values,
    draw,
    draw_strict,
    each_size,
    frames_by_case,
    marker_box_is_free,
    with_values,
)

pytest_plugins = ["tests.snapshots"]

KIND = "github"
LAMP = (3, 47)  # a pixel of the run's coloured square on 128×64


def run(status: str, conclusion: str | None, **fields: object) -> Values:
    values = demo_values(KIND)
    values["run"].update(status=status, conclusion=conclusion, **fields)
    return values


def without(key: str) -> Values:
    values = demo_values(KIND)
    values[key] = None
    return values


CASES: dict[str, Values] = {
    "success": demo_values(KIND),
    "failure": run("completed", "failure", name="Release to PyPI", branch="feature/led-panel"),
    "in-progress": run("in_progress", None, updated="2026-09-27T13:39-04:00"),
    "queued": run("queued", None),
    "cancelled": run("completed", "cancelled"),
    "no-run": without("run"),
    "no-commit": without("commit"),
}


@each_size
@pytest.mark.parametrize("case", CASES)
def test_github_states(case: str, size: tuple[int, int], frame_snapshot: Any) -> None:
    check_case(frame_snapshot, KIND, CASES[case], size)


@pytest.mark.parametrize(("case", "colour"),
                         [("success", GREEN), ("failure", RED), ("in-progress", AMBER)])
def test_run_state_colours(case: str, colour: tuple[int, int, int]) -> None:
    assert draw(KIND, with_values(KIND, CASES[case])).getpixel(LAMP) == colour


@each_size
def test_stale_no_data_unreadable(size: tuple[int, int], frame_snapshot: Any) -> None:
    broken = demo_values(KIND)
    del broken["commit"]["date"]
    check_stale_no_data_unreadable(frame_snapshot, KIND, size, broken)


def test_states_draw_differently() -> None:
    frames = frames_by_case(KIND, CASES)
    assert len(set(frames.values())) == len(frames)


def test_always_has_content() -> None:
    assert has_content(KIND, with_values(KIND, CASES["no-run"]), NOW)


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
        image = draw_strict(KIND, with_values(KIND, values), size)
        assert marker_box_is_free(image)
