"""A real HTTP server on 127.0.0.1 that replays canned upstream responses, for source tests.

Each path is given a sequence of :class:`Reply` objects, served in order (the last one repeats),
so a test can script "500, then success" or "hang past the timeout". A route may also require
query parameters (``query={"date": "2026-02-06"}``), for APIs asked the same path concurrently
with different queries. Every request is recorded.
The server runs in a thread, so it serves sync tests, async tests and ``dash`` subprocesses alike
(:class:`LoopbackServer`, which the Kubernetes and Vault fakes run on too).
"""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


class LoopbackServer:
    """A threaded HTTP server for ``handler`` on a free 127.0.0.1 port, serving from a daemon
    thread (HTTPS when given a TLS context) until :meth:`stop`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler],
                 tls: ssl.SSLContext | None = None) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass(frozen=True)
class Reply:
    body: bytes | str | Path = b""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()

    def payload(self) -> bytes:
        if isinstance(self.body, Path):
            return self.body.read_bytes()
        if isinstance(self.body, str):
            return self.body.encode()
        return self.body


@dataclass
class Recorded:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class ReplayServer:
    """Routes by path (and the query parameters a route requires); unknown paths answer 404."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    query_routes: list[tuple[str, dict[str, str], list[Reply]]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""
    _server: LoopbackServer | None = None

    def route(self, path: str, *replies: Reply, query: dict[str, str] | None = None) -> None:
        if query:
            self.query_routes.append((path, query, list(replies)))
        else:
            self.routes[path] = list(replies)

    def _queue(self, path: str, query: dict[str, list[str]]) -> list[Reply] | None:
        for route_path, wanted, replies in self.query_routes:
            if route_path == path and all(query.get(k) == [v] for k, v in wanted.items()):
                return replies
        return self.routes.get(path)

    def hits(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    def start(self) -> ReplayServer:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                replay.requests.append(
                    Recorded(parts.path, parse_qs(parts.query), dict(self.headers.items()))
                )
                queue = replay._queue(parts.path, parse_qs(parts.query))
                if not queue:
                    reply = Reply(b'{"error": "not found"}', status=404)
                else:
                    reply = queue.pop(0) if len(queue) > 1 else queue[0]
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.payload()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            # A bodiless POST (dash serve's /control/{action}) is answered like a GET.
            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = LoopbackServer(Handler)
        self.url = self._server.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
