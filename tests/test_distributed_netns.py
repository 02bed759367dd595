"""The distributed deployment on one machine: four hosts made of network namespaces on a bridge.

Redis on one host, two fetchers (``dash fetch SOURCE --publish --every N``, replaying recorded
Open-Meteo responses from a replay server on their host's loopback) on a second, two
``dash serve --no-fetch`` replicas on a third, SSE clients on a fourth. The Redis host's link is
cut at the switch for a few seconds and restored: both replicas report not ready during the cut
and recover by themselves, every update published after recovery reaches every client, and a
client that reconnects to the other replica with ``Last-Event-ID`` gets exactly what it missed.

The namespaces, bridge and veth pairs are created and removed by the test (root with
CAP_NET_ADMIN and CAP_SYS_ADMIN needed; skipped otherwise). Traffic stays on the namespaces' own
addresses (198.18.0.0/24, the never-routed benchmarking range; the namespaces have no route out)
and their loopbacks. Deselect with ``-m "not netns"``; it takes about half a minute.

Run as a program (``python -m tests.test_distributed_netns upstream|clients ...``) this module is
also the agent that runs inside a namespace: the upstream replay server, or the SSE clients with
a readiness prober.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.netns

ROOT = Path(__file__).resolve().parents[1]
SUBNET = "198.18.0"
HOSTS = {"redis": 1, "fetch": 2, "serve": 3, "client": 4}
REDIS_URL = f"redis://{SUBNET}.1:6379/0"
REPLICAS = {"A": f"http://{SUBNET}.3:8080", "B": f"http://{SUBNET}.3:8081"}
CONTINUOUS = ("a1", "a2", "b1", "b2")  # two SSE clients on each replica, connected throughout
SOURCES = ("weather", "air")
CUT_SECONDS = 7.0  # longer than the server's 3 s store timeout, so /readyz must see it


# --- the hosts --------------------------------------------------------------------------------


class Lab:
    """Namespaced hosts on a bridge in a 'switch' namespace; every host's eth0 is one port."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.namespaces: list[str] = []
        self.processes: list[subprocess.Popen[str]] = []

    def ns(self, role: str) -> str:
        return f"{self.prefix}-{role}"

    @staticmethod
    def ip(*args: str) -> None:
        result = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10,
                                check=False)
        if result.returncode != 0:
            raise RuntimeError(f"ip {' '.join(args)}: {result.stderr.strip()}")

    def build(self) -> None:
        switch = self.ns("sw")
        self.ip("netns", "add", switch)
        self.namespaces.append(switch)
        self.ip("-n", switch, "link", "add", "br0", "type", "bridge")
        self.ip("-n", switch, "link", "set", "br0", "up")
        for role, host in HOSTS.items():
            name = self.ns(role)
            self.ip("netns", "add", name)
            self.namespaces.append(name)
            self.ip("-n", name, "link", "set", "lo", "up")
            self.ip("-n", switch, "link", "add", f"p-{role}", "type", "veth",
                    "peer", "name", "eth0", "netns", name)
            self.ip("-n", switch, "link", "set", f"p-{role}", "master", "br0", "up")
            self.ip("-n", name, "addr", "add", f"{SUBNET}.{host}/24", "dev", "eth0")
            self.ip("-n", name, "link", "set", "eth0", "up")

    def set_link(self, role: str, up: bool) -> None:
        """Plug or unplug a host's cable at the switch."""
        self.ip("-n", self.ns("sw"), "link", "set", f"p-{role}", "up" if up else "down")

    def spawn(self, role: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(role), *argv],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env, cwd=ROOT,
        )
        self.processes.append(process)
        return process

    def teardown(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
        for name in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10,
                           check=False)


def skip_reason() -> str | None:
    """Why namespaced hosts cannot be made here, or None when they can."""
    if sys.platform != "linux":
        return "network namespaces need Linux"
    if os.geteuid() != 0:
        return "creating network namespaces needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)"
    for tool, package in (("ip", "iproute2"), ("redis-server", "redis-server")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian package {package})"
    probe = Lab(f"dashprobe{os.getpid()}")
    try:
        probe.build()
    except (RuntimeError, OSError) as exc:
        return f"cannot create network namespaces and veth pairs here: {exc}"
    finally:
        probe.teardown()
    return None


@pytest.fixture
def lab() -> Iterator[Lab]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    built = Lab(f"dash{os.getpid()}")
    try:
        built.build()
        yield built
    finally:
        built.teardown()


# --- reading the processes --------------------------------------------------------------------


