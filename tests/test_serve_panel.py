"""``dash serve --panel``: one process fetches, serves and drives the LED panel.

The panel is the fake ``rgbmatrix`` of test_matrix (a shim module on PYTHONPATH that logs what
the library would do); the server, the store, the scheduler and the upstream are real. A source
whose upstream fails does not stop the panel: it keeps drawing the last good state.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.test_cli import assert_one_line_error
from tests.test_matrix import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def shim(tmp_path: Path, body: str) -> dict[str, str]:
    folder = tmp_path / "shim"
    folder.mkdir()
    (folder / "rgbmatrix.py").write_text(body)
    return {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
            "FAKE_RGBMATRIX_LOG": str(tmp_path / "panel.log"), "DASH_PROFILE": ""}


def profile(tmp_path: Path, upstream: str) -> Path:
    path = tmp_path / "pi.yaml"
    path.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        "timezone: America/New_York}\n"
        f"store: sqlite:///{tmp_path / 'state.db'}\n"
        f"sources:\n  weather: {{provider: open-meteo, base_url: '{upstream}'}}\n"
        "display:\n  cycle: [{page: weather, seconds: 5}, {page: clock, seconds: 5}]\n"
        "  panel: {rows: 32, cols: 64, chain_length: 4, pixel_mapper_config: U-mapper}\n"
    )
    return path


def swaps(log: Path) -> int:
    return log.read_text().count('"swap"') if log.exists() else 0


def test_one_process_serves_fetches_and_keeps_the_panel_drawing_while_fetches_fail(
    tmp_path: Path,
) -> None:
    closed = free_port()  # nothing listens there: every weather fetch fails
    env = shim(tmp_path, "from tests.test_matrix import FakeMatrix as RGBMatrix, "
                         "FakeOptions as RGBMatrixOptions\n")
    path = profile(tmp_path, f"http://127.0.0.1:{closed}")
    good = tmp_path / "weather.json"
    from dashcli.renderers.demo import demo_state

    good.write_text(json.dumps(demo_state("weather")["weather"].values))
    published = subprocess.run(
        [sys.executable, "-m", "dashcli", "publish", "weather", "--file", str(good),
         "--valid", "3600", "--profile", str(path)],
        env=env, capture_output=True, text=True, timeout=60)
    assert published.returncode == 0, published.stderr
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dashcli", "serve", "--panel", "--profile", str(path),
         "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = tmp_path / "panel.log"
    try:
        deadline = time.monotonic() + 30
        while swaps(log) == 0:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "no frame shown"
            time.sleep(0.05)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/state/weather", timeout=10) as r:
            assert json.loads(r.read())["values"] == json.loads(good.read_text())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/frames/current.json",
                                    timeout=10) as reply:
            assert json.loads(reply.read())["page"] in {"weather", "clock"}
        # The fetch fails (connection refused) and is retried; the panel goes on drawing.
        before = swaps(log)
        time.sleep(2.5)
        assert swaps(log) > before
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "weather" in stderr  # the failing fetch was reported
    assert "retry" in stderr
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert events[0]["event"] == "start"
    assert events[0]["options"]["chain_length"] == 4
    assert events[-1] == {"event": "clear"}


def test_a_panel_that_cannot_start_is_one_line(tmp_path: Path) -> None:
    env = shim(tmp_path, "class RGBMatrixOptions:\n    pass\n\n"
                         "class RGBMatrix:\n    def __init__(self, options):\n"
                         "        raise RuntimeError('/dev/gpiomem: permission denied')\n")
    path = profile(tmp_path, "http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "-m", "dashcli", "serve", "--panel", "--profile", str(path),
         "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=60)
    assert_one_line_error(result, 1, "cannot start the LED panel: /dev/gpiomem: permission denied")


def test_without_the_panel_library_serve_panel_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "DASH_PROFILE": ""}
    path = profile(tmp_path, "http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "-m", "dashcli", "serve", "--panel", "--profile", str(path),
         "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=60)
    assert_one_line_error(result, 1, "the rgbmatrix module is not installed")
