"""Display controls across dash serve replicas sharing one real redis-server.

Two servers (``create_app``, as dash serve builds it) on free loopback ports, each with its own
Redis store on the same redis-server, and a real SSE client on each: a control posted to one
reaches the displays of both exactly once, garbage on ``dash:control`` is skipped, and with Redis
gone a control still reaches the displays of the replica that got it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web
from redis.asyncio import Redis

from dashcli.server import create_app
from dashcli.store import Store, open_store
from dashcli.store.redis import CONTROL_CHANNEL
from tests.sse_client import SSEClient

# Only control events reach these clients: no data type is named "none".
EVENTS = "/events?types=none"


@contextlib.asynccontextmanager
async def replica(url: str) -> AsyncIterator[tuple[str, Store]]:
    """One dash serve replica on its own store and free loopback port."""
    store = open_store(url)
    await store.open()
    runner = web.AppRunner(create_app(store), handler_cancellation=True, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", store
    finally:
        await runner.cleanup()
        await store.close()


@contextlib.asynccontextmanager
async def two_replicas(url: str) -> AsyncIterator[tuple[str, str, Redis]]:
    """Replicas A and B, both listening on the control channel, and a raw Redis client."""
    raw: Redis = Redis.from_url(url)
    async with replica(url) as (base_a, _), replica(url) as (base_b, _):
        deadline = time.monotonic() + 5
        while (await raw.pubsub_numsub(CONTROL_CHANNEL))[0][1] < 2:
            assert time.monotonic() < deadline, "replicas never subscribed to dash:control"
            await asyncio.sleep(0.02)
        try:
            yield base_a, base_b, raw
        finally:
            await raw.aclose()


async def post(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.post(url)


async def actions(client: SSEClient, count: int) -> list[Any]:
    events = await client.take(count)
    assert {event.event for event in events} == {"control"}
    return [event.json()["action"] for event in events]


async def test_a_control_reaches_every_replica_once(redis_server: Any) -> None:
    async with two_replicas(redis_server.url) as (base_a, base_b, _raw), \
            SSEClient(base_a + EVENTS) as on_a, SSEClient(base_b + EVENTS) as on_b:
        reply = await post(f"{base_a}/control/next")
        assert reply.json() == {"action": "next", "clients": 1, "shared": True}
        assert (await post(f"{base_b}/control/pause")).json()["shared"] is True
        # A duplicate of either would arrive before this last one.
        assert (await post(f"{base_a}/control/resume")).status_code == 200
        assert await actions(on_a, 3) == ["next", "pause", "resume"]
        assert await actions(on_b, 3) == ["next", "pause", "resume"]


async def test_garbage_on_the_control_channel_is_skipped(
    redis_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with two_replicas(redis_server.url) as (base_a, base_b, raw), \
            SSEClient(base_a + EVENTS) as on_a, SSEClient(base_b + EVENTS) as on_b:
        for garbage in (b"not json", b"\xff\xfe", b"[1, 2]", b'{"action": 5, "origin": "x"}',
                        b'{"action": "next"}', b'{"action": "explode", "origin": "elsewhere"}'):
            await raw.publish(CONTROL_CHANNEL, garbage)
        await post(f"{base_a}/control/prev")
        await post(f"{base_b}/control/next")
        # Each replica heard one of these through the channel, after the garbage.
        assert await actions(on_a, 2) == ["prev", "next"]
        assert await actions(on_b, 2) == ["prev", "next"]
        # Both replicas heard the same garbage: each says so once per kind (rate-limited).
        said = [record.getMessage() for record in caplog.records]
        shapes = [text for text in said if "skipped a control message" in text]
        unknown = [text for text in said if "unknown shared control 'explode'" in text]
        assert (len(shapes), len(unknown)) == (2, 2)


async def test_without_redis_the_control_still_reaches_local_displays(redis_server: Any) -> None:
    async with two_replicas(redis_server.url) as (base_a, _base_b, _raw), \
            SSEClient(base_a + EVENTS) as on_a:
        redis_server.kill()
        started = time.monotonic()
        reply = await post(f"{base_a}/control/pause")
        elapsed = time.monotonic() - started
        assert reply.status_code == 200
        assert reply.json() == {"action": "pause", "clients": 1, "shared": False}
        assert elapsed < 3.0
        assert await actions(on_a, 1) == ["pause"]


async def test_a_process_local_store_answers_as_before() -> None:
    async with replica("memory://") as (base, _), SSEClient(base + EVENTS) as client:
        reply = await post(f"{base}/control/next")
        assert reply.json() == {"action": "next", "clients": 1}
        assert await actions(client, 1) == ["next"]