class Lines:
    """A process's stdout lines, collected by a thread so the test never blocks on a pipe."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def drain(self) -> list[str]:
        while True:
            try:
                self.lines.append(self._queue.get_nowait())
            except queue.Empty:
                return self.lines

    def wait_for(self, found: Callable[[list[str]], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not found(self.drain()):
            if self.process.poll() is not None:
                _, err = self.process.communicate()
                raise AssertionError(f"{what}: the process exited: {err[-2000:]}")
            assert time.monotonic() < deadline, f"{what}: not within {seconds:g} s"
            time.sleep(0.1)


class Records:
    """The clients agent's JSON lines, by kind."""

    def __init__(self, lines: Lines) -> None:
        self.lines = lines

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines.drain() if line.startswith("{")]

    def ids(self, client: str) -> list[int]:
        return [r["id"] for r in self.all() if r["kind"] == "event" and r["client"] == client]

    def readiness(self, replica: str) -> list[tuple[float, int]]:
        return [(r["t"], r["status"]) for r in self.all()
                if r["kind"] == "ready" and r["replica"] == replica]


def started_line(process: subprocess.Popen[str], prefix: str, seconds: float = 30) -> str:
    """The first stdout line of a server, which must start with ``prefix``."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    line = process.stdout.readline() if ready else ""
    if not line.startswith(prefix):
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"expected {prefix!r}, got {line!r}: {err[-2000:]}")
    return line.strip()


# --- the test ---------------------------------------------------------------------------------


def test_redis_link_cut_and_restored_under_two_replicas(lab: Lab, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONUNBUFFERED": "1"}
    env.pop("DASH_PROFILE", None)
    redis_server = shutil.which("redis-server")
    assert redis_server is not None
    lab.spawn("redis", [redis_server, "--bind", f"{SUBNET}.1", "--port", "6379", "--save", "",
                        "--appendonly", "no", "--protected-mode", "no", "--dir", str(tmp_path)],
              env)

    upstream = lab.spawn("fetch", [sys.executable, "-m", "tests.test_distributed_netns",
                                   "upstream"], env)
    upstream_url = started_line(upstream, "http://127.0.0.1:")
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "location: {name: Boston, latitude: 42.36, longitude: -71.06, "
        "timezone: America/New_York}\nunits: imperial\nsources:\n"
        + "".join(f"  {name}: {{provider: open-meteo, base_url: '{upstream_url}'}}\n"
                  for name in SOURCES)
    )
    dash = [sys.executable, "-m", "dashcli"]
    for name in SOURCES:
        lab.spawn("fetch", [*dash, "fetch", name, "--profile", str(profile), "--publish",
                            "--every", "1", "--store", REDIS_URL], env)
    for url in REPLICAS.values():
        port = url.rsplit(":", 1)[1]
        server = lab.spawn("serve", [*dash, "serve", "--profile", str(profile), "--no-fetch",
                                     "--host", f"{SUBNET}.3", "--port", port,
                                     "--store", REDIS_URL], env)
        started_line(server, "dash serve: http://")

    agent = lab.spawn("client", [sys.executable, "-m", "tests.test_distributed_netns",
                                 "clients", REPLICAS["A"], REPLICAS["B"]], env)
    assert agent.stdin is not None
    lines = Lines(agent)
    records = Records(lines)

    def command(word: str, reply: str) -> dict[str, Any]:
        assert agent.stdin is not None
        agent.stdin.write(word + "\n")
        agent.stdin.flush()
        lines.wait_for(lambda seen: any(f'"kind": "{reply}"' in line for line in seen), 15,
                       f"the clients agent's answer to {word!r}")
        return next(r for r in records.all() if r["kind"] == reply)

    # Both sources reach every client (and the one that will reconnect) before the cut.
    lines.wait_for(
        lambda _: all(len(records.ids(client)) >= len(SOURCES) for client in (*CONTINUOUS, "r")),
        30, "the first update of each source on every client",
    )
    dropped = command("drop", "dropped")
    missed_from = int(dropped["last_id"])

    cut_at = time.time()
    lab.set_link("redis", up=False)
    time.sleep(CUT_SECONDS)
    restored_at = time.time()
    lab.set_link("redis", up=True)

    def ready_again(replica: str) -> bool:
        return any(t > restored_at and status == 200 for t, status in records.readiness(replica))

    lines.wait_for(lambda _: all(ready_again(r) for r in REPLICAS), 30,
                   "both replicas ready again after the link came back")
    for replica in REPLICAS:
        seen = records.readiness(replica)
        assert any(status == 200 for t, status in seen if t < cut_at), seen
        assert any(status == 503 for t, status in seen if cut_at < t <= restored_at + 1), (
            f"replica {replica} never reported not ready during the cut: {seen}"
        )

    # Updates published after the link came back: at least two, on every client.
    before = max(r["id"] for r in records.all() if r["kind"] == "event" and r["t"] <= restored_at)
    lines.wait_for(
        lambda _: all(len([i for i in records.ids(c) if i > before]) >= 2 for c in CONTINUOUS),
        45, "two updates after recovery on every client",
    )

    rejoined = command("rejoin", "rejoined")
    assert rejoined["status"] == 200
    newest = max(i for client in CONTINUOUS for i in records.ids(client))
    lines.wait_for(lambda _: newest in records.ids("r2"), 15,
                   "the reconnected client catching up to the newest update")
    command("quit", "quit")

    streams = {client: records.ids(client) for client in CONTINUOUS}
    for client, ids in streams.items():
        assert len(ids) == len(set(ids)), f"{client}: an update delivered twice: {ids}"
        live = [i for i in ids if i > before]
        assert live == sorted(live), f"{client}: updates out of order: {ids}"
    horizon = min(max(ids) for ids in streams.values())
    published = sorted({i for ids in streams.values() for i in ids if i > before})
    published = [i for i in published if i <= horizon]
    assert len(published) >= 2
    # seq comes from one Redis counter: after recovery nothing may be missing, first one included.
    assert published == list(range(before + 1, published[-1] + 1)), published
    for client, ids in streams.items():
        assert [i for i in ids if before < i <= horizon] == published, client

    # The client that dropped before the cut and came back to the other replica with
    # Last-Event-ID gets exactly the updates it missed, in order, then the live ones.
    everything = sorted({i for ids in streams.values() for i in ids})
    caught_up = records.ids("r2")
    assert caught_up == [i for i in everything if missed_from < i <= max(caught_up)]
    assert caught_up[0] == missed_from + 1


# --- the agents that run inside the namespaces ------------------------------------------------


def run_upstream() -> None:
    """The recorded Open-Meteo answers on this host's loopback, until stdin closes."""
    from tests.replay import ReplayServer, Reply

    fixtures = ROOT / "tests" / "fixtures" / "open-meteo"
    server = ReplayServer().start()
    server.route("/v1/forecast", Reply(fixtures / "forecast-boston-imperial.json"))
    server.route("/v1/air-quality", Reply(fixtures / "air-quality-boston.json"))
    print(server.url, flush=True)
    sys.stdin.read()
    server.stop()


