"""The renderer's foundations: fonts, text helpers, colours, sprites, render(), the frame cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from PIL import Image

from dashcli.core.envelope import Update
from dashcli.core.errors import UsageError
from dashcli.renderers import PAGES, Canvas, FrameCache, PageSpec, has_content, render
from dashcli.renderers.canvas import MARKER_BOX_HEIGHT, MARKER_BOX_WIDTH
from dashcli.renderers.colors import WHITE, parse_color, readable
from dashcli.renderers.fonts import (
    PRINTABLE,
    body_font,
    large_font,
    load_font,
    scaled_font,
    tiny_font,
)
from dashcli.renderers.sprites import CONDITIONS, bases, football, moon_phase, weather_icon
from dashcli.renderers.text import draw_text, fit, wrap

NOW = datetime(2026, 2, 6, 21, 40, tzinfo=UTC)
FONTS = [tiny_font(), body_font(), large_font()]


def update(kind: str, values: dict[str, object], *, valid: timedelta = timedelta(hours=1),
           seq: int | None = 1) -> Update:
    return Update(kind, NOW - timedelta(minutes=5), NOW + valid, values, "test", seq)


@pytest.mark.parametrize("font", FONTS, ids=lambda font: font.name)
def test_fonts_cover_printable_ascii_and_degree(font):
    missing = [char for char in PRINTABLE if "?" in font.drawable(char) and char != "?"]
    assert missing == []
    for char in PRINTABLE:
        mask = font.mask(char)
        assert mask.size == (font.width(char), font.height)
        assert sum(mask.histogram()[1:255]) == 0  # crisp: no anti-aliasing
    assert font.mask("A").getbbox() is not None


def test_text_mask_width_is_the_sum_of_glyphs_and_spacing():
    font = body_font()
    assert font.width("") == 0
    assert font.width("AB") == font.width("A") + 1 + font.width("B")  # one dark column
    assert font.mask("Hello").size == (font.width("Hello"), font.height)
    # proportional: an i is narrower than an m, digits are tabular
    assert font.width("i") < font.width("m")
    assert len({font.width(digit) for digit in "0123456789"}) == 1


def test_scaled_font_doubles_every_pixel():
    big = scaled_font(large_font(), 2)
    assert big.width("12:34") == 2 * large_font().width("12:34")
    assert big.mask("7").size == (2 * large_font().width("7"), 2 * large_font().height)


def lit_columns(image: Image.Image) -> tuple[int, int]:
    box = image.getbbox()
    assert box is not None
    return box[0], box[2]


@pytest.mark.parametrize(("align", "expected"), [("left", (10, 10 + 17)),
                                                   ("center", (30 - 8, 30 - 8 + 17)),
                                                   ("right", (50 - 17, 50))])
def test_alignment_uses_real_extents(align, expected):
    font = body_font()
    assert font.width("ABC") == 17
    image = Image.new("RGB", (64, 16))
    anchor = {"left": 10, "center": 30, "right": 50}[align]
    box = draw_text(image, font, "ABC", (anchor, 2), WHITE, align=align)
    assert (box[0], box[2]) == expected
    assert lit_columns(image) == expected


def test_fit_adds_an_ellipsis_only_when_needed():
    font = body_font()
    assert fit(font, "Boston", 100) == "Boston"
    short = fit(font, "Partly cloudy with showers", 40)
    assert short.endswith("…")
    assert font.width(short) <= 40
    assert font.width(fit(font, "Partly cloudy with showers", 41)) <= 41
    assert fit(font, "Boston", 2) == ""


def test_max_width_and_clip_keep_text_inside_its_box():
    font = body_font()
    image = Image.new("RGB", (64, 16))
    draw_text(image, font, "A very long title indeed", (0, 0), WHITE, max_width=30)
    assert lit_columns(image)[1] <= 30
    clipped = Image.new("RGB", (64, 16))
    draw_text(clipped, font, "WWWWWWWW", (0, 0), WHITE, clip=(0, 0, 12, 16))
    assert lit_columns(clipped)[1] <= 12


def test_wrap_breaks_at_spaces_and_marks_the_rest():
    font = tiny_font()
    lines = wrap(font, "Devers homered to right, Duran scored", 40, 2)
    assert len(lines) == 2
    assert all(font.width(line) <= 40 for line in lines)
    assert lines[-1].endswith("…")
    assert wrap(font, "Short", 40, 2) == ("Short",)


def test_colour_parsing():
    assert parse_color("#bd3039") == (0xBD, 0x30, 0x39)
    assert parse_color("0c2340") == (0x0C, 0x23, 0x40)
    assert parse_color("green") != WHITE
    assert parse_color(None, WHITE) == WHITE
    assert parse_color("#12345", WHITE) == WHITE
    assert parse_color("#gggggg", WHITE) == WHITE
    assert max(readable((0x0C, 0x23, 0x40))) >= 110


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("size", ["large", "small"])
def test_every_condition_has_day_and_night_icons(condition, size):
    side = 16 if size == "large" else 11
    day, night = weather_icon(condition, True, size), weather_icon(condition, False, size)
    assert day.image.size == (side, side)
    assert day.mask.getbbox() is not None
    if condition in ("clear", "mostly-clear", "partly-cloudy"):
        assert day.image.tobytes() != night.image.tobytes()


def test_moon_phase_lights_the_right_side_when_waxing():
    new, first, full, last = (moon_phase(angle, 20, dark=None) for angle in (0, 90, 180, 270))
    lit = [sprite.mask.histogram()[255] for sprite in (new, first, full, last)]
    assert lit[0] == 0
    assert lit[2] > lit[1] > 0
    assert abs(lit[1] - lit[3]) <= 2
    assert first.mask.crop((0, 0, 9, 20)).getbbox() is None  # left half dark
    assert last.mask.crop((11, 0, 20, 20)).getbbox() is None  # right half dark


def test_bases_and_football():
    empty, loaded = bases(False, False, False), bases(True, True, True)
    assert empty.image.size == (13, 9)
    assert empty.image.tobytes() != loaded.image.tobytes()
    assert football().image.size == (9, 5)


def test_unknown_page_lists_the_known_pages():
    with pytest.raises(UsageError, match=r"unknown page 'nope'.*clock"):
        render("nope", {}, NOW)


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("size", [(128, 64), (64, 32), (192, 96)])
def test_render_returns_rgb_of_exactly_the_size(page, size):
    image = render(page, {}, NOW, size=size)
    assert image.mode == "RGB"
    assert image.size == size


def draw_probe(canvas: Canvas) -> None:
    """A minimal page for the engine tests: draws values["text"] (a string) in white."""
    text = canvas.values("probe")["text"]
    draw_text(canvas.image, canvas.fonts.body, text.upper(), (1, 10), WHITE)


@pytest.fixture
def probe(monkeypatch):
    spec = PageSpec("probe", __name__, "Probe", ("probe",))
    monkeypatch.setitem(PAGES, "probe", spec)
    monkeypatch.setitem(spec._loaded, "module", SimpleNamespace(draw=draw_probe))
    return spec


def test_a_page_draws_its_values(probe):
    image = render("probe", {"probe": update("probe", {"text": "hi"})}, NOW)
    assert image.crop((0, 10, 20, 18)).getbbox() is not None
    assert has_content("probe", {"probe": update("probe", {"text": "hi"})}, NOW)


def test_no_data_frame_when_the_store_has_nothing(probe):
    empty = render("probe", {}, NOW)
    assert empty.getbbox() is not None
    drawn = render("probe", {"probe": update("probe", {"text": "x"})}, NOW)
    assert empty.tobytes() != drawn.tobytes()
    assert not has_content("probe", {}, NOW)
    assert has_content("clock", {}, NOW)


@pytest.mark.parametrize("values", [{}, {"text": 3}, {"text": None}])
def test_unreadable_values_draw_a_frame_not_an_exception(probe, values):
    state = {"probe": update("probe", values)}
    image = render("probe", state, NOW)
    assert image.getbbox() is not None
    assert image.tobytes() != render("probe", {}, NOW).tobytes()
    assert has_content("probe", state, NOW)
    assert render("probe", state, NOW, size=(64, 32)).size == (64, 32)


def test_stale_marker_in_the_top_right_corner():
    values = {"sources": []}
    fresh = render("status", {"status": update("status", values)}, NOW)
    stale = render("status", {"status": update("status", values, valid=-timedelta(1))}, NOW)
    corner = (128 - MARKER_BOX_WIDTH, 0, 128, MARKER_BOX_HEIGHT)
    assert fresh.crop(corner).getbbox() is None
    assert stale.crop(corner).getbbox() is not None


def test_rendering_is_deterministic():
    first = render("clock", {}, NOW, timezone="America/New_York")
    second = render("clock", {}, NOW, timezone="America/New_York")
    assert first.tobytes() == second.tobytes()
    assert render("clock", {}, NOW).tobytes() != first.tobytes()  # the timezone matters


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        render("clock", {}, NOW.replace(tzinfo=None))


def test_unknown_timezone_is_a_usage_error():
    with pytest.raises(UsageError, match="timezone"):
        render("clock", {}, NOW, timezone="Mars/Olympus")


def test_frame_cache_renders_unchanged_inputs_once():
    cache = FrameCache()
    state = {"status": update("status", {"sources": []}, seq=3)}
    first = cache.render("status", state, NOW)
    assert cache.render("status", state, NOW + timedelta(seconds=20)) is first
    assert (cache.hits, cache.misses) == (1, 1)
    cache.render("status", state, NOW + timedelta(minutes=1))  # a new minute
    newer = {"status": update("status", {"sources": []}, seq=4)}
    cache.render("status", newer, NOW + timedelta(minutes=1))  # new data
    assert cache.misses == 3
    cache.render("status", newer, NOW + timedelta(minutes=1), size=(64, 32))
    assert cache.misses == 4


def test_user_fonts_load_and_draw_without_anti_aliasing(tmp_path):
    bdf = tmp_path / "tiny.bdf"
    bdf.write_text(BDF)
    font = load_font(str(bdf), "small")
    mask = font.mask("AA")
    assert mask.width >= 8
    assert sum(mask.histogram()[1:255]) == 0
    with pytest.raises(UsageError, match=r"display\.fonts\.body"):
        load_font(str(tmp_path / "missing.ttf"), "body")


BDF = """STARTFONT 2.1
FONT -test-tiny-medium-r-normal--6-60-75-75-c-40-iso10646-1
SIZE 6 75 75
FONTBOUNDINGBOX 4 6 0 -1
STARTPROPERTIES 2
FONT_ASCENT 5
FONT_DESCENT 1
ENDPROPERTIES
CHARS 1
STARTCHAR A
ENCODING 65
SWIDTH 500 0
DWIDTH 4 0
BBX 4 6 0 -1
BITMAP
60
90
F0
90
90
00
ENDCHAR
ENDFONT
"""


def test_pages_without_anything_to_show_can_be_skipped():
    from dashcli.renderers.demo import DEMO_NOW, demo_state

    state = demo_state("weather", "moon")
    assert has_content("hourly", state, DEMO_NOW)
    assert has_content("forecast", state, DEMO_NOW)
    assert has_content("moon", state, DEMO_NOW)
    later = DEMO_NOW + timedelta(days=8)  # past the last hour and the last day of the data
    assert not has_content("hourly", state, later)
    assert not has_content("forecast", state, later)
    assert not has_content("status", {}, DEMO_NOW)
    assert has_content("status", state, DEMO_NOW)


def test_sizes_below_the_smallest_layout_are_cropped_not_refused():
    assert render("clock", {}, NOW, size=(32, 16)).size == (32, 16)


def test_truetype_fonts_draw_without_anti_aliasing():
    from pathlib import Path

    fonts = sorted(Path("/usr/share/fonts/truetype").rglob("*.ttf"))
    if not fonts:
        pytest.skip("no TrueType font installed on this machine")
    font = load_font(f"{fonts[0]}:9", "body")
    mask = font.mask("Hello 29°")
    assert mask.getbbox() is not None
    assert mask.size == (font.width("Hello 29°"), font.height)
    assert sum(mask.histogram()[1:255]) == 0
