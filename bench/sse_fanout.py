"""SSE fan-out benchmark of ``dash serve``: N clients held open, updates published through Redis.

For each client count it starts a temporary ``redis-server`` and ``dash serve --legacy --no-fetch``
on free loopback ports, opens N raw asyncio SSE clients, publishes UPDATES legacy envelopes at
RATE per second on Redis channel ``update`` (the legacy ``json`` mode: ``values`` carry
``bench_seq`` and ``bench_sent``), then checks every client's receipt: deliveries lost and
duplicated, publish→receive latency p50/p99, the server's peak RSS and CPU seconds. Nothing is
parsed while the clients are live. Medians over RUNS runs are printed as a Markdown table.

    python bench/sse_fanout.py --clients 10,100,1000,2000,4000 --runs 3 [--store redis|embedded]

Targets (issue 3), nothing lost at any N: p99 <= 40 ms at 1000 clients, <= 80 ms at 2000,
<= 250 ms at 4000; peak RSS <= 100 MiB at 1000.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEGACY_TYPES = ["AQI", "Calendar", "Events", "GitHub", "MLB", "Moon", "NFL", "Weather"]
SEQ = re.compile(rb'"bench_seq":\s*(\d+)')
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def raise_nofile(wanted: int) -> int:
    """Raise the open-files limit (inherited by the server we start) as far as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


class Dechunker:
    """Incremental HTTP/1.1 chunked-body decoder."""

    def __init__(self) -> None:
        self.buffer = b""
        self.left = 0
        self.crlf = False

    def feed(self, data: bytes) -> bytes:
        buffer = self.buffer + data
        out = bytearray()
        while True:
            if self.crlf:
                if len(buffer) < 2:
                    break
                buffer, self.crlf = buffer[2:], False
            if self.left == 0:
                end = buffer.find(b"\r\n")
                if end < 0:
                    break
                self.left = int(buffer[:end].split(b";")[0] or b"0", 16)
                buffer = buffer[end + 2:]
                if self.left == 0:
                    break
            take = buffer[: self.left]
            if not take:
                break
            out += take
            buffer = buffer[len(take):]
            self.left -= len(take)
            self.crlf = self.left == 0
        self.buffer = buffer
        return bytes(out)


class Client(asyncio.Protocol):
    """One SSE connection: while live it only timestamps and keeps the raw bytes it reads."""

    def __init__(self, request: bytes, ready: asyncio.Future[bool], counter: list[int]) -> None:
        self.request = request
        self.ready = ready
        self.counter = counter
        self.head = b""
        self.chunked = False
        self.received: list[tuple[float, bytes]] = []
        self.transport: asyncio.Transport | None = None
        self.lost_early = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self.ready.done():
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end].lower(), self.head[end + 4:]
            self.chunked = b"transfer-encoding: chunked" in head
            self.ready.set_result(head.startswith(b"http/1.1 200"))
        if data:
            self.received.append((now, data))
            self.counter[0] += data.count(b"bench_seq")

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost_early = True
        if not self.ready.done():
            self.ready.set_result(False)

    def deliveries(self) -> list[tuple[int, float]]:
        """(bench_seq, receive time) of every event, decoded after the run."""
        dechunker = Dechunker() if self.chunked else None
        pending = b""
        found: list[tuple[int, float]] = []
        for moment, data in self.received:
            pending += dechunker.feed(data) if dechunker else data
            *events, pending = pending.split(b"\n\n")
            for event in events:
                match = SEQ.search(event)
                if match:
                    found.append((int(match.group(1)), moment))
        return found


@dataclass
class ServerProbe:
    """Samples the server's RSS and CPU from /proc."""

    pid: int
    peak_kib: int = 0
    samples: list[int] = field(default_factory=list)

    def rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    value = int(line.split()[1])
                    self.peak_kib = max(self.peak_kib, value)
                    return value
        return 0

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    async def sample(self, interval: float = 0.1) -> None:
        while True:
            self.rss_kib()
            await asyncio.sleep(interval)


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
         "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir),
         "--maxclients", "10000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start")


