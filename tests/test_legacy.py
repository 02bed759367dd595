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

from dashcli.core.envelope import EnvelopeError, Update
from dashcli.store.base import MemoryStore
from dashcli.store.legacy import decode_legacy, legacy_type, run_legacy_ingest
from tests.conftest import RedisServer, background, shared_fixture

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


def corpus_messages(relative: str) -> list[dict[str, str]]:
    path = shared_fixture(f"legacy/{relative}")
    return [json.loads(line) for line in path.read_text().splitlines() if line]


async def wait_for_types(store: MemoryStore, kinds: set[str]) -> dict[str, Update]:
    async with asyncio.timeout(10):
        while not kinds <= set(await store.snapshot()):
            await asyncio.sleep(0.05)
    return await store.snapshot()


async def test_gen_c_channels_and_keys_are_ingested(
    redis_server: RedisServer, redis: Redis
) -> None:
    keys = json.loads(shared_fixture("legacy/gen-c/kv-keys.json").read_text())
    store = MemoryStore()
    await redis.mset({key: value for key, value in keys.items() if key.startswith("raw:")})
    async with background(run_legacy_ingest(redis_server.url, store)):
        # raw:Weather and raw:AQI are upstream bodies: parsed by our OpenWeatherMap parser.
        state = await wait_for_types(store, {"weather", "air"})
        assert state["air"].values["aqi"] > 0
        assert len(state["weather"].values["hourly"]) > 0
        await wait_for_subscriber(redis)
        for record in corpus_messages("gen-c/update-messages.jsonl"):
            await redis.publish(record["channel"], record["message"])
        for record in corpus_messages("gen-c/raw-messages.jsonl"):
            await redis.publish(record["channel"], record["message"])
        state = await wait_for_types(store, {"weather", "air", "services"})
        async with asyncio.timeout(10):
            while len((await store.get("services")).values["services"]) < 2:  # type: ignore
                await asyncio.sleep(0.05)
    services = (await store.get("services")).values["services"]  # type: ignore[union-attr]
    assert [(entry["name"], entry["started"]) for entry in services] == [
        ("AQI", "2021-01-25T13:05:01-05:00"), ("Weather", "2024-10-25T12:00:01-04:00")]
    # No valid in Gen C: the old service's period (AQI 919 s) after updated.
    air = (await store.get("air"))
    assert air is not None
    assert air.valid - air.updated == timedelta(seconds=919)


async def test_gen_c_update_keys_are_read_at_start_up(
    redis_server: RedisServer, redis: Redis
) -> None:
    keys = json.loads(shared_fixture("legacy/gen-c/kv-keys.json").read_text())
    await redis.mset(keys)
    store = MemoryStore()
    async with background(run_legacy_ingest(redis_server.url, store)):
        state = await wait_for_types(store, {"weather", "air", "services"})
    # update:{Type} (transformed) wins over raw:{Type} (read first).
    assert state["air"].values["category"] == "Good"
    assert state["air"].values["color"] == "#00e400"
    assert state["weather"].values["current"]["description"] == "Light rain"
    assert state["weather"].updated == datetime(2024, 10, 25, 12, 0, 5, tzinfo=EDT)
    assert {"Weather", "AQI"} <= {s["name"] for s in state["services"].values["services"]}


