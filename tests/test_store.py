"""One store suite for every backend (memory, embedded SQLite, real Redis), plus each backend's own
failure modes: Redis killed and restarted under a subscriber, and a second process publishing
into the embedded store."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dashcli.core.envelope import Update
from dashcli.store import Store, StoreError, open_store
from dashcli.store.base import Fanout, Subscription
from tests.conftest import NOW, RedisServer


def update(kind: str = "weather", **values: Any) -> Update:
    return Update(kind, NOW, NOW + timedelta(hours=1), values or {"n": 0}, "test")


async def take(subscription: Subscription, count: int, timeout: float = 5.0) -> list[Update]:
    async with asyncio.timeout(timeout):
        return [await anext(subscription) for _ in range(count)]


@pytest.fixture(params=["memory", "embedded", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "embedded":
        return f"sqlite:///{tmp_path}/state.db"
    server: RedisServer = request.getfixturevalue("redis_server")
    return server.url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    opened = open_store(store_url)
    await opened.open()
    yield opened
    await opened.close()


async def test_put_get_snapshot(store: Store) -> None:
    assert await store.get("weather") is None
    assert await store.snapshot() == {}
    first = await store.put(update("weather", temp=1))
    await store.put(update("air", aqi=40))
    latest = await store.put(update("weather", temp=2))
    assert first.seq is not None
    assert latest == update("weather", temp=2).with_seq(latest.seq or 0)
    assert await store.get("weather") == latest
    # A seq the update already carries is replaced by the store's.
    again = await store.put(latest.with_seq(1000))
    assert (again.seq or 0) > (latest.seq or 0)
    assert await store.get("weather") == again
    snapshot = await store.snapshot()
    assert sorted(snapshot) == ["air", "weather"]
    assert snapshot["weather"].values == {"temp": 2}
    assert await store.ping()


async def test_seq_strictly_increases_and_since_replays_exactly(store: Store) -> None:
    stored = [await store.put(update("weather", n=index)) for index in range(5)]
    seqs = [item.seq or 0 for item in stored]
    assert seqs == sorted(set(seqs))
    assert await store.since(seqs[-1]) == []
    assert await store.since(seqs[1]) == stored[2:]
    assert await store.since(seqs[0] - 1) == stored


async def test_since_is_none_past_the_replay_log(store_url: str, tmp_path: Path) -> None:
    from dashcli.store.base import MemoryStore
    from dashcli.store.redis import RedisStore
    from dashcli.store.sqlite import SqliteStore

    small: Store
    if store_url.startswith("memory"):
        small = MemoryStore(replay_size=3)
    elif store_url.startswith("sqlite"):
        small = SqliteStore(tmp_path / "small.db", replay_size=3)
    else:
        small = RedisStore(store_url, replay_size=3)
    await small.open()
    try:
        # Redis trims with MAXLEN ~ (whole nodes of ~100 entries): put well past that.
        stored = [await small.put(update("weather", n=index)) for index in range(300)]
        last = stored[-1].seq or 0
        assert await small.since(0) is None
        assert await small.since(last - 2) == stored[-2:]
    finally:
        await small.close()


async def test_subscribe_delivers_in_order_from_the_call(store: Store) -> None:
    await store.put(update("weather", n=-1))
    subscription = store.subscribe()
    stored = [await store.put(update(kind, n=index)) for index, kind in
              enumerate(["weather", "air", "moon", "weather"])]
    assert await take(subscription, 4) == stored
    await subscription.aclose()


async def test_two_subscribers_each_get_everything(store: Store) -> None:
    first, second = store.subscribe(), store.subscribe()
    stored = [await store.put(update(n=index)) for index in range(3)]
    assert await take(first, 3) == stored
    assert await take(second, 3) == stored
    await first.aclose()
    await second.aclose()


async def test_values_are_opaque(store: Store) -> None:
    values = {
        "text": "Zürich ☀ 東京 \U0001f600 \"quoted\" \\ back",
        "nested": {"list": [1, 2.5, None, True, {"deep": []}], "empty": {}},
        "big": 12345678901234567890,
        "float": 0.1,
    }
    stored = await store.put(Update("custom", NOW, NOW + timedelta(hours=1), values, "ü"))
    fetched = await store.get("custom")
    assert fetched is not None
    assert fetched.values == values
    assert fetched.source == "ü"
    assert (await store.since((stored.seq or 1) - 1) or [None])[0] == stored


async def test_concurrent_puts_get_distinct_seqs(store: Store) -> None:
    subscription = store.subscribe()
    stored = await asyncio.gather(*(store.put(update(f"t{index}", n=index))
                                    for index in range(40)))
    seqs = sorted(item.seq or 0 for item in stored)
    assert len(set(seqs)) == 40
    received = await take(subscription, 40)
    assert [item.seq for item in received] == seqs
    assert len(await store.snapshot()) == 40
    await subscription.aclose()


async def test_fanout_runs_its_listener_only_while_someone_subscribes() -> None:
    events: list[str] = []

    async def listen() -> None:
        events.append("start")
        try:
            await asyncio.Event().wait()
        finally:
            events.append("stop")

    fanout = Fanout(listener=listen)
    first, second = fanout.subscribe(), fanout.subscribe()
    await asyncio.sleep(0)
    await first.aclose()
    await asyncio.sleep(0)
    assert events == ["start"]
    await second.aclose()
    await asyncio.sleep(0)
    assert events == ["start", "stop"]
    third = fanout.subscribe()
    await asyncio.sleep(0)
    assert events == ["start", "stop", "start"]
    await fanout.close()
    assert events == ["start", "stop", "start", "stop"]
    assert len(fanout) == 0
    await third.aclose()


async def test_fanout_delivers_each_seq_once_in_order() -> None:
    fanout = Fanout()
    fanout.known_seq = 4
    subscription = fanout.subscribe()
    for seq in (3, 4, 5, 5, 6, 2, 7):
        fanout.deliver(update(n=seq).with_seq(seq))
    fanout.deliver(update(n=8))
    received = await take(subscription, 3)
    assert [item.seq for item in received] == [5, 6, 7]
    assert subscription._queue.empty()
    assert (fanout.delivered_seq, fanout.known_seq) == (7, 7)
    await subscription.aclose()


def test_unknown_store_url_is_one_line() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("mongodb://admin:hunter22@db/x")
    message = str(caught.value)
    assert "\n" not in message
    assert "hunter22" not in message
    assert "mongodb://admin:****@db/x" in message


def test_embedded_default_path_is_the_user_state_dir(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    from dashcli.store.sqlite import SqliteStore

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    store = open_store("embedded")
    assert isinstance(store, SqliteStore)
    assert store.path == tmp_path / "dash" / "state.db"


async def test_embedded_file_is_wal_and_survives_reopen(tmp_path: Path) -> None:
    import sqlite3

    url = f"sqlite:///{tmp_path}/state.db"
    first = open_store(url)
    await first.open()
    stored = await first.put(update(n=1))
    await first.close()
    second = open_store(url)
    await second.open()
    assert await second.get("weather") == stored
    assert (await second.put(update(n=2))).seq == (stored.seq or 0) + 1
    await second.close()
    with sqlite3.connect(tmp_path / "state.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_embedded_corrupt_row_is_logged_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import sqlite3

    url = f"sqlite:///{tmp_path}/state.db"
    store = open_store(url)
    await store.open()
    subscription = store.subscribe()
    await store.put(update(n=1))
    with sqlite3.connect(tmp_path / "state.db") as db:
        db.execute("INSERT INTO log (seq, body) VALUES (2, '{not json')")
        db.execute("UPDATE meta SET value = 2 WHERE key = 'seq'")
        db.execute("INSERT INTO state (type, seq, body) VALUES ('bad', 2, '[]')")
    third = await store.put(update(n=3))
    with caplog.at_level(logging.WARNING):
        received = await take(subscription, 2)
        snapshot = await store.snapshot()
    assert [item.values for item in received] == [{"n": 1}, {"n": 3}]
    assert received[1] == third
    assert sorted(snapshot) == ["weather"]
    assert "corrupt row" in caplog.text
    await subscription.aclose()
    await store.close()


async def test_embedded_put_from_another_process_reaches_a_subscriber(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/state.db"
    store = open_store(url)
    await store.open()
    subscription = store.subscribe()
    receiver = asyncio.create_task(take(subscription, 1, timeout=15))
    values = tmp_path / "values.json"
    values.write_text('{"note": "from another process"}')
    env = {**os.environ, "DASH_PROFILE": ""}
    spawned = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dashcli", "publish", "notes", "--file", str(values),
        "--store", url, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert process.stdout is not None
    # The child prints the seq right after its commit: from then on the clock runs.
    line = await process.stdout.readline()
    printed = time.monotonic()
    received = await receiver
    arrived = time.monotonic()
    _stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    delay = max(0.0, arrived - printed)
    print(f"\ncross-process: publish printed seq -> subscriber {delay * 1000:.0f} ms "
          f"(child start -> subscriber {(arrived - spawned) * 1000:.0f} ms)")
    assert received[0].type == "notes"
    assert received[0].values == {"note": "from another process"}
    assert received[0].seq == int(line.decode())
    assert delay < 3.0
    await subscription.aclose()
    await store.close()


async def test_embedded_wake_up_reaches_another_connection_without_polling(
    tmp_path: Path,
) -> None:
    """Two stores on one file stand for two processes; the reader polls once a minute, so only
    the wake-up datagram can deliver within the deadline."""
    from dashcli.store.sqlite import SqliteStore
    from dashcli.store.wakeup import wake_dir

    path = tmp_path / "state.db"
    reader, writer = SqliteStore(path, poll_interval=60), SqliteStore(path, poll_interval=60)
    await reader.open()
    await writer.open()
    try:
        subscription = reader.subscribe()
        first = asyncio.create_task(take(subscription, 1, timeout=5))
        async with asyncio.timeout(5):
            while not list(wake_dir(path).glob("*.sock")):  # the poller binds on its first run
                await asyncio.sleep(0.005)
        await writer.put(update("notes", n=0))
        received = await first
        for n in (1, 2):
            await writer.put(update("notes", n=n))
            received += await take(subscription, 1, timeout=1.0)  # the poll is 60 s away
        assert [item.values["n"] for item in received] == [0, 1, 2]
        await subscription.aclose()
    finally:
        await writer.close()
        await reader.close()
    assert list(wake_dir(path).glob("*.sock")) == []  # the socket leaves with the subscriber


async def test_embedded_wake_up_removes_a_dead_process_socket(tmp_path: Path) -> None:
    import socket

    from dashcli.store.wakeup import wake_dir

    path = tmp_path / "state.db"
    directory = wake_dir(path)
    directory.mkdir(parents=True)
    stale = directory / "999999-dead.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(stale))
    dead.close()  # the file stays, nobody receives: a process that was killed
    store = open_store(f"sqlite:///{path}")
    await store.open()
    try:
        assert (await store.put(update("notes"))).seq == 1
    finally:
        await store.close()
    assert not stale.exists()


async def test_embedded_falls_back_to_polling_without_a_wake_up_socket(tmp_path: Path) -> None:
    from dashcli.store.sqlite import SqliteStore
    from dashcli.store.wakeup import wake_dir

    path = tmp_path / "state.db"
    wake_dir(path).write_text("not a directory")  # no socket can be made there
    reader, writer = SqliteStore(path), SqliteStore(path)
    await reader.open()
    await writer.open()
    try:
        subscription = reader.subscribe()
        receiver = asyncio.create_task(take(subscription, 1, timeout=5))
        await asyncio.sleep(0.05)
        await writer.put(update("notes", n=1))
        assert (await receiver)[0].values == {"n": 1}
        await subscription.aclose()
    finally:
        await writer.close()
        await reader.close()


async def test_redis_garbage_on_the_channel_is_skipped(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    from redis.asyncio import Redis

    store = open_store(redis_server.url)
    await store.open()
    subscription = store.subscribe()
    await store.put(update(n=1))
    assert [item.values for item in await take(subscription, 1)] == [{"n": 1}]
    raw = Redis.from_url(redis_server.url)
    with caplog.at_level(logging.WARNING):
        for garbage in (b"\xff\xfe", b"{}", b"[1,2]", b'{"type":"x"}'):
            await raw.publish("dash:update", garbage)
        second = await store.put(update(n=2))
        assert await take(subscription, 1) == [second]
    assert caplog.text.count("skipped a bad message") == 1
    await raw.aclose()
    await subscription.aclose()
    await store.close()


async def test_redis_password_in_the_url_is_used_and_masked(redis_server: RedisServer) -> None:
    from redis.asyncio import Redis

    admin = Redis.from_url(redis_server.url)
    await admin.execute_command("ACL", "SETUSER", "dash", "on", ">s3cret-pass", "~*", "&*", "+@all")
    await admin.aclose()
    good = open_store(f"redis://dash:s3cret-pass@127.0.0.1:{redis_server.port}/0")
    await good.open()
    assert "s3cret" not in good.name
    assert ((await good.put(update())).seq or 0) > 0
    await good.close()
    bad = open_store(f"redis://dash:wrong-pass@127.0.0.1:{redis_server.port}/0")
    await bad.open()
    assert not await bad.ping()
    with pytest.raises(StoreError) as caught:
        await bad.put(update())
    assert "wrong-pass" not in str(caught.value)
    assert "redis://dash:****@127.0.0.1" in str(caught.value)
    await bad.close()


async def test_redis_kill_and_restart_under_a_subscriber(redis_server: RedisServer) -> None:
    store = open_store(redis_server.url)
    await store.open()
    subscription = store.subscribe()
    before = await store.put(update(n=0))
    assert await take(subscription, 1) == [before]

    redis_server.kill()
    started = time.monotonic()
    assert not await store.ping()
    with pytest.raises(StoreError) as caught:
        await store.put(update(n=1))
    assert time.monotonic() - started < 5
    assert "\n" not in str(caught.value)
    assert redis_server.url.removesuffix("/0") in str(caught.value)

    redis_server.start()
    deadline = time.monotonic() + 15
    while not await store.ping():
        assert time.monotonic() < deadline, "store did not reconnect"
        await asyncio.sleep(0.1)
    after = [await store.put(update(n=index)) for index in range(2, 7)]
    received = await take(subscription, 5, timeout=15)
    assert received == after
    # Seq keeps increasing for the subscribers although Redis lost everything.
    assert (after[0].seq or 0) > (before.seq or 0)
    await asyncio.sleep(0.3)
    extra = await store.put(update(n=99))
    assert await take(subscription, 1) == [extra]
    await subscription.aclose()
    await store.close()
