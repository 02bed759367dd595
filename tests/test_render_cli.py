"""``dash render`` as a user runs it: PNG/GIF files, --data from files, stdin and /state objects,
--demo, the store, sizes and styles, and one-line errors with exit codes 2/2/1."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from dashcli.core.envelope import Update
from dashcli.renderers import PAGES, render
from dashcli.renderers.demo import DEMO_NOW, DEMO_TIMEZONE, demo_state, demo_update
from dashcli.renderers.output import scaled
from tests.test_cli import assert_one_line_error, dash

CYCLE = [("clock", 2), ("weather", 3.5), ("hourly", 1), ("moon", 1.25), ("clock", 2)]
AT = "2026-09-27T13:40:00-04:00"


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    cycle = ", ".join(f"{{page: {page}, seconds: {seconds}}}" for page, seconds in CYCLE)
    path = tmp_path / "profile.yaml"
    path.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        "timezone: America/New_York}\n"
        # The demo's own place and units (--demo follows the profile's), 24-hour times.
        "units: imperial\n"
        f"store: sqlite:///{tmp_path / 'state.db'}\n"
        f"display: {{clock: 24h, cycle: [{cycle}]}}\n"
    )
    return path


def expected(page: str, state: dict[str, Update], size: tuple[int, int] = (128, 64)) -> Image.Image:
    return render(page, state, DEMO_NOW, size=size, timezone=DEMO_TIMEZONE)


def same_pixels(path: Path, image: Image.Image) -> bool:
    with Image.open(path) as written:
        return written.convert("RGB").tobytes() == image.tobytes()


def test_demo_page_scaled_crisp(tmp_path, profile):
    out = tmp_path / "w.png"
    result = dash("render", "weather", "--demo", "--out", str(out), "--scale", "8",
                  "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.size == (1024, 512)
    assert same_pixels(out, scaled(expected("weather", demo_state()), 8))


def test_all_draws_every_page(tmp_path, profile):
    out_dir = tmp_path / "gallery" / "new"
    result = dash("render", "--all", "--demo", "--out-dir", str(out_dir), "--scale", "2",
                  "--style", "led", "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    written = sorted(path.name for path in out_dir.iterdir())
    assert written == sorted(f"{name}.png" for name in PAGES)
    for path in out_dir.iterdir():
        with Image.open(path) as image:
            assert image.size == (256, 128)
    assert same_pixels(out_dir / "moon.png", scaled(expected("moon", demo_state()), 2, "led"))


def test_cycle_gif_frames_and_durations(tmp_path, profile):
    out = tmp_path / "cycle.gif"
    result = dash("render", "--cycle", "--demo", "--out", str(out), "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    with Image.open(out) as gif:
        assert gif.n_frames == len(CYCLE)
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
            if index == 1:
                weather = gif.convert("RGB")
    assert durations == [round(seconds * 1000) for _, seconds in CYCLE]
    assert weather.tobytes() == expected("weather", demo_state()).tobytes()


def test_envelope_on_stdin(tmp_path, profile):
    out = tmp_path / "moon.png"
    envelope = demo_update("moon").to_json()
    result = dash("render", "moon", "--data", "-", "--at", AT, "--out", str(out),
                  "--profile", str(profile), stdin=envelope)
    assert result.returncode == 0, result.stderr
    assert same_pixels(out, expected("moon", {"moon": demo_update("moon")}))


@pytest.mark.parametrize("shape", ["list", "state-object"])
def test_two_types_from_one_file(tmp_path, profile, shape):
    updates = [demo_update("weather", 1), demo_update("air", 2)]
    data = ([update.to_dict() for update in updates] if shape == "list"
            else {update.type: update.to_dict() for update in updates})
    source = tmp_path / "state.json"
    source.write_text(json.dumps(data))
    out = tmp_path / "weather.png"
    result = dash("render", "weather", "--data", str(source), "--at", AT, "--out", str(out),
                  "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    with_air = expected("weather", {update.type: update for update in updates})
    assert same_pixels(out, with_air)
    assert not same_pixels(out, expected("weather", {"weather": updates[0]}))


def test_from_the_store(tmp_path, profile):
    from dashcli.store import open_store

    async def put() -> None:
        store = open_store(f"sqlite:///{tmp_path / 'state.db'}")
        await store.open()
        try:
            await store.put(demo_update("weather"))
        finally:
            await store.close()

    asyncio.run(put())
    out = tmp_path / "forecast.png"
    result = dash("render", "forecast", "--at", AT, "--out", str(out), "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    assert same_pixels(out, expected("forecast", {"weather": demo_update("weather")}))


def test_size_and_stdout(profile):
    result = dash_bytes("render", "clock", "--demo", "--size", "64x32", "--out", "-",
                        "--profile", str(profile))
    with Image.open(io.BytesIO(result)) as image:
        assert image.size == (64, 32)
        assert image.convert("RGB").tobytes() == expected("clock", {}, (64, 32)).tobytes()


def dash_bytes(*args: str) -> bytes:
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "dashcli", *args], capture_output=True,
                               check=True, timeout=60)
    return completed.stdout


@pytest.mark.parametrize(("args", "code", "text"), [
    (["nope", "--demo"], 2, "unknown page 'nope'"),
    (["--demo"], 2, "give a PAGE, --all or --cycle"),
    (["--all", "--demo", "--out", "x.png"], 2, "use --out-dir"),
    (["weather", "--demo", "--out-dir", "x"], 2, "--out-dir goes with --all"),
    (["weather", "--demo", "--at", "yesterday"], 2, "--at"),
    (["weather", "--demo", "--data", "x.json"], 2, "cannot be combined"),
    (["weather", "--out", "/nonexistent/dir/w.png", "--demo"], 1, "cannot write"),
    (["weather", "--data", "/nonexistent/data.json"], 1, "cannot read"),
])
def test_errors_are_one_line(profile, args, code, text):
    assert_one_line_error(dash("render", *args, "--profile", str(profile)), code, text)


@pytest.mark.parametrize(("option", "value"), [("--style", "neon"), ("--size", "big"),
                                               ("--size", "200x100"), ("--scale", "0")])
def test_option_values_outside_their_choices_are_usage_errors(profile, option, value):
    result = dash("render", "weather", "--demo", option, value, "--profile", str(profile))
    assert result.returncode == 2, result.stderr
    assert f"Invalid value for '{option}'" in result.stderr
    assert "Traceback" not in result.stderr


def test_data_of_the_wrong_type(tmp_path, profile):
    source = tmp_path / "weather.json"
    source.write_text(demo_update("weather").to_json())
    result = dash("render", "moon", "--data", str(source), "--profile", str(profile))
    assert_one_line_error(result, 2, "page 'moon' draws moon data; --data holds weather")


@pytest.mark.parametrize(("content", "text"), [("not json", "is not JSON"),
                                               ('{"type": "weather"}', "envelope.values"),
                                               ("42", "not an envelope")])
def test_data_that_is_not_an_envelope(profile, content, text):
    result = dash("render", "weather", "--data", "-", "--profile", str(profile), stdin=content)
    assert_one_line_error(result, 2, text)


@pytest.mark.parametrize(("units", "clock", "resolved"), [
    ("imperial", None, "12h"),
    ("metric", None, "24h"),
    ("imperial", "24h", "24h"),
    ("metric", "12h", "12h"),
])
def test_clock_format_follows_the_units_unless_set(profile, units, clock, resolved):
    from dashcli.profiles import load_profile

    overrides = [f"units={units}", f"display.clock={clock or 'null'}"]
    assert load_profile(str(profile), overrides).clock_format == resolved


def test_unknown_clock_format_is_a_profile_error(profile):
    assert_one_line_error(dash("render", "clock", "--demo", "--profile", str(profile), "--set",
                               "display.clock=13h"), 2, "display.clock")


@pytest.mark.parametrize(("overrides", "clock"), [([], "12h"), (["--set", "display.clock=24h"],
                                                                "24h")])
def test_default_profile_draws_12_hour_times(tmp_path, overrides, clock):
    """The bundled default is Boston in imperial units: its demo clock reads 1:40 PM."""
    out = tmp_path / "clock.png"
    result = dash("render", "clock", "--demo", "--profile", "default", "--out", str(out),
                  *overrides, env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    drawn = render("clock", {}, DEMO_NOW, timezone=DEMO_TIMEZONE, clock=clock)
    assert same_pixels(out, drawn)
    other = render("clock", {}, DEMO_NOW, timezone=DEMO_TIMEZONE,
                   clock="24h" if clock == "12h" else "12h")
    assert drawn.tobytes() != other.tobytes()
