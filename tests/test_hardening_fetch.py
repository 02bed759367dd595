"""Hostile upstreams (issue 12, rows 3, 14, 15): gzip bombs, huge and endless bodies, trickles and
Retry-After, served from loopback to ``dash fetch`` as a real process (its peak RSS read from the
kernel) and to the scheduler of ``dash serve``."""

from __future__ import annotations

import contextlib
import gzip
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator

import pytest

from dashcli.fetching.scheduler import Scheduler
from dashcli.sources.http import DEFAULT_MAX_BODY, RetryPolicy
from dashcli.store.base import MemoryStore
from tests.conftest import background, fixture_path, profile_with
from tests.replay import ReplayServer, Reply
from tests.test_cli import assert_one_line_error, dash
from tests.test_scheduler import VirtualClock, until

FORECAST = "/v1/forecast"
# What dash fetch weather peaks at when it fetches a normal answer is ~60 MB here; a bomb that
# got through would be hundreds of MB.
RSS_BOUND_KB = 150 * 1024


def gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MiB of zeros, gzip-compressed (about 1,000 times smaller)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


class RawServer:
    """A loopback server whose every connection is handed to ``respond(sock)`` in a thread."""

    def __init__(self, respond: Callable[[socket.socket], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.respond = respond
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            with contextlib.suppress(OSError):
                self.respond(conn)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(respond: Callable[[socket.socket], None]) -> RawServer:
        servers.append(RawServer(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def fetch_weather_peak_rss(base_url: str, *more: str) -> tuple[int, str, int]:
    """Run ``dash fetch weather`` against ``base_url``: exit code, stderr, peak RSS in KiB."""
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child
    # of a long pytest run would report the test runner's own peak.
    probe = (
        "import atexit, re, sys, runpy\n"
        "hwm = lambda: re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
        "atexit.register(lambda: sys.stderr.write(f'\\nPEAK {hwm()}\\n'))\n"
        "sys.argv = ['dash'] + sys.argv[1:]\n"
        "runpy.run_module('dashcli', run_name='__main__')\n"
    )
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", probe, "fetch", "weather", "--json",
         "--set", f"sources.weather.base_url={base_url}", *more],
        capture_output=True, text=True, timeout=120,
    )
    stderr, _, peak = result.stderr.rpartition("\nPEAK ")
    return result.returncode, stderr.strip(), int(peak)


def test_a_gzip_bomb_is_refused_within_the_memory_bound(upstream: ReplayServer) -> None:
    bomb = gzip_bomb(512)  # ~0.5 MiB on the wire, 512 MiB inflated
    upstream.route(FORECAST, Reply(bomb, headers=(("Content-Encoding", "gzip"),)))
    code, stderr, peak = fetch_weather_peak_rss(upstream.url)
    assert code == 1
    assert stderr.splitlines() == [
        f"weather: open-meteo answered more than {DEFAULT_MAX_BODY} bytes (decompressed); raise "
        f"sources.<name>.max_body_bytes if that is expected: {upstream.url}/v1/forecast"
    ]
    assert peak < RSS_BOUND_KB, f"peak RSS {peak} KiB"


def test_a_gzip_answer_within_the_cap_is_read(upstream: ReplayServer) -> None:
    body = fixture_path("open-meteo/forecast-boston-imperial.json").read_bytes()
    upstream.route(FORECAST, Reply(gzip.compress(body), headers=(("Content-Encoding", "gzip"),)))
    result = dash("fetch", "weather", "--json", "--set", f"sources.weather.base_url={upstream.url}")
    assert result.returncode == 0, result.stderr
    assert '"temperature":29.5' in result.stdout.replace(" ", "")


def test_an_endless_body_without_length_stops_at_the_cap(
    raw_server: Callable[..., RawServer],
) -> None:
    def endless(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\n\r\n")
        block = b" " * 65536
        while True:
            conn.sendall(block)

    server = raw_server(endless)
    code, stderr, peak = fetch_weather_peak_rss(
        server.url, "--set", "sources.weather.max_body_bytes=2000000")
    assert code == 1
    assert "answered more than 2000000 bytes (decoded)" in stderr
    assert peak < RSS_BOUND_KB, f"peak RSS {peak} KiB"


def test_a_declared_huge_length_is_refused_before_reading(upstream: ReplayServer) -> None:
    upstream.route(FORECAST, Reply(b" " * 3_000_000))
    result = dash("fetch", "weather", "--set", f"sources.weather.base_url={upstream.url}",
                  "--set", "sources.weather.max_body_bytes=1000000")
    assert_one_line_error(result, 1, "answered more than 1000000 bytes (Content-Length)")


def test_a_trickling_body_meets_the_overall_deadline(
    raw_server: Callable[..., RawServer],
) -> None:
    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100000\r\n\r\n")
        while True:
            conn.sendall(b" ")
            time.sleep(0.2)  # always within the 1 s read timeout

    server = raw_server(trickle)
    started = time.monotonic()
    result = dash("fetch", "weather", "--set", f"sources.weather.base_url={server.url}",
                  "--set", "sources.weather.timeout=1")
    elapsed = time.monotonic() - started
    assert_one_line_error(result, 1, "weather: no complete answer within 8 s")
    assert elapsed < 20


def test_a_short_retry_after_is_waited_out(upstream: ReplayServer) -> None:
    body = fixture_path("open-meteo/forecast-boston-imperial.json")
    upstream.route(FORECAST, Reply("busy", status=503, content_type="text/plain",
                                   headers=(("Retry-After", "2"),)), Reply(body))
    started = time.monotonic()
    result = dash("fetch", "weather", "--json", "--set", f"sources.weather.base_url={upstream.url}")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 2.0
    assert len(upstream.hits(FORECAST)) == 2


async def test_a_long_retry_after_holds_the_source_back(upstream: ReplayServer) -> None:
    upstream.route(FORECAST, Reply("slow down", status=429, content_type="text/plain",
                                   headers=(("Retry-After", "120"),)))
    profile = profile_with(weather={"base_url": upstream.url})
    clock = VirtualClock()
    scheduler = Scheduler(profile, MemoryStore(), names=["weather"], clock=clock,
                          retry=RetryPolicy(attempts=3, backoff=0.01), jitter=0.0,
                          start_spread=0.0)
    async with background(scheduler.run()):
        await until(lambda: scheduler.status()["weather"].errors >= 3)
    # One request per fetch (no in-call retry against a 120 s Retry-After), and every wait
    # between fetches at least what the upstream asked for.
    status = scheduler.status()["weather"]
    assert len(upstream.hits(FORECAST)) <= status.errors + 1  # + the one in flight at the end
    waits = [seconds for seconds in clock.sleeps if seconds > 0]
    assert waits
    assert all(seconds >= 120 for seconds in waits), waits
    assert "Retry-After 120 s" in (status.last_error or "")


async def test_each_source_keeps_its_own_timeout_under_the_scheduler(
    upstream: ReplayServer,
) -> None:
    upstream.route(FORECAST, Reply(fixture_path("open-meteo/forecast-boston-imperial.json"),
                                   delay=1.5))
    upstream.route("/v1/air-quality", Reply(fixture_path("open-meteo/air-quality-boston.json")))
    profile = profile_with(weather={"base_url": upstream.url, "timeout": 0.5},
                           air={"base_url": upstream.url, "timeout": 30})
    scheduler = Scheduler(profile, MemoryStore(), names=["weather", "air"], clock=VirtualClock(),
                          retry=RetryPolicy(attempts=1), jitter=0.0, start_spread=0.0)
    async with background(scheduler.run()):
        await until(lambda: scheduler.status()["weather"].errors >= 1)
    assert "read timeout after 0.5 s" in (scheduler.status()["weather"].last_error or "")