async def test_gen_a_bare_names_are_read_back_from_their_keys(
    redis_server: RedisServer, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    records = [line["record"] for line in corpus_messages("gen-a/db-records.jsonl")]
    wire = corpus_messages("gen-a/update-messages.jsonl")
    store = MemoryStore()
    async with background(run_legacy_ingest(redis_server.url, store)):
        await wait_for_subscriber(redis)
        with caplog.at_level(logging.WARNING):
            await redis.publish("update", "Weather")  # no key yet: said once, skipped
            async with asyncio.timeout(5):
                while "bare name 'Weather'" not in caplog.text:
                    await asyncio.sleep(0.02)
            for record in records:
                await redis.set(record["type"], json.dumps(
                    {key: record[key] for key in ("updated", "valid", "values")}))
            for message in wire:
                await redis.publish("update", message["message"])
            kinds = {"weather", "air", "moon", "calendar", "events", "github", "mlb", "nfl"}
            state = await wait_for_types(store, kinds)
    assert caplog.text.count("bare name 'Weather'") == 1
    # Gen A's MLB startTime has a zone abbreviation, its NFL no weekdates.
    starts = sorted(game["start"] for game in state["mlb"].values["games"])
    assert starts[0] == "2022-09-17T13:10-04:00"
    assert state["nfl"].values["week"]["dates"] is None


HOSTILE = [
    ("garbage", "}{"),
    ("wrong shape", '{"type": "Weather", "updated": 5, "valid": "x", "values": {}}'),
    ("a list", "[1, 2, 3]"),
    ("huge", json.dumps({"type": "Weather", "updated": "10/25/2024 12:00 PM -0400",
                         "valid": "10/25/2024 12:15:12 PM -0400",
                         "values": {"pad": "x" * (2 << 20)}})),
    ("deep", '{"type": "MLB", "updated": "10/25/2024 12:00 PM -0400", '
             '"valid": "10/25/2024 12:15:12 PM -0400", "values": ' + "[" * 5000 + "]" * 5000
             + "}"),
    ("lone surrogate", '{"type": "Calendar", "updated": "10/25/2024 12:00 PM -0400", '
                       '"valid": "10/25/2024 12:15:12 PM -0400", '
                       '"values": [["\\ud800", "2026-03-10T09:30:00-04:00", '
                       '"2026-03-10T10:15:00-04:00"]]}'),
    ("NaN", '{"type": "AQI", "updated": "10/25/2024 12:00 PM -0400", '
            '"valid": "10/25/2024 12:15:12 PM -0400", "values": {"aqi_score": NaN}}'),
    ("unknown type", '{"type": "Tides", "updated": "10/25/2024 12:00 PM -0400", '
                     '"valid": "10/25/2024 12:15:12 PM -0400", "values": [1]}'),
    ("bad utf-8", b"\xff\xfe{}"),
]


async def test_hostile_input_on_every_path_is_one_line_each_and_the_rest_flows(
    redis_server: RedisServer, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore()
    for index, (_, body) in enumerate(HOSTILE):
        await redis.set(["Weather", "update:AQI", "raw:Weather", "Moon", "MLB", "Calendar",
                         "AQI", "Tides", "NFL"][index], body)
    good = json.dumps({"type": "Moon", "updated": "09/24/2024 12:00 PM -0400",
                       "valid": "09/24/2024 1:00:12 PM -0400",
                       "values": {"phase": 72, "illumstr": "58.6%",
                                  "sunevent": "Sunset:   01:30 PM",
                                  "moonevent": "Moonrise: 05:35 PM"}})
    with caplog.at_level(logging.WARNING):
        async with background(run_legacy_ingest(redis_server.url, store)):
            await wait_for_subscriber(redis)
            for _ in range(3):  # repeated: still one line per reason
                for _, body in HOSTILE:
                    await redis.publish("update", body)
                    await redis.publish("raw", body)
            await redis.publish("update", good)
            state = await wait_for_types(store, {"moon"})
    assert state["moon"].values["phase"]["name"] == "Waning Gibbous"
    assert set(state) == {"moon"}
    lines = [record.getMessage() for record in caplog.records]
    assert all(len(line) < 400 for line in lines)
    # One line per path and reason: each key once, the channel's and raw channel's once.
    assert sum("skipped channel message" in line for line in lines) == 1
    assert sum("skipped raw channel message" in line for line in lines) == 1
    assert sum("key '" in line for line in lines) == len(HOSTILE) - 1  # Tides: no key read


def test_a_value_the_translator_cannot_read_is_stored_as_it_came() -> None:
    update = decode_legacy(json.dumps({
        "type": "MLB", "updated": "07/11/2025 9:05 PM -0400", "valid": "07/11/2025 9:35 PM -0400",
        "values": [{"status": "in", "startTime": "nope"}],
    }))
    assert update.values == {"legacy": [{"status": "in", "startTime": "nope"}]}
