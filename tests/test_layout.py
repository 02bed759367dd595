"""Nothing collides or clips: every real recording and every extreme case, on every page that can
draw it, at every size the page declares, draws text runs that neither overlap (nor touch) each
other nor leave the frame. Also the run-tracking API itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PIL import Image

from dashcli.renderers import PAGES, page_parts, render, render_traced
from dashcli.renderers.fonts import builtin_fonts
from dashcli.renderers.layout import TextRun, layout_problems, recording
from dashcli.renderers.marquee import START_PAUSE
from dashcli.renderers.text import draw_runs, draw_text
from tests.conftest import SHARED_FIXTURES, require_shared
from tests.layouts import Case, extreme_cases, pages_for, recorded_cases

# Pages with a known layout defect on some input: (page, case-name substring) → why. Strict:
# remove the entry when the page is fixed.
KNOWN: dict[tuple[str, str], str] = {}


def _cases() -> list[Case]:
    cases = extreme_cases()
    if SHARED_FIXTURES.is_dir():
        cases += recorded_cases()
    return cases


CASES = _cases()
PARAMS = [
    pytest.param(page, case, id=f"{page}-{case.name}", marks=[
        pytest.mark.xfail(reason=reason, strict=True)
        for (known_page, fragment), reason in KNOWN.items()
        if known_page == page and fragment in case.name])
    for case in CASES
    for page in pages_for(case.state)
]


# The case's moment (long text still, shortened) and one with every marquee mid-scroll.
MOMENTS = (timedelta(0), timedelta(seconds=START_PAUSE + 0.5))


@pytest.mark.parametrize(("page", "case"), PARAMS)
def test_no_text_overlaps_or_leaves_the_frame(page: str, case: Case) -> None:
    problems = []
    for size in PAGES[page].sizes:
        # Every frame of pages taking several (scoreboards paging through their games), at
        # moments a marquee is still, moving and back.
        for part in range(page_parts(page, case.state, case.now, size=size,
                                     timezone=case.timezone)):
            for moment in MOMENTS:
                image, runs = render_traced(page, case.state, case.now + moment, size=size,
                                            timezone=case.timezone, part=part)
                assert image.size == size
                problems += [f"{size[0]}x{size[1]} frame {part} +{moment.total_seconds()}s: "
                             f"{line}" for line in layout_problems(runs, size)]
    assert not problems, "\n".join(problems)


def test_the_recordings_are_all_drawn() -> None:
    """Each folder of real recordings contributes cases (a renamed folder would skip silently)."""
    require_shared()
    names = " ".join(case.name for case in recorded_cases())
    for folder in ("open-meteo-forecast", "owm-onecall", "open-meteo-air-quality",
                   "owm-air-pollution", "metno-sunrise", "espn-mlb-scoreboard", "mlb-schedule",
                   "espn-nfl-scoreboard", "espn-nba-scoreboard", "espn-nhl-scoreboard",
                   "espn-soccer-scoreboard", "ics-calendars", "github-api"):
        first = next((SHARED_FIXTURES / folder).iterdir()).name
        assert any(path.name in names for path in (SHARED_FIXTURES / folder).iterdir()), first


def test_draw_text_records_its_ink_and_layout_box() -> None:
    font = builtin_fonts().body
    image = Image.new("RGB", (64, 32))
    with recording() as runs:
        box = draw_text(image, font, "Hi", (10, 3), (255, 255, 255))
    assert runs == [TextRun("Hi", box, runs[0].ink)]
    assert box == (10, 3, 10 + font.width("Hi"), 3 + font.height)
    # the ink is exactly the lit pixels
    lit = image.convert("L").getbbox()
    assert runs[0].ink == lit


def test_clip_limits_the_recorded_ink() -> None:
    font = builtin_fonts().body
    image = Image.new("RGB", (64, 32))
    with recording() as runs:
        draw_text(image, font, "WWWWWW", (0, 0), (255, 255, 255), clip=(0, 0, 12, 32))
    assert runs[0].ink == image.convert("L").getbbox()
    assert runs[0].ink[2] <= 12


def test_draw_runs_is_one_run() -> None:
    fonts = builtin_fonts()
    image = Image.new("RGB", (64, 32))
    with recording() as runs:
        draw_runs(image, [(fonts.large, "72", (255, 255, 255)), (fonts.small, "F", (1, 1, 1))],
                  (0, 0))
    assert [run.text for run in runs] == ["72F"]
    assert runs[0].ink == image.convert("L").getbbox()


def test_nothing_is_recorded_outside_a_recording() -> None:
    draw_text(Image.new("RGB", (8, 8)), builtin_fonts().body, "x", (0, 0), (1, 1, 1))
    with recording() as runs:
        pass
    assert runs == []


@pytest.mark.parametrize(("boxes", "problem"), [
    ([(0, 0, 5, 7), (7, 0, 9, 7)], None),              # two dark columns between: separate
    ([(0, 0, 5, 7), (6, 0, 9, 7)], "collides"),        # one: the gap between letters of a word
    ([(0, 0, 5, 7), (5, 0, 9, 7)], "collides"),        # touching
    ([(0, 0, 5, 7), (3, 2, 9, 9)], "collides"),        # overlapping
    ([(0, 0, 5, 7), (0, 8, 5, 12)], None),             # one dark row between lines
    ([(0, 0, 5, 7), (0, 7, 5, 12)], "collides"),       # lines touching
    ([(60, 0, 65, 7)], "leaves"),                      # past the right edge of 64
    ([(0, 30, 5, 33)], "leaves"),                      # past the bottom edge of 32
    ([(0, 0, 0, 0), (0, 0, 0, 0)], None),              # empty runs draw nothing
])
def test_layout_problems(boxes: list[tuple[int, int, int, int]], problem: str | None) -> None:
    runs = [TextRun(f"r{index}", box, box) for index, box in enumerate(boxes)]
    found = layout_problems(runs, (64, 32))
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1
        assert problem in found[0]


def test_an_unreadable_frame_keeps_only_its_own_runs() -> None:
    """A page that fails half-way leaves none of its runs: only the "unreadable data" frame's."""
    from tests.layouts import DEMO_NOW, entry

    state = {"weather": entry("weather", {"current": {"temperature": "warm"}}, DEMO_NOW)}
    image, runs = render_traced("weather", state, DEMO_NOW)
    assert image == render("weather", state, DEMO_NOW)
    assert any("unreadable" in run.text for run in runs)
    assert layout_problems(runs, image.size) == []
