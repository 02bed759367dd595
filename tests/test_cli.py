"""``dash`` as a user runs it: subprocesses, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashcli import __version__
from tests.conftest import fixture_path
from tests.replay import Reply


def dash(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "dashcli", *args],
        capture_output=True, text=True, input=stdin, env=environment, timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert text in lines[0]
    assert "Traceback" not in result.stderr


def test_help_lists_commands_and_version():
    result = dash("--help")
    assert result.returncode == 0
    assert "fetch" in result.stdout
    assert "profiles" in result.stdout
    assert dash("--version").stdout.strip() == f"dashcli {__version__}"


def test_fetch_weather_json_against_a_local_upstream(upstream):
    upstream.route("/v1/forecast", Reply(fixture_path("open-meteo/forecast-boston-imperial.json")))
    result = dash("fetch", "weather", "--json", "--set", f"sources.weather.base_url={upstream.url}")
    assert result.returncode == 0, result.stderr
    envelope = json.loads(result.stdout)
    assert envelope["type"] == "weather"
    assert envelope["source"] == "open-meteo"
    assert envelope["values"]["current"]["temperature"] == 29.5
    assert envelope["valid"] > envelope["updated"]


def test_fetch_raw_prints_the_upstream_body(upstream):
    body = fixture_path("open-meteo/forecast-boston-imperial.json").read_bytes()
    upstream.route("/v1/forecast", Reply(body))
    result = subprocess.run(
        [sys.executable, "-m", "dashcli", "fetch", "weather", "--raw", "--set",
         f"sources.weather.base_url={upstream.url}"], capture_output=True, timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout == body


def test_fetch_default_output_is_a_tree(upstream):
    upstream.route("/v1/forecast", Reply(fixture_path("open-meteo/forecast-boston-imperial.json")))
    result = dash("fetch", "weather", "--set", f"sources.weather.base_url={upstream.url}")
    assert result.returncode == 0, result.stderr
    assert "weather from open-meteo" in result.stdout
    assert "temperature: 29.5" in result.stdout


def test_unknown_source_exits_2_listing_known_ones():
    result = dash("fetch", "tides")
    assert_one_line_error(result, 2, "unknown source 'tides' (known: clock, weather, air")


def test_bad_profile_exits_2_naming_file_and_line(tmp_path: Path):
    profile = tmp_path / "bad.yaml"
    profile.write_text("location: {name: X, latitude: 1, longitude: 2, timezone: UTC}\nunits: K\n")
    result = dash("fetch", "weather", "--profile", str(profile))
    assert_one_line_error(result, 2, f"{profile}:2:8: units:")
    result = dash("profiles", "validate", str(profile))
    assert_one_line_error(result, 2, f"{profile}:2:8: units:")


@pytest.mark.parametrize("args", [["--no-such-option"], ["fetch"], ["fetch", "weather", "x"]])
def test_usage_errors_exit_2_with_typer_message(args):
    result = dash(*args)
    assert result.returncode == 2, result.stderr
    assert "Usage: python -m dashcli" in result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_upstream_exits_1_with_one_line():
    result = dash("fetch", "weather", "--set", "sources.weather.base_url=http://127.0.0.1:9")
    assert_one_line_error(
        result, 1, "weather: open-meteo unreachable (connection refused): http://127.0.0.1:9/v1/"
    )


def test_debug_shows_the_traceback():
    result = dash("--debug", "fetch", "weather", "--set", "sources.weather.base_url=http://127.0.0.1:9")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_profiles_show_masks_secrets(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "location: {name: X, latitude: 1, longitude: 2, timezone: UTC}\n"
        "store: redis://dash:hunter2hunter2@redis:6379/0\n"
        "server: {token: s3cr3t-t0ken-value}\n"
    )
    result = dash("profiles", "show", str(profile))
    assert result.returncode == 0, result.stderr
    assert "hunter2" not in result.stdout
    assert "s3cr3t" not in result.stdout
    assert "redis://dash:****@redis:6379/0" in result.stdout
    assert "units: metric" in result.stdout  # defaults are filled in


def test_profiles_list_and_validate_ok():
    result = dash("profiles", "list")
    assert result.returncode == 0
    for name in ("default", "pi", "kubernetes"):
        assert name in result.stdout
    bundled = Path(__file__).resolve().parents[1] / "profiles" / "pi.yaml"
    assert dash("profiles", "validate", str(bundled)).stdout.strip() == f"{bundled}: ok"


@pytest.mark.parametrize("flags", [["--json", "--raw"]])
def test_conflicting_flags(flags):
    assert_one_line_error(dash("fetch", "weather", *flags), 2, "cannot be combined")


@pytest.mark.parametrize(("args", "text"), [
    (["fetch", "calendar"], "calendar: no calendar configured"),
    (["fetch", "github"], "github: not configured in the profile"),
    (["fetch", "clock", "--publish", "--store", "foo://bar"], "store 'foo://bar': unknown kind"),
])
def test_a_profile_or_option_that_does_not_say_enough_exits_2(args, text):
    assert_one_line_error(dash(*args), 2, text)
