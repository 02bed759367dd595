"""Acknowledged means durable with Redis (issue 12, row 4): a real redis-server killed and
restarted empty, with ``dash publish`` as a process in between.
No seq printed to a user is handed out again, and every acknowledged update reaches a subscriber
that was connected through the restart."""

from __future__ import annotations

import asyncio

from dashcli.core.envelope import Update
from dashcli.store.redis import RedisStore
from tests.conftest import RedisServer
from tests.test_cli import dash


def publish(url: str, kind: str, n: int) -> int:
    result = dash("publish", kind, "-", "--store", url, stdin=f'{{"n": {n}}}')
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


async def test_redis_restarted_empty_loses_no_acknowledged_update(
    redis_server: RedisServer,
) -> None:
    server = RedisStore(redis_server.url)  # stands for dash serve: subscribed throughout
    await server.open()
    subscription = server.subscribe()
    try:
        await asyncio.sleep(0.5)  # the listener subscribes
        before = [await asyncio.to_thread(publish, redis_server.url, "notes", n) for n in range(3)]
        received: list[Update] = []
        async with asyncio.timeout(10):
            while len(received) < 3:
                received.append(await anext(subscription))
        redis_server.restart()  # no persistence: everything is gone
        # Published before the server's listener can reconnect (the loop is blocked meanwhile):
        # Redis's counter is gone and these publishers never saw it.
        after = [publish(redis_server.url, "notes", n) for n in range(3, 6)]
        printed = before + after
        assert printed == sorted(set(printed)), printed  # never reused, always increasing
        async with asyncio.timeout(20):
            while len(received) < 6:
                received.append(await anext(subscription))
        assert [item.seq for item in received] == printed
        assert [item.values["n"] for item in received] == list(range(6))
        # A display reconnecting with an id from before the restart gets exactly what it
        # missed, or full state when the log cannot tell (never a silent []).
        replay = await server.since(before[-1])
        assert replay is None or [item.seq for item in replay] == after
    finally:
        await subscription.aclose()
        await server.close()