def run_clients(url_a: str, url_b: str) -> None:
    """SSE clients and a /readyz prober; JSON lines on stdout; 'drop', 'rejoin', 'quit' on stdin."""
    asyncio.run(_clients(url_a, url_b))


def _emit(**record: Any) -> None:
    print(json.dumps({"t": time.time(), **record}), flush=True)


async def _clients(url_a: str, url_b: str) -> None:
    import contextlib

    import httpx

    from tests.sse_client import SSEClient

    async def follow(name: str, client: SSEClient) -> None:
        with contextlib.suppress(EOFError, ConnectionError, asyncio.CancelledError):
            while True:
                try:
                    event = await client.next_event(timeout=60)
                except TimeoutError:
                    continue
                if event.id is not None:
                    last_seen[name] = int(event.id)
                    _emit(kind="event", client=name, id=int(event.id), type=event.event)

    async def probe(replica: str, url: str) -> None:
        async with httpx.AsyncClient(timeout=6) as http:
            while True:
                try:
                    status = (await http.get(f"{url}/readyz")).status_code
                except httpx.HTTPError:
                    status = 0
                _emit(kind="ready", replica=replica, status=status)
                await asyncio.sleep(0.3)

    last_seen: dict[str, int] = {}
    # The data types, as a display asks for them (the server also streams preview frames): the
    # sources' own and the fetchers' health (status), which draws from the same seq counter.
    types = ",".join((*SOURCES, "status"))
    clients = {"a1": url_a, "a2": url_a, "b1": url_b, "b2": url_b, "r": url_a}
    connected: dict[str, SSEClient] = {}
    tasks = [asyncio.create_task(probe("A", url_a)), asyncio.create_task(probe("B", url_b))]
    for name, url in clients.items():
        connected[name] = SSEClient(f"{url}/events?types={types}")
        await connected[name].connect()
        tasks.append(asyncio.create_task(follow(name, connected[name])))
    reader = tasks[-1]  # the 'r' client's task, cancelled on 'drop'
    last_id: int | None = None
    while True:
        word = (await asyncio.to_thread(sys.stdin.readline)).strip()
        if word == "drop":
            reader.cancel()
            await connected["r"].close()
            last_id = last_seen["r"]
            _emit(kind="dropped", last_id=last_id)
        elif word == "rejoin":
            client = SSEClient(f"{url_b}/events?types={types}", {"Last-Event-ID": str(last_id)})
            await client.connect()
            connected["r2"] = client
            tasks.append(asyncio.create_task(follow("r2", client)))
            _emit(kind="rejoined", status=client.status)
        else:
            break
    for task in tasks:
        task.cancel()
    for client in connected.values():
        await client.close()
    _emit(kind="quit")


if __name__ == "__main__":
    if sys.argv[1] == "upstream":
        run_upstream()
    else:
        run_clients(sys.argv[2], sys.argv[3])
