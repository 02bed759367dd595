"""The dash serve application on a real 127.0.0.1 port, read by real SSE and HTTP clients."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from dashcli.core.envelope import EnvelopeError, Update, utcnow
from dashcli.server import create_app
from dashcli.store import Store, open_store
from dashcli.store.base import MemoryStore
from tests.sse_client import SSEClient

TOKEN = "s3cret-token-0123456789"


def update(kind: str, **values: Any) -> Update:
    now = utcnow()
    return Update(kind, now, now + timedelta(minutes=10), values, source="test")


@contextlib.asynccontextmanager
async def serving(store: Any, **options: Any) -> AsyncIterator[str]:
    """The app on a free loopback port, run the way dash serve runs it."""
    runner = web.AppRunner(create_app(store, **options), handler_cancellation=True,
                           shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.fixture(params=["memory", "embedded", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Each real backend in turn, fresh and opened."""
    if request.param == "memory":
        url = "memory://"
    elif request.param == "embedded":
        url = f"sqlite:///{tmp_path}/state.db"
    else:
        url = request.getfixturevalue("redis_server").url
    opened = open_store(url)
    await opened.open()
    yield opened
    await opened.close()


async def get(url: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.get(url, **kwargs)


async def test_current_state_first_then_live_updates(store: Store) -> None:
    # Ids are the store's seqs: consecutive here, following the clock in Redis.
    ids = [str((await store.put(update("weather", temp=50))).seq),
           str((await store.put(update("clock", time="12:00"))).seq)]
    async with serving(store) as base, SSEClient(f"{base}/events") as client:
        assert client.status == 200
        assert client.response_headers["content-type"].startswith("text/event-stream")
        assert client.response_headers["cache-control"] == "no-cache"
        assert client.response_headers["x-accel-buffering"] == "no"
        first, second = await client.take(2)
        assert (first.event, first.id, first.json()["values"]) == ("weather", ids[0], {"temp": 50})
        assert (second.event, second.id) == ("clock", ids[1])
        assert client.retry is not None
        third = (await store.put(update("weather", temp=51))).seq
        live = await client.next_event()
        assert (live.event, live.id) == ("weather", str(third))
        assert live.json() == {**live.json(), "type": "weather", "seq": third, "source": "test"}
        assert live.json()["values"] == {"temp": 51}


async def test_types_filter_limits_state_and_live_events(store: Store) -> None:
    await store.put(update("weather", temp=50))
    clock = (await store.put(update("clock", time="12:00"))).seq
    async with serving(store) as base, SSEClient(f"{base}/events?types=clock,mlb") as client:
        initial = await client.next_event()
        assert (initial.event, initial.id) == ("clock", str(clock))
        await store.put(update("weather", temp=51))
        mlb = (await store.put(update("mlb", games=[]))).seq
        clock = (await store.put(update("clock", time="12:01"))).seq
        events = await client.take(2)
        assert [(event.event, event.id) for event in events] == [
            ("mlb", str(mlb)), ("clock", str(clock))]


async def test_last_event_id_replays_exactly_the_missed_updates_in_order(store: Store) -> None:
    await store.put(update("weather", temp=50))
    second = (await store.put(update("clock", time="12:00"))).seq
    async with serving(store) as base:
        async with SSEClient(f"{base}/events") as client:
            seen = await client.take(2)
        last_id = seen[-1].id
        assert last_id == str(second)
        later = [(await store.put(update("clock", time=f"12:0{minute}"))).seq
                 for minute in range(1, 4)]
        later.append((await store.put(update("weather", temp=52))).seq)
        headers = {"Last-Event-ID": last_id}
        async with SSEClient(f"{base}/events", headers) as client:
            missed = await client.take(4)
            assert [event.id for event in missed] == [str(seq) for seq in later]
            assert [event.json()["values"].get("time") for event in missed[:3]] == [
                "12:01", "12:02", "12:03"]
            last = (await store.put(update("weather", temp=53))).seq
            assert (await client.next_event()).id == str(last)
            with pytest.raises(TimeoutError):
                await client.next_event(timeout=0.3)
        async with SSEClient(f"{base}/events?types=weather&last_event_id={later[0]}") as client:
            missed = await client.take(2)
            assert [(event.event, event.id) for event in missed] == [
                ("weather", str(later[-1])), ("weather", str(last))]


async def test_last_event_id_older_than_the_replay_log_gets_full_state() -> None:
    store = MemoryStore(replay_size=2)
    await store.put(update("weather", temp=50))
    await store.put(update("clock", time="12:00"))
    for minute in range(1, 5):
        await store.put(update("clock", time=f"12:0{minute}"))
    async with serving(store) as base:
        async with SSEClient(f"{base}/events", {"Last-Event-ID": "1"}) as client:
            events = await client.take(2)
            assert [(event.event, event.id) for event in events] == [
                ("weather", "1"), ("clock", "6")]
        async with SSEClient(f"{base}/events", {"Last-Event-ID": "x"}) as client:
            assert client.status == 400


async def test_clients_joining_during_a_burst_see_every_update_once_in_order(store: Store) -> None:
    put = [(await store.put(update("clock", n=0))).seq or 0]
    async with serving(store) as base:
        clients: list[SSEClient] = []

        async def burst() -> None:
            for n in range(1, 201):
                put.append((await store.put(update("clock", n=n))).seq or 0)
                await asyncio.sleep(0)

        producer = asyncio.create_task(burst())
        for _ in range(5):
            client = SSEClient(f"{base}/events")
            await client.connect()
            clients.append(client)
        await producer
        for client in clients:
            seqs: list[int] = []
            while not seqs or seqs[-1] < put[-1]:
                seqs.append(int((await client.next_event()).id or 0))
            assert seqs == put[put.index(seqs[0]):], "gap or duplicate after catch-up"
            await client.close()


async def test_slow_client_is_dropped_while_a_fast_one_keeps_receiving() -> None:
    store = MemoryStore()
    padding = "x" * 16384
    async with serving(store, max_buffer=65536) as base:
        fast = SSEClient(f"{base}/events")
        slow = SSEClient(f"{base}/events", slow=True)
        await fast.connect()
        await slow.connect()
        received: list[int] = []

        async def read_fast() -> None:
            while True:
                received.append(int((await fast.next_event(timeout=10)).id or 0))

        reader = asyncio.create_task(read_fast())
        published = 0
        dropped = False
        while published < 4000 and not dropped:
            await store.put(update("weather", pad=padding))
            published += 1
            if published % 50 == 0:
                metrics = (await get(f"{base}/metrics")).text
                dropped = "dash_sse_clients_dropped_total 1.0" in metrics
            await asyncio.sleep(0)
        assert dropped, "the slow client was never dropped"
        for _ in range(10):
            await store.put(update("weather", pad="after"))
        published += 10
        async with asyncio.timeout(10):
            while len(received) < published:
                await asyncio.sleep(0.01)
        reader.cancel()
        assert received == list(range(1, published + 1))
        status = (await get(f"{base}/status")).json()
        assert status["clients"] == 1
        assert status["dropped_clients"] == 1
        await fast.close()
        await slow.close()


async def test_control_actions_reach_every_client() -> None:
    store = MemoryStore()
    async with serving(store) as base, SSEClient(f"{base}/events?types=weather") as client:
        async with httpx.AsyncClient(timeout=5) as http:
            reply = await http.post(f"{base}/control/next")
            assert reply.status_code == 200
            assert reply.json() == {"action": "next", "clients": 1}
            assert (await http.post(f"{base}/control/explode")).status_code == 404
            assert (await http.get(f"{base}/control/next")).status_code == 405
        event = await client.next_event()
        assert (event.event, event.json()) == ("control", {"action": "next"})


async def test_state_endpoints() -> None:
    store = MemoryStore()
    await store.put(update("weather", temp=50))
    async with serving(store) as base:
        state = (await get(f"{base}/state")).json()
        assert list(state) == ["weather"]
        assert state["weather"]["values"] == {"temp": 50}
        one = await get(f"{base}/state/weather")
        assert one.json()["seq"] == 1
        missing = await get(f"{base}/state/nope")
        assert missing.status_code == 404
        assert "nope" in missing.json()["error"]
        assert (await get(f"{base}/healthz")).status_code == 200
        ready = await get(f"{base}/readyz")
        assert (ready.status_code, ready.json()["ready"]) == (200, True)


async def test_bearer_token_required_everywhere_but_healthz() -> None:
    store = MemoryStore()
    async with serving(store, token=TOKEN) as base:
        assert (await get(f"{base}/healthz")).status_code == 200
        for path in ("/state", "/readyz", "/status", "/metrics", "/events"):
            denied = await get(f"{base}{path}")
            assert denied.status_code == 401, path
            assert denied.json()["error"].startswith("unauthorized")
            assert TOKEN not in denied.text
            wrong = await get(f"{base}{path}", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401, path
        right = await get(f"{base}/state", headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 200
        assert (await get(f"{base}/state?token={TOKEN}")).status_code == 401
        async with SSEClient(f"{base}/events?token={TOKEN}") as client:
            assert client.status == 200
        async with SSEClient(f"{base}/events", {"Authorization": f"Bearer {TOKEN}"}) as client:
            assert client.status == 200
        async with SSEClient(f"{base}/events?token=wrong") as client:
            assert client.status == 401


async def test_keepalive_pings() -> None:
    async with (
        serving(MemoryStore(), ping_interval=0.05) as base,
        SSEClient(f"{base}/events") as client,
    ):
        with pytest.raises(TimeoutError):
            await client.next_event(timeout=0.3)
        assert "ping" in client.comments


async def test_metrics_count_clients_and_events() -> None:
    store = MemoryStore()
    async with serving(store) as base, SSEClient(f"{base}/events") as client:
        await store.put(update("weather", temp=1))
        await client.next_event()
        text = (await get(f"{base}/metrics")).text
        assert "# TYPE dash_sse_clients gauge" in text
        assert "dash_sse_clients 1.0\n" in text
        assert "dash_sse_events_sent_total 1.0\n" in text
        assert "dash_sse_connections_total 1.0\n" in text
        assert "dash_store_up 1.0\n" in text


async def test_shutdown_sends_a_final_event_and_ends_the_stream() -> None:
    store = MemoryStore()
    runner = web.AppRunner(create_app(store), handler_cancellation=True, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    async with SSEClient(f"http://127.0.0.1:{runner.addresses[0][1]}/events") as client:
        await asyncio.sleep(0.05)
        await runner.cleanup()
        events = await client.wait_closed()
    assert [event.event for event in events] == ["shutdown"]
    assert json.loads(events[0].data)["reason"]


async def test_frames_are_drawn_by_the_given_renderer() -> None:
    """dash serve passes the displays' renderer, so /frames shows what the panel shows."""
    from PIL import Image

    calls: list[tuple[str, list[str], int]] = []

    def renderer(page, state, now, *, part=0):
        calls.append((page, sorted(state), part))
        return Image.new("RGB", (128, 64), (255, 0, 0))

    store = MemoryStore()
    await store.put(update("clock", time="12:00"))
    async with serving(store, renderer=renderer) as base:
        reply = await get(f"{base}/frames/clock.png")
        second = await get(f"{base}/frames/clock.png?part=2")
        refused = await get(f"{base}/frames/clock.png?part=-1")
    assert reply.status_code == 200
    assert second.status_code == 200
    assert refused.status_code == 400
    assert "part" in refused.json()["error"]
    assert calls == [("clock", ["clock"], 0), ("clock", ["clock"], 2)]
    assert Image.open(io.BytesIO(reply.content)).getpixel((5, 5)) == (255, 0, 0)


async def test_frames_are_pngs_of_the_current_state() -> None:
    from PIL import Image

    store = MemoryStore()
    await store.put(update("clock", time="12:00"))
    async with serving(store, token=TOKEN, size=(64, 32), timezone="America/New_York") as base:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        reply = await get(f"{base}/frames/clock.png", headers=auth)
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(reply.content))
        assert (image.size, image.mode) == ((64, 32), "RGB")
        assert image.getbbox() is not None, "the frame is all black"
        scaled = await get(f"{base}/frames/clock.png?scale=2&token={TOKEN}")
        assert Image.open(io.BytesIO(scaled.content)).size == (128, 64)
        assert (await get(f"{base}/frames/clock.png?scale=99", headers=auth)).status_code == 400
        unknown = await get(f"{base}/frames/nope.png", headers=auth)
        assert unknown.status_code == 404
        assert "clock" in unknown.json()["error"]
        assert (await get(f"{base}/frames/clock.png")).status_code == 401


async def test_status_and_metrics_report_the_scheduler(upstream: Any) -> None:
    from dashcli.fetching.scheduler import Scheduler
    from dashcli.sources.http import RetryPolicy
    from tests.conftest import fixture_path, profile_with
    from tests.replay import Reply

    upstream.route("/v1/forecast", Reply(fixture_path("open-meteo/forecast-boston-imperial.json")))
    upstream.route("/v1/air-quality", Reply("upstream broke", status=500))
    profile = profile_with(weather={"base_url": upstream.url}, air={"base_url": upstream.url})
    store = MemoryStore()
    scheduler = Scheduler(profile, store, retry=RetryPolicy(attempts=1, backoff=0.01),
                          start_spread=0.0)
    async with (
        serving(store, scheduler=scheduler) as base,
        SSEClient(f"{base}/events?types=weather") as client,
    ):
        running = asyncio.create_task(scheduler.run())
        try:
            event = await client.next_event(timeout=10)
            assert event.event == "weather"
            async with asyncio.timeout(10):
                while scheduler.status()["air"].errors == 0:
                    await asyncio.sleep(0.02)
            status = (await get(f"{base}/status")).json()
            metrics = (await get(f"{base}/metrics")).text
        finally:
            running.cancel()
    weather, air = status["sources"]["weather"], status["sources"]["air"]
    assert weather["last_success"] is not None
    assert weather["consecutive_failures"] == 0
    assert air["consecutive_failures"] >= 1
    assert "500" in air["last_error"]
    assert air["next_run"] is not None
    assert status["store"] == "memory://"
    assert status["clients"] == 1
    assert 'dash_source_fetches_total{source="weather"} 1.0' in metrics
    assert 'dash_source_errors_total{source="air"} 1.0' in metrics
    assert 'dash_source_errors_total{source="weather"} 0.0' in metrics
    assert 'dash_source_fetch_seconds_count{source="weather"} 1.0' in metrics
    assert "# TYPE dash_source_fetch_seconds histogram" in metrics


async def test_a_client_that_leaves_is_forgotten_at_once() -> None:
    async with serving(MemoryStore()) as base:
        client = SSEClient(f"{base}/events")
        await client.connect()
        assert (await get(f"{base}/status")).json()["clients"] == 1
        await client.close()
        async with asyncio.timeout(5):
            while (await get(f"{base}/status")).json()["clients"] != 0:
                await asyncio.sleep(0.02)


async def test_http_1_0_clients_get_an_identity_body() -> None:
    store = MemoryStore()
    await store.put(update("weather", temp=50))
    async with serving(store) as base:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /events HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert b"chunked" not in head.lower()
        body = await asyncio.wait_for(reader.readuntil(b"\n\n" + b"id: 1\n"), 5)
        assert body.startswith(b"retry: ")
        writer.close()


async def test_event_fields_survive_line_separators_and_newlines() -> None:
    store = MemoryStore()
    async with serving(store) as base, SSEClient(f"{base}/events") as client:
        await store.put(update("notes", text="line\u2028sep\u2029para\x85nel\nnewline"))
        # A type that would end its event: line early is refused before it is stored.
        with pytest.raises(EnvelopeError, match="use letters, digits"):
            await store.put(update("evil\nevent: control", text="x"))
        (note,) = await client.take(1)
        assert note.json()["values"]["text"] == "line\u2028sep\u2029para\x85nel\nnewline"


async def test_client_stuck_in_its_catch_up_is_dropped() -> None:
    store = MemoryStore()
    # More state than the socket buffers hold: the catch-up of a client that reads nothing stalls.
    for index in range(160):
        await store.put(update(f"type{index}", pad="x" * 65536))
    async with serving(store) as base:
        slow = SSEClient(f"{base}/events", slow=True)
        await slow.connect()
        async with asyncio.timeout(10):
            while "dash_sse_clients_dropped_total 1.0" not in (await get(f"{base}/metrics")).text:
                for _ in range(100):
                    await store.put(update("clock", n=1))
                await asyncio.sleep(0.01)
        assert (await get(f"{base}/status")).json()["clients"] == 0
        await slow.close()


async def test_opt_in_events_reach_only_clients_that_ask_for_them() -> None:
    from dashcli.server import CONTEXT
    from dashcli.server.sse import encode_event

    store = MemoryStore()
    app = create_app(store)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with (
            SSEClient(f"{base}/events") as everything,
            SSEClient(f"{base}/events?types=frame") as frames,
        ):
            await asyncio.sleep(0.05)
            app[CONTEXT].broadcaster.send(encode_event("frame", "{}", kind="frame"))
            await store.put(update("weather", temp=1))
            assert (await frames.next_event()).event == "frame"
            assert (await everything.next_event()).event == "weather"
    finally:
        await runner.cleanup()
