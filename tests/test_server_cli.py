"""``dash serve`` as a user runs it: a subprocess on a free port, real stores, real SSE clients."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from dashcli.store.redis import RedisStore
from tests.conftest import RedisServer
from tests.sse_client import SSEClient
from tests.test_server import update


class ServeProcess:
    """A ``dash serve`` subprocess; ``url`` is read from its one start-up line."""

    def __init__(self, args: list[str], home: Path) -> None:
        env = {**os.environ, "XDG_STATE_HOME": str(home / "state"),
               "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data")}
        env.pop("DASH_PROFILE", None)
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashcli", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        self.url = self._read_url()

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 15)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("dash serve: http://"):
            self.process.kill()
            _, err = self.process.communicate()
            raise AssertionError(f"no start-up line: {line!r} {err!r}")
        return line.split()[2].rstrip("/")

    def stop(self) -> tuple[int, str]:
        """SIGTERM, wait, and return the exit code and stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[list[ServeProcess]]:
    started: list[ServeProcess] = []
    yield started
    for process in started:
        process.stop()


def run_dash(args: list[str], tmp_path: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return subprocess.run([sys.executable, "-m", "dashcli", *args], capture_output=True,
                          text=True, timeout=20, env=env, check=False, **kwargs)  # type: ignore[call-overload]


async def test_sigterm_sends_the_final_event_and_exits_cleanly(
    serve: list[ServeProcess], tmp_path: Path
) -> None:
    server = ServeProcess(["--store", "memory://", "--no-fetch"], tmp_path)
    serve.append(server)
    async with httpx.AsyncClient(timeout=5) as http:
        assert (await http.get(f"{server.url}/healthz")).json() == {"ok": True}
    async with SSEClient(f"{server.url}/events") as client:
        await asyncio.sleep(0.2)
        server.process.send_signal(signal.SIGTERM)
        events = await client.wait_closed(timeout=10)
    assert [event.event for event in events] == ["shutdown"]
    started = time.monotonic()
    await asyncio.to_thread(server.process.wait, 10)
    assert time.monotonic() - started < 5
    code, err = server.stop()
    assert code == 0, err
    assert "Traceback" not in err


def test_port_in_use_is_one_line_exit_1(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_dash(["serve", "--store", "memory://", "--no-fetch", "--port", str(port)],
                          tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"cannot listen on 127.0.0.1:{port}: address already in use"


def test_bad_store_url_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_dash(["serve", "--store", "bogus://user:hunter2@x", "--no-fetch"], tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bogus://" in result.stderr
    assert "hunter2" not in result.stderr


def test_legacy_without_a_redis_is_a_usage_error(tmp_path: Path) -> None:
    result = run_dash(["serve", "--store", "memory://", "--no-fetch", "--legacy"], tmp_path)
    assert result.returncode == 2
    assert "--legacy-redis" in result.stderr


async def test_dash_publish_reaches_an_sse_client_of_dash_serve_within_a_second(
    serve: list[ServeProcess], tmp_path: Path
) -> None:
    store_url = f"sqlite:///{tmp_path / 'state.db'}"
    server = ServeProcess(["--store", store_url, "--no-fetch"], tmp_path)
    serve.append(server)
    async with SSEClient(f"{server.url}/events?types=notes") as client:
        await asyncio.sleep(0.2)
        published = await asyncio.to_thread(
            run_dash, ["publish", "notes", "-", "--store", store_url], tmp_path,
            input='{"text": "dinner at 7"}',
        )
        sent = time.monotonic()
        assert published.returncode == 0, published.stderr
        event = await client.next_event(timeout=5)
        assert time.monotonic() - sent < 1.0
        assert (event.event, event.json()["values"]) == ("notes", {"text": "dinner at 7"})


async def test_legacy_envelope_on_channel_update_reaches_sse_clients(
    serve: list[ServeProcess], tmp_path: Path, redis_server: RedisServer
) -> None:
    server = ServeProcess(
        ["--store", "memory://", "--no-fetch", "--legacy", "--legacy-redis", redis_server.url],
        tmp_path,
    )
    serve.append(server)
    legacy = {"type": "Weather", "updated": "07/11/2025 9:05 PM -0400",
              "valid": "07/11/2025 9:20 PM -0400", "values": {"temp": 71}}
    async with SSEClient(f"{server.url}/events") as client:
        publisher = redis.Redis.from_url(redis_server.url)
        deadline = time.monotonic() + 10
        while publisher.publish("update", json.dumps(legacy)) == 0:
            assert time.monotonic() < deadline, "the legacy ingest never subscribed"
            await asyncio.sleep(0.05)
        publisher.close()
        event = await client.next_event(timeout=5)
    assert event.event == "weather"
    body = event.json()
    assert body["values"] == {"temp": 71}
    assert body["updated"] == "2025-07-11T21:05:00-04:00"
    assert body["seq"] == int(event.id or 0)


async def test_redis_killed_and_restarted_under_dash_serve(
    serve: list[ServeProcess], tmp_path: Path, redis_server: RedisServer
) -> None:
    server = ServeProcess(["--store", redis_server.url, "--no-fetch"], tmp_path)
    serve.append(server)
    writer = RedisStore(redis_server.url)
    await writer.open()
    http = httpx.AsyncClient(base_url=server.url, timeout=10)
    client = SSEClient(f"{server.url}/events")
    try:
        await client.connect()
        await writer.put(update("weather", temp=50))
        assert (await client.next_event()).json()["values"] == {"temp": 50}
        assert (await http.get("/readyz")).status_code == 200

        redis_server.kill()
        ready = await http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["ready"] is False
        state = await http.get("/state")
        assert state.status_code == 200
        assert state.json()["weather"]["values"] == {"temp": 50}
        assert (await http.get("/state/weather")).status_code == 200
        with pytest.raises(TimeoutError):
            await client.next_event(timeout=0.5)
        assert not client.closed

        redis_server.start()
        deadline = time.monotonic() + 15
        while (await http.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, "/readyz never recovered"
            await asyncio.sleep(0.1)
        sent = [await writer.put(update("weather", temp=60 + n)) for n in range(5)]
        events = await client.take(5, timeout=15)
        assert [int(event.id or 0) for event in events] == [stored.seq for stored in sent]
        assert [event.json()["values"]["temp"] for event in events] == [60, 61, 62, 63, 64]
    finally:
        await client.close()
        await http.aclose()
        await writer.close()


def write_profile(tmp_path: Path, secrets_text: str) -> Path:
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(secrets_text)
    profile = tmp_path / "token.yaml"
    profile.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        "timezone: America/New_York}\n"
        f"secrets: {{source: file, path: {secrets}}}\n"
        "server: {token_secret: api_token}\n"
    )
    return profile


async def test_token_from_a_secret(serve: list[ServeProcess], tmp_path: Path) -> None:
    token = "tok-from-the-secrets-file-42"
    profile = write_profile(tmp_path, f"api_token: {token}\n")
    server = ServeProcess(["--profile", str(profile), "--store", "memory://", "--no-fetch"],
                          tmp_path)
    serve.append(server)
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/state")).status_code == 401
        right = await http.get("/state", headers={"Authorization": f"Bearer {token}"})
        assert right.status_code == 200
    async with SSEClient(f"{server.url}/events?token={token}") as client:
        assert client.status == 200


def test_missing_token_secret_is_one_line_without_values(tmp_path: Path) -> None:
    profile = write_profile(tmp_path, "other_key: hunter2-secret-value\n")
    result = run_dash(["serve", "--profile", str(profile), "--store", "memory://",
                       "--no-fetch"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"server.token_secret: secret 'api_token' not found in file {tmp_path}/secrets.yaml"]
    assert "hunter2" not in result.stderr + result.stdout