def start_server(store: str, redis_url: str, workdir: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    store_args = (["--store", redis_url] if store == "redis" else
                  ["--store", f"sqlite:///{workdir / 'state.db'}", "--legacy-redis", redis_url])
    env = {**os.environ, "XDG_STATE_HOME": str(workdir), "XDG_CONFIG_HOME": str(workdir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dashcli", "serve", "--no-fetch", "--legacy", "--port", str(port),
         *store_args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("dash serve:"):
        process.kill()
        raise SystemExit(f"dash serve did not start: {line!r} {process.stderr.read()!r}")
    return process, f"http://127.0.0.1:{port}/events"


def envelope(seq: int, sent: float) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sent))
    return json.dumps({"type": LEGACY_TYPES[seq % len(LEGACY_TYPES)], "updated": stamp,
                       "valid": stamp, "values": {"bench_seq": seq, "bench_sent": sent}},
                      separators=(",", ":"))


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run_once(clients: int, args: argparse.Namespace) -> dict[str, Any]:
    """One measured run at ``clients`` connections; returns its figures."""
    from redis.asyncio import Redis

    with tempfile.TemporaryDirectory(prefix="dash-bench-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_redis(workdir)
        server, url = start_server(args.store, redis_url, workdir)
        probe = ServerProbe(server.pid)
        loop = asyncio.get_running_loop()
        host_port = url.split("/")[2]
        request = (f"GET /events HTTP/1.1\r\nHost: {host_port}\r\nAccept: text/event-stream\r\n"
                   "Cache-Control: no-cache\r\n\r\n").encode()
        counter = [0]
        conns: list[Client] = []
        gate = asyncio.Semaphore(args.connect_concurrency)
        host, port = host_port.split(":")

        async def connect() -> bool:
            async with gate:
                client = Client(request, loop.create_future(), counter)
                conns.append(client)
                try:
                    await asyncio.wait_for(
                        loop.create_connection(lambda: client, host, int(port)), 10)
                    return await asyncio.wait_for(client.ready, 10)
                except (OSError, TimeoutError):
                    return False

        sampler = asyncio.create_task(probe.sample())
        publisher = Redis.from_url(redis_url)
        try:
            rss_idle = probe.rss_kib()
            connected = sum(await asyncio.gather(*(connect() for _ in range(clients))))
            if connected == 0:
                raise SystemExit(f"no client could connect to {url}")
            await asyncio.sleep(args.settle)
            deadline = time.monotonic() + 10
            while (await publisher.pubsub_numsub("update"))[0][1] < 1:
                if time.monotonic() > deadline:
                    raise SystemExit("the legacy ingest never subscribed to 'update'")
                await asyncio.sleep(0.05)
            rss_connected = probe.rss_kib()
            cpu_start = probe.cpu_seconds()
            own_start = own_cpu_seconds()
            start = time.time()
            sent_at: dict[int, float] = {}
            for seq in range(1, args.updates + 1):
                delay = start + (seq - 1) / args.rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                moment = time.time()
                sent_at[seq] = moment
                await publisher.publish("update", envelope(seq, moment))
            expected = connected * args.updates
            drain_end = time.monotonic() + args.drain
            while counter[0] < expected and time.monotonic() < drain_end:
                await asyncio.sleep(0.05)
            cpu = probe.cpu_seconds() - cpu_start
            harness_cpu = own_cpu_seconds() - own_start
        finally:
            sampler.cancel()
            await publisher.aclose()
            for client in conns:
                if client.transport is not None:
                    client.transport.abort()
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
            redis_process.kill()
            redis_process.wait()

    latencies: list[float] = []
    last_client: dict[int, float] = {}
    received = duplicates = 0
    for client in conns:
        seen: set[int] = set()
        for seq, moment in client.deliveries():
            if seq in seen:
                duplicates += 1
                continue
            seen.add(seq)
            if seq in sent_at:
                received += 1
                latency = (moment - sent_at[seq]) * 1000
                latencies.append(latency)
                last_client[seq] = max(last_client.get(seq, 0.0), latency)
    latencies.sort()
    slowest = sorted(last_client.items(), key=lambda item: -item[1])[:5]
    return {
        "clients": clients, "connected": connected, "expected": expected,
        "received": received, "lost": expected - received, "duplicates": duplicates,
        "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else float("nan"),
        "rss_idle_mib": rss_idle / 1024, "rss_connected_mib": rss_connected / 1024,
        "rss_peak_mib": probe.peak_kib / 1024, "cpu_s": cpu, "harness_cpu_s": harness_cpu,
        "slowest_updates_ms": {seq: round(latency, 1) for seq, latency in slowest},
    }


def table(rows: list[dict[str, Any]], store: str) -> str:
    lines = [
        "| store | clients | runs | lost | p50 | p99 | max | server RSS peak | server CPU | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for clients in sorted({row["clients"] for row in rows}):
        group = [row for row in rows if row["clients"] == clients]

        def med(key: str, group: list[dict[str, Any]] = group) -> float:
            return statistics.median(row[key] for row in group)

        lines.append(
            f"| {store} | {clients} | {len(group)} | {max(row['lost'] for row in group)} | "
            f"{med('p50_ms'):.1f} ms | {med('p99_ms'):.1f} ms | {med('max_ms'):.1f} ms | "
            f"{med('rss_peak_mib'):.0f} MiB | {med('cpu_s'):.1f} s | {med('load'):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="10,100,1000,2000,4000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--store", choices=["redis", "embedded"], default="redis")
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--drain", type=float, default=10.0)
    parser.add_argument("--connect-concurrency", type=int, default=200)
    parser.add_argument("--json", type=Path, help="Append every run's figures to this file.")
    args = parser.parse_args()
    counts = [int(count) for count in args.clients.split(",")]
    raise_nofile(max(counts) * 2 + 1024)
    try:
        import uvloop
    except ImportError:
        uvloop = None
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {platform.node()} · "
          f"{os.cpu_count()} CPUs · load {os.getloadavg()[0]:.2f} · store {args.store}")
    rows: list[dict[str, Any]] = []
    for clients in counts:
        for _ in range(args.runs):
            runner = asyncio.Runner(loop_factory=uvloop.new_event_loop if uvloop else None)
            with runner:
                row = runner.run(run_once(clients, args))
            row["store"] = args.store
            row["load"] = os.getloadavg()[0]
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.json:
                with args.json.open("a") as out:
                    out.write(json.dumps(row) + "\n")
    print(table(rows, args.store))


if __name__ == "__main__":
    main()
