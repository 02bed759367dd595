"""Reloading the profile without a restart: ``dash serve`` on POST /control/reload and SIGHUP
(a real process), keeping the running profile when the new one is invalid and saying file:line;
``dash matrix`` on SIGHUP."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path

import httpx

from tests.test_server_cli import ServeProcess, serve  # noqa: F401 - the serve fixture

LOCATION = ("location: {name: Boston, latitude: 42.36, longitude: -71.06, "
            "timezone: America/New_York}\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write(path: Path, cycle: str) -> None:
    path.write_text(LOCATION + f"display:\n  cycle: {cycle}\n")


async def pages(http: httpx.AsyncClient, wanted: list[str]) -> None:
    """Wait until the (restarted) server's loop follows the cycle ``wanted``."""
    async with asyncio.timeout(15):
        while True:
            try:
                info = (await http.get("/frames/current.json")).json()
            except (httpx.HTTPError, ValueError):
                info = {}
            if info.get("pages") == wanted:
                return
            await asyncio.sleep(0.1)


async def test_serve_reloads_on_request_and_sighup_and_keeps_a_valid_profile(
        serve: list[ServeProcess], tmp_path: Path) -> None:  # noqa: F811
    profile = tmp_path / "home.yaml"
    write(profile, "[{page: clock, seconds: 10}]")
    port = free_port()
    server = ServeProcess(["--profile", str(profile), "--store", f"sqlite:///{tmp_path}/s.db",
                           "--no-fetch", "--port", str(port)], tmp_path)
    serve.append(server)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        await pages(http, ["clock"])
        assert (await http.post("/state/notes", json={"text": "kept"})).status_code == 200
        profile.write_text(LOCATION + "display:\n  cycle: [{page: clock, seconds: 10}]\n"
                           "  colour: red\n")
        refused = await http.post("/control/reload")
        assert refused.status_code == 400
        assert "home.yaml" in refused.json()["error"]
        assert ":3" in refused.json()["error"]
        assert (await http.get("/healthz")).status_code == 200
        write(profile, "[{page: clock, seconds: 10}, {page: moon, seconds: 5}]")
        accepted = await http.post("/control/reload")
        assert accepted.json() == {"action": "reload", "reloaded": True}
        await pages(http, ["clock", "moon"])
        state = (await http.get("/state/notes")).json()
        assert state["values"] == {"text": "kept"}
        write(profile, "[{page: moon, seconds: 5}]")
        server.process.send_signal(signal.SIGHUP)
        await pages(http, ["moon"])
    code, err = server.stop()
    assert code == 0, err
    assert "reload refused, still running with the previous profile" in err


def test_matrix_reloads_on_sighup(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[1]
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "rgbmatrix.py").write_text(
        "from tests.test_matrix import FakeMatrix as RGBMatrix, FakeOptions as RGBMatrixOptions\n")
    log = tmp_path / "panel.log"
    profile = tmp_path / "panel.yaml"
    write(profile, "[{page: clock, seconds: 10}]")
    env = {**os.environ, "PYTHONPATH": f"{shim}{os.pathsep}{root}", "FAKE_RGBMATRIX_LOG": str(log)}
    process = subprocess.Popen([sys.executable, "-m", "dashcli", "matrix", "--demo", "--profile",
                                str(profile)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)

    def swaps() -> int:
        return log.read_text().count('"swap"') if log.exists() else 0

    def wait_for_swaps(count: int) -> None:
        deadline = time.monotonic() + 30
        while swaps() < count:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "no frame shown"
            time.sleep(0.05)

    try:
        wait_for_swaps(1)
        profile.write_text(LOCATION + "display:\n  cycle: [{page: nowhere, seconds: 5}]\n"
                           "  colour: red\n")
        process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert process.poll() is None
        write(profile, "[{page: moon, seconds: 5}]")
        before = swaps()
        process.send_signal(signal.SIGHUP)
        wait_for_swaps(before + 1)  # the new cycle's first frame
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "reload refused, still running with the previous profile" in stderr
    assert "panel.yaml" in stderr
    assert "profile reloaded" in stderr
