"""Shared pytest fixtures and helpers: the replay server, fixture paths, fetch helpers with fast
retries, a fixed secrets lookup, a background task for a block, a real redis-server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.replay import ReplayServer, Reply

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


# One reason, raised from one place: pytest's summary folds every such skip into a single line
# for users who have no ../shared (the tests still run wherever the recordings are).
SHARED_ABSENT = f"shared recordings not present ({SHARED_FIXTURES})"


def require_shared() -> None:
    """Skip the test when ../shared/fixtures is absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(SHARED_ABSENT)


def shared_fixture(relative: str) -> Path:
    """A recording from ../shared/fixtures; skips the test when the recordings are absent.

    A file missing from a ../shared that exists is named: that is a renamed recording, not a
    user without the folder."""
    require_shared()
    path = SHARED_FIXTURES / relative
    if not path.is_file():
        pytest.skip(f"shared recording not present: {path}")
    return path


def profile_with(**sources: dict[str, Any]) -> Any:
    """A Boston profile (imperial) with the given source settings."""
    from dashcli.profiles.schema import Profile

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
    from dashcli.fetching.fetch import fetch_update
    from dashcli.sources.http import RetryPolicy

    profile = profile_with(**{name: {"base_url": base_url, **settings}})
    return await fetch_update(
        profile, name, now=now, secrets=secrets, retry=RetryPolicy(attempts=3, backoff=0.01)
    )


async def loop_ticks_while_fifo_waits(path: Path, body: bytes, fetch: Awaitable[Any]) -> int:
    """Await ``fetch`` with ``path`` made a FIFO that a thread fills with ``body`` after 0.5 s;
    returns how often a 10 ms ticker on the event loop ran meanwhile (about 0 when the fetch
    read the file on the loop, blocking it, about 50 when it read it in a worker thread)."""
    os.mkfifo(path)

    def write() -> None:
        threading.Event().wait(0.5)
        with path.open("wb") as fifo:
            fifo.write(body)

    writer = threading.Thread(target=write, daemon=True)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    writer.start()
    try:
        await fetch
    finally:
        ticker.cancel()
        writer.join()
    return ticks


async def serve_and_fetch(upstream: ReplayServer, name: str, path: str, body: Any,
                          now: datetime = NOW, **settings: Any) -> Any:
    """Serve ``body`` (bytes, text, a fixture Path, or a dict sent as JSON) at ``path`` of the
    replay server, then fetch ``name`` against it; returns the FetchResult."""
    if isinstance(body, dict):
        body = json.dumps(body)
    upstream.route(path, Reply(body))
    return await fetch_values(name, upstream.url, now=now, **settings)


class FixedSecrets:
    """A secrets lookup holding fixed values, as ``dashcli.secrets`` gives one to a provider
    (the real secrets providers have their own tests)."""

    name = "test secrets"

    def __init__(self, **values: str) -> None:
        self.values = values

    def get(self, key: str) -> str | None:
        return self.values.get(key)


@contextlib.asynccontextmanager
async def background(coroutine: Coroutine[Any, Any, None]) -> AsyncIterator[asyncio.Task[None]]:
    """``coroutine`` running as a task for the block; cancelled and awaited when it ends."""
    task = asyncio.create_task(coroutine)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


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
