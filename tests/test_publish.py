"""``dash publish`` and ``dash fetch --publish`` as a user runs them: real processes, a real
SQLite file, a real upstream on loopback, and the /healthz probe of the long-running fetcher."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashcli.store import open_store
from tests.conftest import fixture_path
from tests.replay import ReplayServer, Reply
from tests.test_cli import assert_one_line_error, dash

AIR = "/v1/air-quality"


def stored(url: str, kind: str) -> object:
    async def read() -> object:
        store = open_store(url)
        await store.open()
        try:
            return await store.get(kind)
        finally:
            await store.close()

    return asyncio.run(read())


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/state.db"


def test_publish_from_stdin_and_file(tmp_path: Path, store_url: str) -> None:
    first = dash("publish", "notes", "-", "--store", store_url, "--valid", "600",
                 stdin='{"text": "dinner at 7 ☃", "items": [1, {"a": null}]}')
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "1"
    envelope = tmp_path / "envelope.json"
    envelope.write_text(json.dumps({"type": "notes", "values": {"text": "later"},
                                    "source": "my-script"}))
    second = dash("publish", "notes", "--file", str(envelope), "--store", store_url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "2"
    update = stored(store_url, "notes")
    assert update is not None
    assert update.values == {"text": "later"}  # type: ignore[attr-defined]
    assert update.source == "my-script"  # type: ignore[attr-defined]
    assert update.seq == 2  # type: ignore[attr-defined]
    lifetime = update.valid - update.updated  # type: ignore[attr-defined]
    assert lifetime.total_seconds() == 3600


@pytest.mark.parametrize(("stdin", "message"), [
    ("{not json", "stdin: not valid JSON"),
    ("[1, 2]", "stdin: expected a JSON object, got list"),
    ('{"type": "weather", "values": {}}', "envelope type 'weather' is not 'notes'"),
])
def test_bad_input_exits_2_with_one_line(store_url: str, stdin: str, message: str) -> None:
    assert_one_line_error(dash("publish", "notes", "-", "--store", store_url, stdin=stdin),
                          2, message)
    assert stored(store_url, "notes") is None


def test_publish_needs_exactly_one_input(store_url: str) -> None:
    assert_one_line_error(dash("publish", "notes", "--store", store_url), 2, "--file PATH")
    assert_one_line_error(dash("publish", "notes", "--file", "/no/such/file.json",
                               "--store", store_url), 2, "file not found")


def test_unreachable_store_is_one_line_without_the_password() -> None:
    result = dash("publish", "notes", "-", "--store", "redis://dash:hunter22@127.0.0.1:1/0",
                  stdin="{}")
    assert_one_line_error(result, 1, "redis://dash:****@127.0.0.1:1/0")
    assert "hunter22" not in result.stderr


def test_fetch_publish_once(upstream: ReplayServer, store_url: str) -> None:
    upstream.route(AIR, Reply(fixture_path("open-meteo/air-quality-boston.json")))
    result = dash("fetch", "air", "--publish", "--store", store_url,
                  "--set", f"sources.air.base_url={upstream.url}")
    assert result.returncode == 0, result.stderr
    assert "air: published seq 1" in result.stdout
    update = stored(store_url, "air")
    assert update is not None
    assert update.source == "open-meteo"  # type: ignore[attr-defined]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def healthz(port: int) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_healthz(port: int, want: int, timeout: float = 15) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            status, body = healthz(port)
        except OSError as exc:
            last = exc
        else:
            last = (status, body)
            if status == want:
                return body
        time.sleep(0.1)
    raise AssertionError(f"/healthz never answered {want}: {last}")


def fetcher(upstream: ReplayServer, store_url: str, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dashcli", "fetch", "air", "--every", "0.3", "--store", store_url,
         "--health-port", str(port), "--set", f"sources.air.base_url={upstream.url}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_every_with_health_port_healthy_then_stops_on_sigterm(
    upstream: ReplayServer, store_url: str
) -> None:
    upstream.route(AIR, Reply(fixture_path("open-meteo/air-quality-boston.json")))
    port = free_port()
    process = fetcher(upstream, store_url, port)
    try:
        body = wait_healthz(port, 200)
        assert body["status"] == "ok"
        deadline = time.monotonic() + 10
        while stored(store_url, "air") is None:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_health_port_reports_503_while_the_source_keeps_failing(
    upstream: ReplayServer, store_url: str
) -> None:
    upstream.route(AIR, Reply("down", status=500, content_type="text/plain"))
    port = free_port()
    process = fetcher(upstream, store_url, port)
    try:
        body = wait_healthz(port, 503)
        assert body["status"] == "failing"
        sources = body["sources"]
        assert isinstance(sources, dict)
        assert "500" in sources["air"]["last_error"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)


def test_bad_every_and_health_port_without_every_exit_2(store_url: str) -> None:
    assert_one_line_error(dash("fetch", "air", "--every", "soon", "--store", store_url), 2,
                          "--every: expected a number of seconds")
    assert_one_line_error(dash("fetch", "air", "--publish", "--health-port", "9",
                               "--store", store_url), 2, "--health-port needs --every")
