"""Shared pytest fixtures: the replay server, fixture paths, a fetch helper with fast retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.replay import ReplayServer

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
# A fixed fetch time for deterministic values and staleness.
NOW = datetime(2026, 2, 6, 21, 40, tzinfo=UTC)


@pytest.fixture
def upstream() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    yield server
    server.stop()


def fixture_path(relative: str) -> Path:
    """A file of the project's own fixtures (tests/fixtures)."""
    path = FIXTURES / relative
    assert path.is_file(), f"missing project fixture {path}"
    return path


def shared_fixture(relative: str) -> Path:
    """A recording from ../shared/fixtures; skips the test when the recordings are absent."""
    path = SHARED_FIXTURES / relative
    if not path.is_file():
        pytest.skip(f"shared recording not present: {path}")
    return path


def profile_with(**sources: dict[str, Any]) -> Any:
    """A Boston profile (imperial) with the given source settings."""
    from profiles.schema import Profile

    return Profile.model_validate(
        {
            "location": {
                "name": "Boston",
                "latitude": 42.36,
                "longitude": -71.06,
                "timezone": "America/New_York",
            },
            "units": "imperial",
            "sources": sources,
        }
    )


async def fetch_values(
    name: str, base_url: str, *, now: datetime = NOW, secrets: Any = None, **settings: Any
) -> Any:
    """Fetch ``name`` against ``base_url`` with instant retries; returns the FetchResult."""
    from dashcli.fetching import fetch_update
    from sources.http import RetryPolicy

    profile = profile_with(**{name: {"base_url": base_url, **settings}})
    return await fetch_update(
        profile, name, now=now, secrets=secrets, retry=RetryPolicy(attempts=3, backoff=0.01)
    )


class RedisServer:
    """A real ``redis-server`` on a free loopback port, without persistence; kill and restart it
    on the same port to test recovery."""

    def __init__(self, executable: str) -> None:
        import socket

        self.executable = executable
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.process: Any = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        import socket
        import subprocess
        import time

        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A fresh redis-server per test (skips when redis-server is not installed)."""
    import shutil

    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(executable).start()
    yield server
    server.kill()
