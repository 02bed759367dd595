"""The server's connection limits (issue 12, row 8) on real sockets: a slowloris client that never
completes its request head is closed after ``head_timeout`` while a normal request and an open
SSE stream keep working, and past ``max_connections`` a new connection gets a clean 503."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dashcli.server import create_app
from dashcli.server.limits import LimitedRunner
from dashcli.store.base import MemoryStore
from tests.sse_client import SSEClient
from tests.test_server import update

HEAD_TIMEOUT = 1.0


@contextlib.asynccontextmanager
async def limited(store: MemoryStore, **limits: Any) -> AsyncIterator[str]:
    from aiohttp import web

    runner = LimitedRunner(create_app(store), handler_cancellation=True, shutdown_timeout=2,
                           **limits)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def closed_after(reader: asyncio.StreamReader, limit: float) -> float:
    """Seconds until the server closes the connection (EOF or reset), what it sent read."""
    started = time.monotonic()
    with contextlib.suppress(ConnectionError):
        await asyncio.wait_for(reader.read(), limit)
    return time.monotonic() - started


async def request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive GET on an open connection: its status, the whole answer read."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = (await reader.readuntil(b"\r\n\r\n")).decode().lower()
    length = int(head.split("content-length:", 1)[1].split("\r\n", 1)[0])
    await reader.readexactly(length)
    return int(head.split(" ", 2)[1])


async def test_a_slowloris_client_is_closed_and_the_others_keep_working() -> None:
    store = MemoryStore()
    await store.put(update("clock", time="12:00"))
    async with limited(store, head_timeout=HEAD_TIMEOUT) as base, \
            SSEClient(f"{base}/events") as stream, httpx.AsyncClient(timeout=5) as client:
        assert (await stream.next_event()).event == "clock"
        port = int(base.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)

        async def trickle() -> None:
            # A byte every 0.2 s: the head never completes, and bytes do not extend the limit.
            for byte in b"GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1":
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.2)

        sender = asyncio.create_task(trickle())
        try:
            waited = await closed_after(reader, HEAD_TIMEOUT * 5)
        finally:
            sender.cancel()
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await sender
        assert HEAD_TIMEOUT * 0.5 <= waited <= HEAD_TIMEOUT * 3
        # The SSE stream sent its head long ago and stays open past the limit.
        await asyncio.sleep(HEAD_TIMEOUT)
        assert (await client.get(f"{base}/state")).status_code == 200
        seq = (await store.put(update("clock", time="12:01"))).seq
        live = await stream.next_event()
        assert (live.event, live.id) == ("clock", str(seq))


async def test_an_idle_keep_alive_connection_is_closed_after_the_limit() -> None:
    async with limited(MemoryStore(), head_timeout=HEAD_TIMEOUT) as base:
        reader, writer = await asyncio.open_connection("127.0.0.1", int(base.rsplit(":", 1)[1]))
        assert await request(reader, writer, "/healthz") == 200
        assert await closed_after(reader, HEAD_TIMEOUT * 5) <= HEAD_TIMEOUT * 3
        writer.close()


async def test_past_the_cap_a_connection_gets_503_and_the_others_keep_working(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryStore()
    await store.put(update("clock", time="12:00"))
    caplog.set_level(logging.WARNING, "dashcli.server.limits")
    async with limited(store, max_connections=2) as base, \
            SSEClient(f"{base}/events") as stream:
        assert (await stream.next_event()).event == "clock"
        port = int(base.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await request(reader, writer, "/healthz") == 200
        # Two open (the stream and the keep-alive connection): the third is refused, twice.
        for _ in range(2):
            async with httpx.AsyncClient(timeout=5) as over:
                refused = await over.get(f"{base}/state")
            assert refused.status_code == 503
            assert refused.text == "too many connections, retry later\n"
            assert refused.headers["retry-after"] == "5"
        warnings = [r.getMessage() for r in caplog.records if r.name == "dashcli.server.limits"]
        assert warnings == ["refusing connections: 2 open, server.max_connections is 2 "
                            "(1 refused with 503 since the last warning)"]
        # The admitted connections still work; once one closes, a new one is admitted.
        assert await request(reader, writer, "/state") == 200
        writer.close()
        seq = (await store.put(update("clock", time="12:01"))).seq
        assert (await stream.next_event()).id == str(seq)
        await asyncio.sleep(0.1)
        async with httpx.AsyncClient(timeout=5) as client:
            assert (await client.get(f"{base}/state")).status_code == 200


async def test_dash_serve_applies_the_profile_limits(tmp_path: Path) -> None:
    from tests.test_server_cli import ServeProcess

    profile = tmp_path / "limits.yaml"
    profile.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        "timezone: America/New_York}\n"
        "server: {header_timeout: 1, max_connections: 1}\n"
    )
    server = ServeProcess(["--profile", str(profile), "--store", "memory://", "--no-fetch"],
                          tmp_path)
    try:
        async with SSEClient(f"{server.url}/events") as stream:
            assert stream.status == 200
            async with httpx.AsyncClient(timeout=5) as client:
                assert (await client.get(f"{server.url}/state")).status_code == 503
        await asyncio.sleep(0.2)
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", int(server.url.rsplit(":", 1)[1]))
        assert await closed_after(reader, HEAD_TIMEOUT * 5) <= HEAD_TIMEOUT * 3
        writer.close()
    finally:
        code, err = server.stop()
    assert code == 0, err
    assert err.count("refusing connections") == 1


async def test_under_a_small_ulimit_the_cap_keeps_dash_serve_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import resource
    import subprocess

    from dashcli.server.limits import FD_RESERVE
    from tests.test_server_cli import ServeProcess

    limit = 160

    def small_ulimit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    with monkeypatch.context() as patch:
        patch.setattr(subprocess, "Popen",
                      functools.partial(subprocess.Popen, preexec_fn=small_ulimit))
        server = ServeProcess(["--store", "memory://", "--no-fetch"], tmp_path)
    port = int(server.url.rsplit(":", 1)[1])
    opened: list[asyncio.StreamWriter] = []
    try:
        # Past the fd limit: without the cap, accept() would fail (EMFILE) and log in a loop.
        for _ in range(limit + 40):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            opened.append(writer)
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(timeout=5) as client:
            assert (await client.get(f"{server.url}/healthz")).status_code == 503
        for writer in opened:
            writer.close()
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(timeout=5) as client:
            assert (await client.get(f"{server.url}/healthz")).status_code == 200
    finally:
        code, err = server.stop()
    assert code == 0, err
    assert f"at most {limit - FD_RESERVE} connections" in err
    assert err.count("refusing connections") == 1
    assert len(err) < 2000, err
