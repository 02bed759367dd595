"""The app page (pages from published JSON): one snapshot per element, scrolling, lifetime,
staleness, unreadable values, the format's errors naming the field, the shipped JSON Schema,
``dash publish --app`` (and app types found in the profile), and image URLs fetched once at
publish time from a real server on 127.0.0.1 with the size limit."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from dashcli.core.envelope import Update
from dashcli.profiles.schema import CycleEntry
from dashcli.renderers import cache_key, has_content, render
from dashcli.renderers.appformat import MAX_IMAGE_BYTES, AppFormatError, app_schema, parse_app
from dashcli.renderers.icons import ICON_NAMES, icon
from tests.pages import NOW, marker_box_is_free
from tests.replay import ReplayServer, Reply
from tests.test_cli import assert_one_line_error, dash
from tests.test_publish import stored

pytest_plugins = ["tests.snapshots"]
SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "app.schema.json"


def png_base64(size: tuple[int, int] = (12, 12)) -> str:
    """A small RGBA PNG (a red and a green diagonal on transparency), base64."""
    image = Image.new("RGBA", size)
    for index in range(min(size)):
        image.putpixel((index, index), (255, 0, 0, 255))
        image.putpixel((size[0] - 1 - index, index), (0, 255, 0, 255))
    data = io.BytesIO()
    image.save(data, "PNG")
    return base64.b64encode(data.getvalue()).decode()


def app_state(values: dict[str, Any], *, kind: str = "scores",
              valid: timedelta = timedelta(hours=1),
              updated: timedelta = timedelta(0)) -> dict[str, Update]:
    return {kind: Update(kind, NOW - updated, NOW - updated + valid, values, "test", 1)}


def draw_app(values: dict[str, Any], size: tuple[int, int] = (128, 64),
             **kwargs: Any) -> Image.Image:
    image = render("app:scores", app_state(values, **kwargs), NOW, size=size)
    assert image.size == size
    return image


ELEMENTS: dict[str, dict[str, Any]] = {
    "title-and-lines": {"title": "Sunday league", "lines": ["HOME 3 - 2 AWAY", "78th minute"]},
    "line-styles": {"lines": [
        {"text": "left body", "color": "yellow"},
        {"text": "centre small", "size": "small", "align": "center", "color": "#40c0ff"},
        {"text": "right", "align": "right", "color": "pink"},
        {"text": "LARGE", "size": "large", "align": "center"},
    ]},
    "number": {"title": "Solar", "number": {"value": 3.417, "unit": "kW", "decimals": 2,
                                             "label": "NOW", "color": "amber"}},
    "icon": {"icon": "rain", "lines": ["Rain at 5 pm"]},
    "image": {"image": {"png": png_base64()}, "lines": ["inline PNG"]},
    "progress": {"title": "Backup", "progress": {"value": 42, "color": "teal"}},
    "chart-line": {"chart": {"values": [3, 5, 4, 8, 6, 9, 12, 10, 7, 5, 4, 6]}},
    "chart-bar": {"title": "kWh / day", "chart": {"kind": "bar", "values": [2, 4, 3, 6, 5, 1, 4],
                                                    "min": 0, "color": "green"}},
    "draw": {"background": "#101830", "draw": [
        {"op": "pixel", "xy": [2, 2], "color": "red"},
        {"op": "line", "xy": [0, 63, 127, 30], "color": "blue"},
        {"op": "rect", "xy": [90, 36, 20, 20], "color": "red", "fill": True},
        {"op": "circle", "xy": [70, 46, 9], "color": "#00ffaa"},
        {"op": "text", "xy": [4, 10], "text": "draw me", "size": "body"},
    ]},
    "everything": {"title": "Pool", "icon": "clear", "number": {"value": 27.5, "unit": "°C",
                   "decimals": 1}, "lines": [{"text": "pump on", "color": "green",
                                              "size": "small"}],
                   "progress": {"value": 7, "max": 10}},
}


@pytest.mark.parametrize("case", ELEMENTS, ids=ELEMENTS.keys())
def test_each_element(frame_snapshot: Any, case: str) -> None:
    large = draw_app(ELEMENTS[case])
    small = draw_app(ELEMENTS[case], (64, 32))
    assert large.getbbox() is not None
    assert small.getbbox() is not None
    if "background" not in ELEMENTS[case]:
        assert marker_box_is_free(large)
        assert marker_box_is_free(small)
    assert frame_snapshot(name="128x64") == large
    assert frame_snapshot(name="64x32") == small


def test_elements_draw_differently() -> None:
    frames = {case: draw_app(values).tobytes() for case, values in ELEMENTS.items()}
    assert len(set(frames.values())) == len(frames)


def test_every_icon_draws() -> None:
    for name in ICON_NAMES:
        for large in (True, False):
            sprite = icon(name, large)
            assert sprite.mask.getbbox() is not None, name
        image = draw_app({"icon": name})
        assert image.getbbox() is not None


def test_a_long_scrolling_line_shows_its_parts_in_turn() -> None:
    text = "the quick brown fox jumps over the lazy dog and keeps running"
    values = {"lines": [{"text": text, "scroll": True}]}
    state = app_state(values)
    first = render("app:scores", state, NOW)
    later = render("app:scores", state, NOW + timedelta(seconds=2))
    assert first.tobytes() != later.tobytes()
    # The frame cache sees the change too: the key moves every 2 s instead of every minute.
    assert cache_key("app:scores", state, NOW, (128, 64), "UTC", None) != \
        cache_key("app:scores", state, NOW + timedelta(seconds=2), (128, 64), "UTC", None)
    still = app_state({"lines": [{"text": text}]})
    assert cache_key("app:scores", still, NOW, (128, 64), "UTC", None) == \
        cache_key("app:scores", still, NOW + timedelta(seconds=2), (128, 64), "UTC", None)


def test_lifetime_drops_the_page_and_valid_marks_it_stale() -> None:
    values = {"lines": ["short-lived"], "lifetime": 600}
    assert has_content("app:scores", app_state(values, updated=timedelta(seconds=599)), NOW)
    assert not has_content("app:scores", app_state(values, updated=timedelta(seconds=601)), NOW)
    assert has_content("app:scores", app_state({"lines": ["kept"]},
                                               updated=timedelta(days=30)), NOW)
    stale = draw_app({"lines": ["old"]}, valid=timedelta(seconds=-1))
    assert stale.getpixel((127, 0)) != (0, 0, 0)
    assert draw_app({"lines": ["old"]}).getpixel((127, 0)) == (0, 0, 0)


def test_no_data_and_unreadable_frames(frame_snapshot: Any) -> None:
    assert frame_snapshot(name="no-data") == render("app:scores", {}, NOW)
    assert frame_snapshot(name="unreadable") == draw_app({"lines": [{"text": "x",
                                                                     "color": "blurple"}]})


@pytest.mark.parametrize(("values", "message"), [
    ({"lines": [{"text": "x", "color": "blurple"}]}, "lines[0].color: not a colour"),
    ({"lines": ["ok", {"txt": "x"}]}, "lines[1].text: Field required"),
    ({"icon": "unicorn"}, "icon: unknown icon 'unicorn'"),
    ({"number": {"value": "3"}}, "number.value: Input should be a valid number"),
    ({"progress": {"value": 1, "max": 0}}, "progress.max: Input should be greater than 0"),
    ({"chart": {"values": []}}, "chart.values: List should have at least 1 item"),
    ({"draw": [{"op": "spray"}]}, "draw[0]: Input tag 'spray'"),
    ({"draw": [{"op": "rect", "xy": [1, 2]}]}, "draw[0].xy[2]: Field required"),
    ({"image": {"png": "not base64!"}}, "image: png: not base64"),
    ({"image": {"png": png_base64((80, 10))}}, "image: image is 80x10, at most 64x64"),
    ({"image": {"png": base64.b64encode(b"GIF89a-not-really").decode()}},
     "image: not a PNG or GIF image"),
    ({"title": "x", "subtitle": "y"}, "subtitle: Extra inputs are not permitted"),
    ({"progress": {"value": float("nan")}}, "numbers must be finite"),
])
def test_errors_name_the_field(values: dict[str, Any], message: str) -> None:
    with pytest.raises(AppFormatError) as caught:
        parse_app(values)
    assert str(caught.value).startswith(message), str(caught.value)


def test_the_shipped_schema_is_the_format() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == app_schema()
    for values in ELEMENTS.values():
        parse_app(values)


def test_profile_names_app_pages_by_type() -> None:
    assert CycleEntry(page="app", type="scores", seconds=5).name == "app:scores"
    assert CycleEntry(page="clock", seconds=5).name == "clock"
    for bad in ({"page": "app", "seconds": 5}, {"page": "clock", "type": "x", "seconds": 5}):
        with pytest.raises(ValueError, match="type: give it with page: app"):
            CycleEntry.model_validate(bad)


def test_publish_app_checks_the_format(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/state.db"
    good = dash("publish", "scores", "-", "--app", "--store", store,
                stdin=json.dumps(ELEMENTS["everything"]))
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "1"
    bad = dash("publish", "scores", "-", "--app", "--store", store,
               stdin='{"lines": [{"text": "x", "size": "huge"}]}')
    assert_one_line_error(bad, 2, "stdin: lines[0].size: Input should be 'small', 'body' or "
                          "'large'")
    # Without --app (and no profile naming the type) any JSON object is data.
    plain = dash("publish", "scores", "-", "--store", store, stdin='{"anything": 1}')
    assert plain.returncode == 0, plain.stderr


def test_publish_checks_types_the_profile_shows_as_apps(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "location: {name: Home, latitude: 42.36, longitude: -71.06, timezone: America/New_York}\n"
        f"store: sqlite:///{tmp_path}/state.db\n"
        "display:\n  cycle:\n    - {page: app, type: scores, seconds: 10}\n")
    bad = dash("publish", "scores", "-", "--profile", str(profile), stdin='{"icon": "unicorn"}')
    assert_one_line_error(bad, 2, "stdin: icon: unknown icon 'unicorn'")
    other = dash("publish", "notes", "-", "--profile", str(profile), stdin='{"icon": "unicorn"}')
    assert other.returncode == 0, other.stderr


def test_publish_fetches_an_image_url_once_and_stores_it_inline(
        tmp_path: Path, upstream: ReplayServer) -> None:
    store = f"sqlite:///{tmp_path}/state.db"
    picture = base64.b64decode(png_base64())
    upstream.route("/logo.png", Reply(picture, content_type="image/png"))
    upstream.route("/huge.png", Reply(b"\x89PNG" + b"\0" * MAX_IMAGE_BYTES,
                                      content_type="image/png"))
    upstream.route("/page.html", Reply(b"<html></html>", content_type="text/html"))
    value = {"image": {"url": f"{upstream.url}/logo.png"}, "lines": ["logo"]}
    result = dash("publish", "logo", "-", "--app", "--store", store, stdin=json.dumps(value))
    assert result.returncode == 0, result.stderr
    update: Any = stored(store, "logo")
    assert update.values["image"] == {"png": base64.b64encode(picture).decode()}
    assert len(upstream.hits("/logo.png")) == 1
    for path, message in (("/huge.png", "more than 16384 bytes"),
                          ("/page.html", "not a PNG or GIF image"),
                          ("/missing.png", "answered 404")):
        value = {"image": {"url": f"{upstream.url}{path}"}}
        failed = dash("publish", "logo", "-", "--app", "--store", store, stdin=json.dumps(value))
        assert_one_line_error(failed, 2, "stdin: image.url: ")
        assert message in failed.stderr


def test_the_app_page_keeps_its_frame_when_the_image_is_fine_but_another_field_is_not() -> None:
    broken = {"image": {"png": png_base64()}, "progress": {"value": "full"}}
    image = draw_app(broken)
    assert image.getpixel((127, 0)) == (0, 0, 0)
    with pytest.raises(AppFormatError, match=r"^progress\.value"):
        parse_app(broken)
