"""The legacy corpus (``../shared/fixtures/legacy``) replayed through ``dash serve --legacy`` on a
real redis-server: every real message and key is accepted and translated, every page that draws
its type reads it, and the old API surface answers as the captured one did, driven with the
old clients' own requests. Skips when the corpus is absent."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from redis.asyncio import Redis

from dashcli.core.envelope import Update
from dashcli.renderers import PAGES
from dashcli.renderers.registry import page_spec
from dashcli.sources.legacy import parse_legacy_time
from tests.conftest import RedisServer, shared_fixture
from tests.pages import draw_strict
from tests.sse_client import SSEClient
from tests.test_server_cli import ServeProcess, run_dash

TIMEZONE = "America/New_York"
DATA_TYPES = {"weather", "air", "moon", "calendar", "events", "github", "mlb", "nfl", "track"}
# Every page that draws each of our types (the legacy types' pages).
PAGES_OF = {kind: sorted(name for name in PAGES if kind in page_spec(name).types)
            for kind in DATA_TYPES}


def corpus(relative: str) -> Path:
    return shared_fixture(f"legacy/{relative}")


def messages(relative: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in corpus(relative).read_text().splitlines() if line]


class LegacyServe(ServeProcess):
    """``dash serve --legacy`` with the old API surface on a free port (``legacy_url``)."""

    def __init__(self, redis_url: str, home: Path, *extra: str) -> None:
        self.line = ""
        super().__init__(
            ["--store", "memory://", "--no-fetch", "--legacy", "--legacy-redis", redis_url,
             "--set", "server.legacy_api.enabled=true", "--set", "server.legacy_api.port=0",
             "--set", "units=imperial", "--set", f"location.timezone={TIMEZONE}", *extra],
            home,
        )
        match = re.search(r"legacy API on (http://\S+?)/", self.line)
        assert match, self.line
        self.legacy_url = match.group(1)

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        import select

        ready, _, _ = select.select([self.process.stdout], [], [], 15)
        self.line = self.process.stdout.readline() if ready else ""
        if not self.line.startswith("dash serve: http://"):
            self.process.kill()
            _, err = self.process.communicate()
            raise AssertionError(f"no start-up line: {self.line!r} {err!r}")
        return self.line.split()[2].rstrip("/")


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[LegacyServe]]:
    processes: list[LegacyServe] = []
    yield processes
    for process in processes:
        process.stop()


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


async def wait_state(url: str, kinds: set[str], timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        while True:
            state: dict[str, Any] = (await http.get("/state")).json()
            if kinds <= set(state):
                return state
            assert time.monotonic() < deadline, f"missing {kinds - set(state)}"
            await asyncio.sleep(0.1)


async def publish_all(redis: Redis, channel: str, texts: list[str]) -> None:
    deadline = time.monotonic() + 10
    while (await redis.pubsub_numsub(channel))[0][1] == 0:
        assert time.monotonic() < deadline, "the legacy ingest never subscribed"
        await asyncio.sleep(0.05)
    for text in texts:
        await redis.publish(channel, text)


def updates(state: dict[str, Any]) -> dict[str, Update]:
    return {kind: Update.from_dict(body) for kind, body in state.items()}


def draw_strictly(page: str, state: dict[str, Update], now: datetime) -> Image.Image:
    """The page drawn by its own render function: unreadable values raise here."""
    return draw_strict(page, state, now=now)


def assert_every_page_reads(state: dict[str, Update]) -> None:
    for kind in DATA_TYPES:
        for page in PAGES_OF[kind]:
            draw_strictly(page, state, state[kind].updated)


async def test_gen_b_keys_are_read_at_start_up_and_every_page_draws_them(
    redis_server: RedisServer, redis: Redis, started: list[LegacyServe], tmp_path: Path
) -> None:
    keys: dict[str, str] = json.loads(corpus("gen-b/kv-keys.json").read_text())
    await redis.mset(keys)
    server = LegacyServe(redis_server.url, tmp_path)
    started.append(server)
    state = await wait_state(server.url, DATA_TYPES | {"services"})
    assert set(state) == DATA_TYPES | {"services"}
    services = state["services"]["values"]["services"]
    assert [entry["name"] for entry in services] == sorted(
        (name.removesuffix("-Server") for name in keys if name.endswith("-Server")), key=str.lower)
    weather_server = next(entry for entry in services if entry["name"] == "Weather")
    assert weather_server == {"name": "Weather", "type": "weather",
                              "started": "2024-10-25T12:00:00-04:00",
                              "message": "OWMServer started."}
    for kind, body in state.items():
        assert body["source"] == "legacy", kind
    # What each key held, translated (spot checks; the pages below read every field).
    assert state["mlb"]["updated"] == "2022-09-17T18:00:00-04:00"
    assert len(state["mlb"]["values"]["games"]) == 17
    assert state["calendar"]["values"]["today"][2]["title"] == "Zoé listening"
    assert state["air"]["values"]["color"] == "#00e400"
    assert state["nfl"]["values"]["week"] == {"season_type": "Regular Season",
                                              "name": "Week 1", "dates": "Sep 8-13"}
    assert_every_page_reads(updates(state))
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        status = (await http.get("/status")).json()
    assert status["services"] == services


async def test_gen_b_messages_live_reach_dash_and_old_clients_byte_for_byte(
    redis_server: RedisServer, redis: Redis, started: list[LegacyServe], tmp_path: Path
) -> None:
    wire = messages("gen-b/update-messages.jsonl")
    server = LegacyServe(redis_server.url, tmp_path)
    started.append(server)
    capture = corpus("apiserver/sse-events.txt").read_bytes()
    async with SSEClient(f"{server.url}/events") as ours, httpx.AsyncClient(
            timeout=10) as http, http.stream(
            "GET", f"{server.legacy_url}/events",
            headers={"User-Agent": "Python/3.11 aiohttp/3.12.15", "Accept": "*/*",
                     "Accept-Encoding": "gzip, deflate"}) as old:
        assert old.status_code == 200
        assert old.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert old.headers["cache-control"] == "no-store"
        assert old.headers["x-accel-buffering"] == "no"
        await publish_all(redis, "update", [record["message"] for record in wire])
        put = await http.put(f"{server.legacy_url}/webcontrol/pp")
        assert (put.status_code, put.content) == (202, b'{"status":"Command queued"}')
        bogus = await http.put(f"{server.legacy_url}/webcontrol/bogus")
        assert (bogus.status_code, bogus.content) == (400, b'{"error":"Invalid command"}')
        # Every published message then the web control frame, exactly as the old server sent.
        expected = capture[: capture.index(b": ping")]
        received = b""
        async with asyncio.timeout(10):
            async for chunk in old.aiter_raw():
                received += chunk
                if len(received) >= len(expected):
                    break
        assert received == expected
        events = await ours.take(len(wire) + 1, timeout=10)
    kinds = [event.event for event in events]
    assert kinds.count("services") == 9
    assert sorted(set(kinds) - {"services", "control"}) == sorted(DATA_TYPES)
    assert events[-1].event == "control"
    assert events[-1].json()["action"] == "pause"
    # The last message of each type is what /state holds.
    state = await wait_state(server.url, DATA_TYPES)
    last = {json.loads(r["message"])["type"]: json.loads(r["message"]) for r in wire}
    assert state["mlb"]["values"]["games"] == []  # the last MLB message had no games
    assert state["nfl"]["updated"] == parse_legacy_time(last["NFL"]["updated"]).isoformat()
    final = updates(state)
    final.pop("mlb")
    for kind in DATA_TYPES - {"mlb"}:
        for page in PAGES_OF[kind]:
            draw_strictly(page, final, final[kind].updated)


def response_of(name: str) -> dict[str, Any]:
    for line in corpus("apiserver/responses.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["body_file"] == f"bodies/{name}":
            return dict(record)
    raise AssertionError(name)


def header(record: dict[str, Any], name: str) -> str | None:
    return next((value for key, value in record["headers"] if key == name), None)


def raw_request(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as captured (its Host line re-pointed) and read the whole answer."""
    host, port = url.removeprefix("http://").split(":")
    request = re.sub(rb"Host: [^\r\n]+", f"Host: {host}:{port}".encode(), request)
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(request.replace(b"Connection: keep-alive", b"Connection: close"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def matrix_client_requests() -> list[bytes]:
    """The requests of clients/matrixclient-requests.log, with CRLF line ends restored."""
    text = corpus("clients/matrixclient-requests.log").read_text()
    blocks = re.split(r"^--- conn .*$\n", text, flags=re.MULTILINE)
    return [block.strip("\n").replace("\n", "\r\n").encode() + b"\r\n\r\n"
            for block in blocks if block.strip()]


async def test_old_api_surface_answers_as_the_captured_server(
    redis_server: RedisServer, redis: Redis, started: list[LegacyServe], tmp_path: Path
) -> None:
    server = LegacyServe(redis_server.url, tmp_path)
    started.append(server)
    async with httpx.AsyncClient(base_url=server.legacy_url, timeout=5) as http:
        for path, name in (("/key/Environment", "before-key-Environment.json"),
                           ("/key/Weather", "before-key-Weather.json")):
            answer = await http.get(path)
            assert answer.content == corpus(f"apiserver/bodies/{name}").read_bytes()
        await redis.mset(json.loads(corpus("gen-b/kv-keys.json").read_text()))
        # The matrix client's own start-up requests, byte for byte as it sent them.
        requests = matrix_client_requests()
        assert len(requests) >= 17
        for request in requests[:16]:
            key = request.split(b" ")[1].decode().removeprefix("/key/")
            status, headers, body = await asyncio.to_thread(raw_request, server.legacy_url,
                                                            request)
            assert status == 200, key
            assert headers["content-type"] == "application/json"
            bodies = corpus("apiserver/bodies/live.json").parent
            if (bodies / f"key-{key}.json").exists():
                assert body == (bodies / f"key-{key}.json").read_bytes(), key
            else:
                stored = json.loads(await redis.get(key))
                assert json.loads(body) == stored, key
        for name in ("key-Environment.json", "key-NoSuchKey.json", "key-GitHub.json",
                     "live.json", "ready.json"):
            record = response_of(name)
            path = record["request"].split()[1]
            answer = await http.get(path)
            assert answer.status_code == record["status"], path
            assert answer.headers["content-type"] == header(record, "content-type"), path
            assert answer.content == corpus(f"apiserver/bodies/{name}").read_bytes(), path
            # The old Ingress prefix answers the same.
            assert (await http.get(f"/api{path}")).content == answer.content
        for name in ("cors-get-Environment-origin-3001.json", "cors-preflight-origin-3001.txt",
                     "cors-preflight-put-origin-3001.txt", "cors-preflight-origin-other.txt"):
            record = response_of(name)
            method, path = record["request"].split()
            answer = await http.request(method, path, headers=record["request_headers"])
            assert answer.status_code == record["status"], name
            assert answer.content == corpus(f"apiserver/bodies/{name}").read_bytes(), name
            for key in ("access-control-allow-origin", "access-control-allow-credentials",
                        "access-control-allow-methods", "access-control-max-age", "vary"):
                assert answer.headers.get(key) == header(record, key), (name, key)
        redis_server.kill()
        for name in ("ready-redis-down.json", "key-Weather-redis-down.txt"):
            record = response_of(name)
            answer = await http.get(record["request"].split()[1])
            assert answer.status_code == record["status"], name
            assert answer.content == corpus(f"apiserver/bodies/{name}").read_bytes(), name
            assert answer.headers["content-type"] == header(record, "content-type"), name


async def test_web_control_both_ways(
    redis_server: RedisServer, started: list[LegacyServe], tmp_path: Path
) -> None:
    server = LegacyServe(redis_server.url, tmp_path)
    started.append(server)
    async with SSEClient(f"{server.url}/events") as ours, httpx.AsyncClient(
            timeout=10) as http, http.stream("GET", f"{server.legacy_url}/events") as old:
        for command in ("pp", "pp", "fwd", "rew", "out", "reload"):
            assert (await http.put(f"{server.legacy_url}/webcontrol/{command}")).status_code == 202
        for action in ("next", "pause", "pause", "resume", "prev"):
            assert (await http.post(f"{server.url}/control/{action}")).status_code == 200
        wanted = [*(f'{{"type": "webcontrol", "command": "{c}"}}' for c in
                    ("pp", "pp", "fwd", "rew", "out", "reload", "fwd", "pp", "pp", "rew"))]
        received = b""
        async with asyncio.timeout(10):
            async for chunk in old.aiter_raw():
                received += chunk
                if received.count(b"\r\n\r\n") >= len(wanted):
                    break
        assert received == b"".join(f"event: update\r\ndata: {w}\r\n\r\n".encode()
                                    for w in wanted)
        events = await ours.take(9, timeout=10)
    assert [event.json()["action"] for event in events] == [
        "pause", "resume", "next", "prev", "next", "pause", "pause", "resume", "prev"]


async def test_hostile_input_on_the_legacy_surface_keeps_it_serving(
    redis_server: RedisServer, redis: Redis, started: list[LegacyServe], tmp_path: Path
) -> None:
    server = LegacyServe(redis_server.url, tmp_path)
    started.append(server)
    gen_c = json.loads(corpus("gen-c/kv-keys.json").read_text())
    await redis.mset({"update:AQI": gen_c["update:AQI"], "Weather": "not json",
                      "Moon": '{"values": "\\ud800"}', "Calendar": "[" * 5000 + "]" * 5000})
    good = next(record["message"] for record in messages("gen-b/update-messages.jsonl")
                if json.loads(record["message"])["type"] == "Moon")
    async with httpx.AsyncClient(timeout=10) as http, http.stream(
            "GET", f"{server.legacy_url}/events") as old:
        await publish_all(redis, "update", [
            "}{", "\xff", "[" * 5000 + "]" * 5000, '{"type": "Weather", "values": NaN}',
            '{"type": "Calendar", "updated": "10/25/2024 12:00 PM -0400", "values": ["\\ud800"]}',
            json.dumps({"type": "AQI", "values": {"pad": "x" * (2 << 20)}}), good])
        received = b""
        async with asyncio.timeout(10):
            async for chunk in old.aiter_raw():
                received += chunk
                if received.endswith(b"\r\n\r\n"):
                    break
        # Only the good message reached the old clients: garbage would break their parser.
        assert received == f"event: update\r\ndata: {good}\r\n\r\n".encode()
        # Gen C keys answer under the bare name; keys holding garbage are {} or a 500, no more.
        assert (await http.get(f"{server.legacy_url}/key/AQI")).json() == json.loads(
            gen_c["update:AQI"])
        assert (await http.get(f"{server.legacy_url}/key/Weather")).json() == {}
        assert (await http.get(f"{server.legacy_url}/key/Moon")).status_code == 500
        assert (await http.get(f"{server.legacy_url}/key/Calendar")).json() == {}
        assert (await http.get(f"{server.legacy_url}/key/{'x' * 5000}")).status_code in (
            200, 414, 431)
        assert (await http.get(f"{server.legacy_url}/ready")).json() == {"status": "ready"}
    state = await wait_state(server.url, {"moon", "air"})
    assert state["moon"]["values"]["phase"]["name"] == "Waning Gibbous"


def test_the_legacy_listener_is_off_unless_enabled_and_needs_legacy(tmp_path: Path) -> None:
    result = run_dash(["serve", "--store", "memory://", "--no-fetch", "--port", "0",
                       "--set", "server.legacy_api.enabled=true"], tmp_path)
    assert result.returncode == 2
    assert "server.legacy_api.enabled needs --legacy" in result.stderr
    from dashcli.profiles.schema import Server

    assert Server().legacy_api.enabled is False
    assert Server().legacy_api.host == "127.0.0.1"
