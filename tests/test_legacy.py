"""Legacy ingest against a real redis-server: the old envelope on channel ``update`` and the old
KV keys become normal updates; garbage is logged once and skipped."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from redis.asyncio import Redis

from dashcli.core.envelope import EnvelopeError
from dashcli.store.base import MemoryStore
from dashcli.store.legacy import decode_legacy, legacy_type, run_legacy_ingest
from tests.conftest import RedisServer, background

EDT = timezone(timedelta(hours=-4))


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


async def wait_for_subscriber(redis: Redis, channel: str = "update") -> None:
    for _ in range(100):
        counts = await redis.pubsub_numsub(channel)
        if counts and counts[0][1] > 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the ingest never subscribed")


def test_type_names_are_mapped() -> None:
    expected = {"Weather": "weather", "AQI": "air", "Moon": "moon", "MLB": "mlb", "NFL": "nfl",
                "Calendar": "calendar", "Events": "events", "GitHub": "github", "Tides": "tides"}
    assert {name: legacy_type(name) for name in expected} == expected


def test_old_time_format_and_iso_z_are_accepted() -> None:
    old = decode_legacy(json.dumps({
        "type": "Weather", "updated": "07/11/2025 9:05 PM -0400",
        "valid": "07/11/2025 11:35 AM -0400", "values": {"temp": 71},
    }))
    assert old.updated == datetime(2025, 7, 11, 21, 5, tzinfo=EDT)
    assert old.valid == datetime(2025, 7, 11, 11, 35, tzinfo=EDT)
    assert (old.type, old.source, old.values) == ("weather", "legacy", {"temp": 71})
    iso = decode_legacy('{"type":"AQI","updated":"2026-02-06T21:40:00Z",'
                        '"valid":"2026-02-06T22:40:00Z","values":{"bench_seq":7}}')
    assert iso.updated == datetime(2026, 2, 6, 21, 40, tzinfo=UTC)
    assert iso.values == {"bench_seq": 7}


@pytest.mark.parametrize("body", [
    "not json", "[]", '{"type": "Weather"}',
    '{"type": "Weather", "updated": "yesterday", "valid": "07/11/2025 9:05 PM -0400", '
    '"values": {}}',
    '{"type": "", "updated": "07/11/2025 9:05 PM -0400", "valid": "07/11/2025 9:05 PM -0400", '
    '"values": {}}',
])
def test_garbage_is_an_envelope_error(body: str) -> None:
    with pytest.raises(EnvelopeError):
        decode_legacy(body)


async def test_channel_message_arrives_as_a_normal_update(
    redis_server: RedisServer, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore()
    subscription = store.subscribe()
    async with background(run_legacy_ingest(redis_server.url, store)):
        await wait_for_subscriber(redis)
        with caplog.at_level(logging.WARNING):
            for garbage in ("not json", "{}", '{"type": "MLB", "values": []}'):
                await redis.publish("update", garbage)
            message = {
                "type": "MLB", "updated": "07/11/2025 9:05 PM -0400",
                "valid": "07/11/2025 9:35 PM -0400",
                "values": {"games": [{"home": "BOS", "note": "Fenway ⚾"}], "bench_seq": 3},
            }
            await redis.publish("update", json.dumps(message))
            async with asyncio.timeout(5):
                received = await anext(subscription)
    assert received.type == "mlb"
    assert received.source == "legacy"
    assert received.values == message["values"]
    assert received.updated == datetime(2025, 7, 11, 21, 5, tzinfo=EDT)
    assert received.seq == 1
    assert caplog.text.count("skipped channel message") == 1
    assert "bench_seq" in received.to_json()


async def test_keys_are_read_at_start_up(redis_server: RedisServer, redis: Redis) -> None:
    stored = {"updated": "07/11/2025 9:05 PM -0400", "valid": "07/11/2025 10:05 PM -0400",
              "values": {"aqi": 42}}
    await redis.set("AQI", json.dumps(stored))
    await redis.set("Moon", "garbage")
    store = MemoryStore()
    async with background(run_legacy_ingest(redis_server.url, store)):
        await wait_for_subscriber(redis)
        for _ in range(100):
            if await store.get("air") is not None:
                break
            await asyncio.sleep(0.05)
    air = await store.get("air")
    assert air is not None
    assert air.values == {"aqi": 42}
    assert sorted(await store.snapshot()) == ["air"]


async def test_ingest_reconnects_after_a_redis_restart(
    redis_server: RedisServer, redis: Redis
) -> None:
    store = MemoryStore()
    subscription = store.subscribe()
    async with background(run_legacy_ingest(redis_server.url, store)):
        await wait_for_subscriber(redis)
        redis_server.restart()
        fresh = Redis.from_url(redis_server.url)
        message = json.dumps({
            "type": "NFL", "updated": "2026-02-06T21:40:00Z", "valid": "2026-02-06T22:40:00Z",
            "values": {"games": []},
        })
        # Pub/sub keeps nothing for absent subscribers: publish until the ingest is back.
        received = None
        for _ in range(50):
            await fresh.publish("update", message)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.2):
                    received = await anext(subscription)
                break
        await fresh.aclose()
    assert received is not None
    assert received.type == "nfl"
