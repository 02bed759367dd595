"""Hostile JSON at every way in (issue 12, rows 1, 2, 18, 19): refused once at the boundary with
one line, nothing stored, and a poison row or message already there never stops a reader.

Real parts: ``dash publish`` as a process, a real SQLite file, a real redis-server for the store
and for the legacy channel and keys."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis

from dashcli.core import jsonlimits
from dashcli.core.envelope import EnvelopeError, Update, utcnow
from dashcli.store.base import MemoryStore
from dashcli.store.legacy import run_legacy_ingest
from dashcli.store.redis import CHANNEL, STATE_PREFIX, RedisStore
from dashcli.store.sqlite import SqliteStore
from tests.conftest import RedisServer, background
from tests.test_cli import assert_one_line_error, dash
from tests.test_publish import stored

DEEP = "[" * 980 + "]" * 980
LEGACY_TIMES = '"updated": "2026-02-06T21:40:00Z", "valid": "2026-02-06T22:40:00Z"'


def update(kind: str, values: dict[str, object]) -> Update:
    now = utcnow().replace(microsecond=0)
    return Update(kind, now, now + timedelta(hours=1), values, "test")


@pytest.mark.parametrize(("text", "reason"), [
    ('{"a": ' + DEEP + "}", "nested more than 64 levels deep"),
    ('{"a": NaN}', "NaN"),
    ('{"a": -Infinity}', "Infinity"),
    ('{"a": 1e400}', "NaN or Infinity"),
    ('{"a": "\\ud800"}', "lone UTF-16 surrogate"),
    ('{"\\udfff": 1}', "lone UTF-16 surrogate"),
    ('{"a": "' + "x" * jsonlimits.DEFAULT_MAX_BYTES + '"}', "larger than the 1048576 bytes"),
    (b'{"a": "\xff"}', "not UTF-8 text"),
])
def test_the_boundary_check_refuses_what_could_not_be_read_back(
    text: str | bytes, reason: str
) -> None:
    with pytest.raises(jsonlimits.JsonLimitError, match=reason) as caught:
        jsonlimits.loads(text, "stdin")
    assert str(caught.value).startswith("stdin: ")
    assert caught.value.exit_code == 2


def test_what_passes_round_trips() -> None:
    deepest: object = {}
    for _ in range(jsonlimits.DEFAULT_MAX_DEPTH - 2):
        deepest = [deepest]
    text = jsonlimits.dumps({"ok": deepest, "s": "☃\u2028😀"})
    value = jsonlimits.loads(text, "x")
    assert jsonlimits.loads(jsonlimits.dumps(value), "x") == value
    with pytest.raises(jsonlimits.JsonLimitError):
        jsonlimits.check({"one more": [deepest]}, "x")


@pytest.mark.parametrize(("stdin", "reason"), [
    ('{"a": ' + DEEP + "}", "stdin: JSON nested more than 64 levels deep"),
    ('{"reading": NaN}', "stdin: not valid JSON (NaN is not JSON"),
    ('{"text": "\\ud800"}', "stdin: a string holds a lone UTF-16 surrogate"),
    ('{"text": "' + "x" * (2 * jsonlimits.DEFAULT_MAX_BYTES) + '"}',
     "stdin: JSON larger than the 1048576 bytes allowed"),
])
def test_publish_refuses_hostile_values_and_stores_nothing(
    tmp_path: Path, stdin: str, reason: str
) -> None:
    url = f"sqlite:///{tmp_path}/state.db"
    result = dash("publish", "notes", "-", "--store", url, stdin=stdin)
    assert_one_line_error(result, 2, reason)
    assert result.stdout == ""
    assert not (tmp_path / "state.db").exists() or stored(url, "notes") is None


@pytest.mark.parametrize("kind", ["shutdown", "control", "frame", "resync", "Message"])
def test_reserved_event_names_cannot_be_data_types(tmp_path: Path, kind: str) -> None:
    result = dash("publish", kind, "-", "--store", f"sqlite:///{tmp_path}/s.db", stdin="{}")
    assert_one_line_error(result, 2, "reserved for the server's own events")


async def test_every_store_refuses_at_put_what_it_could_not_read() -> None:
    store = MemoryStore()
    deep: object = []
    for _ in range(100):
        deep = [deep]
    for bad in (update("notes", {"a": deep}), update("notes", {"a": float("nan")}),
                update("control", {})):
        with pytest.raises((jsonlimits.JsonLimitError, EnvelopeError)):
            await store.put(bad)
    assert await store.snapshot() == {}


async def test_a_poison_row_in_the_embedded_store_is_skipped_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore(path, poll_interval=0.02)
    await store.open()
    try:
        await store.put(update("weather", {"t": 1}))
        subscription = store.subscribe()
        # A row an older dashcli (or a hand edit) wrote: 980 levels deep, as in the issue.
        poison = '{"type":"notes","updated":"2026-01-01T00:00:00+00:00",' \
            '"valid":"2026-01-01T01:00:00+00:00","values":{"a":' + DEEP + '},"seq":2}'
        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET value = 2 WHERE key = 'seq'")
            db.execute("INSERT INTO state VALUES ('notes', 2, ?)", (poison,))
            db.execute("INSERT INTO log VALUES (2, ?)", (poison,))
        with caplog.at_level(logging.WARNING):
            assert sorted(await store.snapshot()) == ["weather"]
            assert await store.since(1) == []
            await store.put(update("air", {"aqi": 3}))
            async with asyncio.timeout(5):
                live = await anext(subscription)
        assert (live.type, live.seq) == ("air", 3)
        assert "skipped a corrupt row: envelope: JSON nested more than" in caplog.text
        await subscription.aclose()
    finally:
        await store.close()


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


async def test_poison_in_redis_never_stops_the_listener_or_a_start(
    redis_server: RedisServer, redis: Redis
) -> None:
    poison = '{"type":"notes","updated":"2026-01-01T00:00:00+00:00",' \
        '"valid":"2026-01-01T01:00:00+00:00","values":{"a":' + DEEP + '},"seq":7}'
    await redis.set(STATE_PREFIX + "notes", poison)
    store = RedisStore(redis_server.url)
    await store.open()
    try:
        assert await store.snapshot() == {}  # a replica still starts
        subscription = store.subscribe()
        for _ in range(100):
            if await redis.pubsub_numsub(CHANNEL) != [(CHANNEL.encode(), 0)]:
                break
            await asyncio.sleep(0.02)
        await redis.publish(CHANNEL, poison)
        await redis.publish(CHANNEL, '{"type":"x","updated":"2026-01-01T00:00:00+00:00",'
                            '"valid":"2026-01-01T01:00:00+00:00","values":{"v":NaN},"seq":8}')
        await store.put(update("weather", {"t": 2}))
        async with asyncio.timeout(5):
            live = await anext(subscription)
        assert live.type == "weather"
        await subscription.aclose()
    finally:
        await store.close()


async def test_legacy_poison_messages_and_keys_are_skipped(
    redis_server: RedisServer, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    # Under a legacy key, at start-up: the ingest must start anyway and read the other keys.
    await redis.set("Weather", '{' + LEGACY_TIMES + ', "values": {"a": ' + DEEP + '}}')
    await redis.set("AQI", '{' + LEGACY_TIMES + ', "values": {"aqi": 7}}')
    store = MemoryStore()
    subscription = store.subscribe()
    with caplog.at_level(logging.WARNING):
        async with background(run_legacy_ingest(redis_server.url, store)) as task:
            async with asyncio.timeout(5):
                first = await anext(subscription)
            assert (first.type, first.values) == ("air", {"aqi": 7})
            while await redis.pubsub_numsub("update") == [(b"update", 0)]:
                await asyncio.sleep(0.02)
            for poison in ('{"type": "MLB", ' + LEGACY_TIMES + ', "values": {"t": "\\ud800"}}',
                           "[" * 990 + "]" * 990,
                           '{"type": "MLB", ' + LEGACY_TIMES + ', "values": {"t": NaN}}'):
                await redis.publish("update", poison)
            good = '{"type": "NFL", ' + LEGACY_TIMES + ', "values": {"games": []}}'
            await redis.publish("update", good)
            async with asyncio.timeout(5):
                received = await anext(subscription)
            assert not task.done()
    assert received.type == "nfl"
    assert sorted(await store.snapshot()) == ["air", "nfl"]
    assert "skipped key 'Weather'" in caplog.text
    assert "lone UTF-16 surrogate" in caplog.text
    await subscription.aclose()


async def test_the_embedded_db_deleted_under_a_running_store_is_reported(
    tmp_path: Path,
) -> None:
    from dashcli.store.base import StoreError

    path = tmp_path / "state.db"
    store = SqliteStore(path)
    await store.open()
    try:
        await store.put(update("weather", {"t": 1}))
        assert await store.ping()
        for name in ("state.db", "state.db-wal", "state.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        with pytest.raises(StoreError, match="was deleted or replaced while open"):
            await store.put(update("weather", {"t": 2}))
        assert not await store.ping()  # /readyz answers 503
    finally:
        await store.close()


async def test_a_full_disk_is_reported_as_such(tmp_path: Path) -> None:
    from dashcli.store.base import StoreError

    path = tmp_path / "state.db"
    store = SqliteStore(path)
    await store.open()
    try:
        await store.put(update("weather", {"t": 1}))
        # The file may not grow past its pages now: what a full disk looks like to SQLite.
        with sqlite3.connect(path) as db:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
        await store._run(lambda: store._connection().execute(
            f"PRAGMA max_page_count = {pages}"))
        with pytest.raises(StoreError, match="database or disk is full") as caught:
            await store.put(update("notes", {"text": "x" * 200_000}))
        assert "no transaction is active" not in str(caught.value)
        # Nothing half-written, and the store still works for what fits.
        assert sorted(await store.snapshot()) == ["weather"]
        await store.put(update("weather", {"t": 2}))
    finally:
        await store.close()
