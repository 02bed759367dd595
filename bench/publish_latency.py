"""Publish → SSE event latency of ``dash serve --no-fetch`` per store and per publishing path.

For each store (embedded SQLite file, a temporary ``redis-server``) it starts ``dash serve
--no-fetch`` on a free loopback port, follows ``/events?types=notes`` with one raw SSE client and
publishes ``notes`` updates whose values carry the send time (``time.time()``), by:

* ``put``: another process holding the store open calls ``store.put`` (what the scheduler and any
  program using dashcli.store do) UPDATES times at RATE per second;
* ``cli``: ``dash publish notes --file F`` started CLI times (the command's own start-up counts);
* ``http``: ``POST /state/notes`` when the server has it (skipped with a note otherwise).

Latency is receive time minus send time at the client; p50/p99 per path, plus the load average.

    python bench/publish_latency.py [--stores embedded,redis] [--updates 100] [--cli 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PUT_SCRIPT = """
import asyncio, sys, time
from datetime import timedelta
from dashcli.core.envelope import Update, utcnow
from dashcli.store import open_store

async def main(url, count, rate):
    store = open_store(url)
    await store.open()
    try:
        for i in range(count):
            now = utcnow()
            await store.put(Update("notes", now, now + timedelta(hours=1),
                                   {"i": i, "path": "put", "sent": time.time()}, "bench"))
            await asyncio.sleep(1 / rate)
    finally:
        await store.close()

asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1):
            return
        time.sleep(0.05)
    raise SystemExit(f"{url} did not answer within {timeout:g} s")


class Follower:
    """One raw SSE client: records (receive time, values) of every ``notes`` event."""

    def __init__(self) -> None:
        self.received: list[tuple[float, dict[str, object]]] = []

    async def run(self, port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /events?types=notes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Accept: text/event-stream\r\n\r\n")
        await writer.drain()
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                if line.startswith(b"data: {"):
                    arrived = time.time()
                    with contextlib.suppress(ValueError):
                        values = json.loads(line[6:]).get("values", {})
                        if "sent" in values:
                            self.received.append((arrived, values))
        finally:
            writer.close()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(store: str, url: str, args: argparse.Namespace, workdir: Path) -> list[str]:
    port = free_port()
    env = {**os.environ, "DASH_PROFILE": "", "HOME": str(workdir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "dashcli", "serve", "--no-fetch", "--port", str(port),
         "--store", url], cwd=workdir, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    rows = []
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        follower = Follower()
        task = asyncio.create_task(follower.run(port))
        await asyncio.sleep(0.5)
        putter = await asyncio.create_subprocess_exec(
            sys.executable, "-c", PUT_SCRIPT, url, str(args.updates), str(args.rate), env=env)
        await putter.wait()
        values_file = workdir / "values.json"
        for i in range(args.cli):
            values_file.write_text(json.dumps({"i": i, "path": "cli", "sent": time.time()}))
            cli = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "dashcli", "publish", "notes", "--file", str(values_file),
                "--store", url, env=env, stdout=subprocess.DEVNULL)
            await cli.wait()
        http_note = "not measured: this server has no POST /state/TYPE"
        for i in range(args.updates):
            body = json.dumps({"i": i, "path": "http", "sent": time.time()}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/state/notes", data=body, method="POST",
                headers={"Content-Type": "application/json"})
            try:
                await asyncio.to_thread(urllib.request.urlopen, request, None, 5)
            except urllib.error.HTTPError as exc:
                if exc.code in (404, 405):
                    break
                raise
            http_note = ""
            await asyncio.sleep(1 / args.rate)
        await asyncio.sleep(1.0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        for path in ("put", "cli", "http"):
            delays = [(arrived - float(str(values["sent"]))) * 1000
                      for arrived, values in follower.received if values.get("path") == path]
            if not delays:
                note = http_note if path == "http" else "nothing received"
                rows.append(f"| {store} | {path} | – | – | – | {note} |")
                continue
            rows.append(f"| {store} | {path} | {len(delays)} | {statistics.median(delays):.1f} | "
                        f"{percentile(delays, 0.99):.1f} | |")
    finally:
        server.terminate()
        server.wait(10)
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", default="embedded,redis")
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--cli", type=int, default=10)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="dash-publish-bench-") as tmp:
        workdir = Path(tmp)
        for store in args.stores.split(","):
            if store == "embedded":
                rows += await measure(store, f"sqlite:///{workdir}/state.db", args, workdir)
                continue
            redis_port = free_port()
            redis = subprocess.Popen(
                [shutil.which("redis-server") or "redis-server", "--port", str(redis_port),
                 "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL)
            try:
                time.sleep(0.3)
                rows += await measure(store, f"redis://127.0.0.1:{redis_port}/0", args, workdir)
            finally:
                redis.terminate()
                redis.wait(10)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; "
          f"{args.updates} puts at {args.rate:g}/s, {args.cli} CLI runs")
    print("| store | path | n | p50 ms | p99 ms | note |\n|---|---|---:|---:|---:|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
