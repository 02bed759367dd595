"""Alerts: the rules on fixed times, then real deliveries — an SMTP server on loopback (aiosmtpd;
plain, STARTTLS and TLS, with and without auth), an HTTP receiver (JSON and ntfy text), failing
and silent servers, the lease between replicas on a real redis-server, ``dash alerts test``, and
``dash serve`` alerting when a source's upstream goes away and again when it comes back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from dashcli.alerts.alerter import Alerter, Courier
from dashcli.alerts.channels import DeliveryError, EmailSender, WebhookSender
from dashcli.alerts.message import build_message, sample_message
from dashcli.alerts.rules import Notice, Problem, Tracker, problems
from dashcli.health import SourceStatus
from dashcli.profiles.schema import AlertRules, Alerts, EmailChannel, WebhookChannel
from dashcli.sources.base import NoSecrets
from dashcli.store import open_store
from dashcli.store.base import MemoryStore
from tests.conftest import fixture_path

T0 = datetime(2026, 2, 6, 21, 40, tzinfo=UTC)
PASSWORD = "hunter2-smtp-password"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- the rules, on fixed times -------------------------------------------------------------

RULES = AlertRules(stale_periods=3, failures=4, store_down=60)


def test_a_source_is_a_problem_after_n_periods_without_success_or_m_failures() -> None:
    fine = SourceStatus("weather", last_success=at(0), period_seconds=600)
    assert problems([fine], RULES, at(1799), T0) == {}
    stale = problems([fine], RULES, at(1801), T0)["weather"]
    assert stale.summary == "weather: no good data for 30 min"
    assert stale.since == at(0)
    failing = SourceStatus("air", last_success=at(0), period_seconds=3600, consecutive_failures=4,
                           failing_since=at(100), last_error="air: upstream answered 500\nbody")
    found = problems([failing], RULES, at(400), T0)["air"]
    assert found.summary == "air: failed 4 times in a row"
    assert (found.since, found.detail) == (at(100), "air: upstream answered 500 body")
    assert problems([replace(failing, consecutive_failures=3)], RULES, at(400), T0) == {}
    # Never succeeded: counted from the start.
    never = SourceStatus("moon", period_seconds=60, consecutive_failures=1, failing_since=at(1))
    assert problems([never], RULES, at(179), T0) == {}
    assert "no good data since the start, 3 min ago" in problems(
        [never], RULES, at(181), T0)["moon"].summary


def test_the_store_is_a_problem_after_t_seconds_unreachable() -> None:
    assert problems([], RULES, at(60), T0, store_down_since=at(0)) == {}
    found = problems([], RULES, at(61), T0, store_down_since=at(0), store_reason="no ping")
    assert found["store"].summary == "store unreachable for 61 s"


def test_one_message_when_a_problem_starts_reminders_at_most_per_interval_one_on_recovery(
) -> None:
    tracker = Tracker(remind_every=3600)
    problem = Problem("air", "air: failed 5 times in a row", at(0), "air: 500")
    assert [n.kind for n in tracker.update({"air": problem}, at(10))] == ["problem"]
    for moment in range(20, 3600, 30):
        assert tracker.update({"air": problem}, at(moment)) == []
    reminder = tracker.update({"air": problem}, at(3610))
    assert [(n.kind, n.problem.since) for n in reminder] == [("reminder", at(0))]
    assert tracker.update({"air": problem}, at(3620)) == []
    recovered = tracker.update({}, at(4000))
    assert [(n.kind, n.problem.key) for n in recovered] == [("recovered", "air")]
    assert tracker.update({}, at(4010)) == []
    assert Tracker(remind_every=0).update({"air": problem}, at(0))[0].kind == "problem"


def test_several_notices_of_one_check_make_one_message() -> None:
    notices = [
        Notice("problem", Problem("air", "air: failed 5 times in a row", at(0), "air: 500"),
               at(120)),
        Notice("problem", Problem("store", "store unreachable for 2 min", at(0), None), at(120)),
        Notice("recovered", Problem("moon", "moon: no good data for 1 h", at(-3600)), at(120)),
    ]
    message = build_message("home", notices, "http://127.0.0.1:8080/status")
    assert message.subject == "[home] 2 problem, 1 recovered"
    assert "PROBLEM air: failed 5 times in a row" in message.text
    assert "last error: air: 500" in message.text
    assert "since 2026-02-06 21:40 UTC (2 min ago)" in message.text
    assert "RECOVERED moon (the problem lasted 62 min" in message.text
    assert message.text.endswith("Where to look: http://127.0.0.1:8080/status")
    assert [n["key"] for n in message.data["notices"]] == ["air", "store", "moon"]
    assert message.urgent


# --- a real SMTP server --------------------------------------------------------------------


@dataclass
class Mailbox:
    """What an aiosmtpd server on loopback received."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.arrived.set()
        return "250 OK"

    def wait(self, count: int = 1, timeout: float = 20) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} e-mails arrived"
        return self.messages


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


@contextlib.contextmanager
def smtp_server(*, tls: tuple[Path, Path] | None = None, implicit_tls: bool = False,
                auth: bool = False) -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    mailbox = Mailbox(free_port())

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        login = data.login.decode()
        mailbox.logins.append(login)
        return AuthResult(success=login == "dash" and data.password.decode() == PASSWORD,
                          handled=False)

    options: dict[str, Any] = {}
    context = None
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        options = ({"ssl_context": context} if implicit_tls
                   else {"tls_context": context, "require_starttls": True})
    if auth:
        options |= {"authenticator": authenticate, "auth_required": True,
                    "auth_require_tls": tls is not None}
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port,
                            server_hostname="127.0.0.1", **options)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def email_channel(port: int, **settings: Any) -> EmailChannel:
    return EmailChannel.model_validate({
        "type": "email", "host": "127.0.0.1", "port": port, "security": "none",
        "sender": "dash@home.example", "to": ["me@home.example"], "timeout": 5, **settings})


async def test_email_plain_arrives_with_subject_and_body() -> None:
    with smtp_server() as mailbox:
        sender = EmailSender(email_channel(mailbox.port), None)
        await sender.send(sample_message("home", "here"))
        (mail,) = await asyncio.to_thread(mailbox.wait)
    assert mail["Subject"] == "[home] test message"
    assert (mail["From"], mail["To"]) == ("dash@home.example", "me@home.example")
    assert "this channel works" in mail.get_payload()


async def test_email_starttls_with_auth(tls_files: tuple[Path, Path]) -> None:
    with smtp_server(tls=tls_files, auth=True) as mailbox:
        channel = email_channel(mailbox.port, security="starttls", username="dash",
                                password_secret="smtp", ca_cert=str(tls_files[0]))
        await EmailSender(channel, PASSWORD).send(sample_message("home", "here"))
        await asyncio.to_thread(mailbox.wait)
        assert mailbox.logins == ["dash"]
        # A wrong password: refused, one line, the password nowhere in it.
        with pytest.raises(DeliveryError) as refused:
            await EmailSender(channel, "wrong-" + PASSWORD).send(sample_message("home", "here"))
    assert "535" in str(refused.value) or "uthentication" in str(refused.value)
    assert PASSWORD not in str(refused.value)
    assert len(mailbox.messages) == 1


async def test_email_implicit_tls(tls_files: tuple[Path, Path]) -> None:
    with smtp_server(tls=tls_files, implicit_tls=True) as mailbox:
        channel = email_channel(mailbox.port, security="tls", ca_cert=str(tls_files[0]))
        await EmailSender(channel, None).send(sample_message("home", "here"))
        await asyncio.to_thread(mailbox.wait)


async def test_email_tls_refuses_an_unknown_certificate(tls_files: tuple[Path, Path]) -> None:
    with smtp_server(tls=tls_files) as mailbox:
        channel = email_channel(mailbox.port, security="starttls")  # system CAs only
        with pytest.raises(DeliveryError, match=r"SSL|certificate"):
            await EmailSender(channel, None).send(sample_message("home", "here"))
    assert mailbox.messages == []


async def test_email_to_a_closed_port_or_a_silent_server_fails_in_bounded_time() -> None:
    with pytest.raises(DeliveryError):
        await EmailSender(email_channel(free_port()), None).send(sample_message("h", "w"))
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        channel = email_channel(silent.getsockname()[1], timeout=0.5)
        started = time.monotonic()
        with pytest.raises(DeliveryError):
            await EmailSender(channel, None).send(sample_message("h", "w"))
        assert time.monotonic() - started < 5
    finally:
        silent.close()


# --- a real HTTP receiver ------------------------------------------------------------------


@dataclass
class Receiver:
    """An aiohttp app on loopback recording every POST; answers ``statuses`` in turn."""

    url: str = ""
    bodies: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    hang: bool = False

    async def handle(self, request: web.Request) -> web.Response:
        if self.hang:
            await asyncio.sleep(3600)
        self.bodies.append((dict(request.headers), await request.read()))
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="ok")

    def json(self, index: int = -1) -> dict[str, Any]:
        return json.loads(self.bodies[index][1])  # type: ignore[no-any-return]


@contextlib.asynccontextmanager
async def receiver(**options: Any) -> AsyncIterator[Receiver]:
    found = Receiver(**options)
    app = web.Application()
    app.router.add_post("/hook/{topic}", found.handle)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    found.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook/dash-alerts"
    try:
        yield found
    finally:
        await runner.cleanup()


def webhook(url: str, **settings: Any) -> WebhookChannel:
    return WebhookChannel.model_validate({"type": "webhook", "url": url, "timeout": 2,
                                          **settings})


PROBLEM = [Notice("problem", Problem("air", "air: failed 5 times in a row", at(0), "air: 500"),
                  at(60))]


async def test_webhook_json_and_ntfy_text() -> None:
    async with receiver() as hook:
        await WebhookSender(webhook(hook.url), "tok-123").send(
            build_message("home", PROBLEM, "there"))
        await WebhookSender(webhook(hook.url, format="ntfy"), None).send(
            build_message("home", PROBLEM, "there"))
    headers, _ = hook.bodies[0]
    assert headers["Authorization"] == "Bearer tok-123"
    data = hook.json(0)
    assert data["title"] == "[home] PROBLEM: air: failed 5 times in a row"
    assert data["notices"][0] | {"since": None, "at": None} == {
        "kind": "problem", "key": "air", "summary": "air: failed 5 times in a row",
        "detail": "air: 500", "since": None, "at": None}
    headers, body = hook.bodies[1]
    assert headers["Title"] == "[home] PROBLEM: air: failed 5 times in a row"
    assert headers["Priority"] == "high"
    assert headers["Content-Type"].startswith("text/plain")
    assert body.decode().startswith("PROBLEM air: failed 5 times in a row\n")


async def test_webhook_500_and_a_webhook_that_never_answers() -> None:
    async with receiver(statuses=[500]) as hook:
        with pytest.raises(DeliveryError, match="answered HTTP 500"):
            await WebhookSender(webhook(hook.url), None).send(sample_message("h", "w"))
    async with receiver(hang=True) as hook:
        started = time.monotonic()
        with pytest.raises(DeliveryError, match="Timeout"):
            await WebhookSender(webhook(hook.url, timeout=0.3), None).send(
                sample_message("h", "w"))
        assert time.monotonic() - started < 3


async def test_the_courier_retries_with_backoff_logging_one_line_per_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="dashcli.alerts")
    async with receiver(statuses=[500, 503]) as hook:
        courier = Courier(WebhookSender(webhook(hook.url), "secret-token-x"), backoff_base=0.05)
        started = time.monotonic()
        courier.post(sample_message("h", "w"))  # never waits
        assert time.monotonic() - started < 0.05
        task = asyncio.create_task(courier.run())
        try:
            async with asyncio.timeout(10):
                while courier.sent == 0:
                    await asyncio.sleep(0.02)
        finally:
            task.cancel()
    assert len(hook.bodies) == 3
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(failures) == 2
    assert "failed (answered HTTP 500); retry 1 of 5 in 0 s" in failures[0]
    assert "webhook to 127.0.0.1" in failures[0]
    assert all("secret-token-x" not in r.getMessage() and "dash-alerts" not in r.getMessage()
               for r in caplog.records)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
async def test_the_courier_gives_up_after_its_attempts(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="dashcli.alerts")
    with smtp_server(auth=True) as mailbox:
        channel = email_channel(mailbox.port, username="dash", password_secret="smtp")
        courier = Courier(EmailSender(channel, "wrong-" + PASSWORD), attempts=2,
                          backoff_base=0.01)
        assert await courier.deliver(sample_message("h", "w")) is False
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("dashcli")]
    assert len(lines) == 2
    assert "gave up" in lines[1]
    assert "535" in lines[0]
    assert not any(PASSWORD in line for line in lines)


# --- the alerter ---------------------------------------------------------------------------


@dataclass
class FakeStatuses:
    """The scheduler's statuses, set by the test (the alerter only reads them)."""

    found: dict[str, SourceStatus] = field(default_factory=dict)

    def __call__(self) -> dict[str, SourceStatus]:
        return dict(self.found)


async def test_alerter_sends_start_and_recovery_once_each() -> None:
    clock = [T0]
    statuses = FakeStatuses({"air": SourceStatus("air", last_success=T0, period_seconds=60)})
    async with receiver() as hook:
        config = Alerts.model_validate({"channels": [{"type": "webhook", "url": hook.url}],
                                        "rules": {"failures": 2}, "name": "home"})
        alerter = Alerter(config, MemoryStore(), NoSecrets(), role="serve", where="here",
                          statuses=statuses, clock=lambda: clock[0])
        courier = alerter.couriers[0]
        assert await alerter.check() == []
        statuses.found["air"] = replace(statuses.found["air"], consecutive_failures=2,
                                        failing_since=T0, last_error="air: down")
        for _ in range(3):
            clock[0] += timedelta(seconds=30)
            await alerter.check()
        statuses.found["air"] = SourceStatus("air", last_success=clock[0], period_seconds=60)
        clock[0] += timedelta(seconds=30)
        await alerter.check()
        while courier._queue:
            await courier.deliver(courier._queue.popleft())
    assert [hook.json(i)["title"] for i in range(len(hook.bodies))] == [
        "[home] PROBLEM: air: failed 2 times in a row", "[home] RECOVERED: air"]


async def test_only_one_replica_sends(redis_server: Any) -> None:
    stores = [open_store(redis_server.url) for _ in range(3)]
    for store in stores:
        await store.open()
    statuses = FakeStatuses({"air": SourceStatus("air", consecutive_failures=9, failing_since=T0,
                                                 period_seconds=60)})
    try:
        config = Alerts.model_validate({"channels": [{"type": "webhook",
                                                      "url": "http://127.0.0.1:9/x"}]})
        alerters = [Alerter(config, store, NoSecrets(), role="serve", where="w",
                            statuses=statuses) for store in stores]
        for alerter in alerters:
            await alerter.check()
        assert [alerter.leader for alerter in alerters] == [True, False, False]
        assert [len(a.couriers[0]._queue) for a in alerters] == [1, 0, 0]
        # Another role has its own lease.
        other = Alerter(config, stores[1], NoSecrets(), role="fetch:air", where="w",
                        statuses=statuses)
        await other.check()
        assert other.leader
        # The holder stops: another takes over when the lease expires.
        await stores[0].close()
        redis_server_client = stores[1]
        await redis_server_client._call(lambda c: c.delete("dash:lease:alerts:serve"))
        await alerters[1].check()
        assert alerters[1].leader
    finally:
        for store in stores[1:]:
            await store.close()


# --- as a user runs it ---------------------------------------------------------------------


def profile_file(tmp_path: Path, alerts: dict[str, Any], **sources: Any) -> Path:
    path = tmp_path / "profile.yaml"
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(yaml.safe_dump({"smtp_password": PASSWORD}))
    path.write_text(yaml.safe_dump({
        "location": {"name": "Boston", "latitude": 42.36, "longitude": -71.06,
                     "timezone": "America/New_York"},
        "secrets": {"source": "file", "path": str(secrets)},
        "sources": sources,
        "alerts": alerts,
    }))
    return path


def run_dash(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashcli", *args], capture_output=True,
                          text=True, timeout=timeout, check=False,
                          env={**os.environ, "COLUMNS": "200"})


async def test_dash_alerts_test_sends_through_every_channel(tmp_path: Path) -> None:
    with smtp_server(auth=False) as mailbox:
        async with receiver() as hook:
            profile = profile_file(tmp_path, {"name": "home", "channels": [
                {"type": "email", "host": "127.0.0.1", "port": mailbox.port, "security": "none",
                 "sender": "dash@home.example", "to": ["me@home.example"]},
                {"type": "webhook", "url": hook.url, "format": "ntfy"},
            ]})
            done = await asyncio.to_thread(run_dash, "alerts", "test", "--profile", str(profile))
            assert done.returncode == 0, done.stderr
            assert done.stdout.splitlines() == [
                f"email via 127.0.0.1:{mailbox.port}: sent", "webhook to 127.0.0.1: sent"]
            assert mailbox.messages[0]["Subject"] == "[home] test message"
            assert hook.bodies[0][0]["Title"] == "[home] test message"
            # One channel down: its line says why, exit 1.
            closed = free_port()
            broken = profile_file(tmp_path, {"channels": [
                {"type": "email", "host": "127.0.0.1", "port": closed, "security": "none",
                 "username": "dash", "password_secret": "smtp_password",
                 "sender": "dash@home.example", "to": ["me@home.example"], "timeout": 3},
                {"type": "webhook", "url": hook.url}]})
            done = await asyncio.to_thread(run_dash, "alerts", "test", "--profile", str(broken))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"email via 127.0.0.1:{closed}: failed (")
    assert lines[1] == "webhook to 127.0.0.1: sent"
    assert PASSWORD not in done.stdout + done.stderr
    (error,) = done.stderr.strip().splitlines()
    assert "alerts test: 1 of 2 channels failed" in error


def test_dash_alerts_test_without_an_alerts_section_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text("location: {name: Boston, latitude: 42.36, longitude: -71.06, "
                    "timezone: America/New_York}\n")
    done = run_dash("alerts", "test", "--profile", str(path))
    assert done.returncode == 2
    assert "no alerts: section" in done.stderr


class _AirHandler(BaseHTTPRequestHandler):
    body = fixture_path("open-meteo/air-quality-boston.json").read_bytes()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def readme_profile() -> str:
    """The alerts example profile of the README, as written there."""
    text = (Path(__file__).parents[1] / "README.md").read_text()
    example = text[text.index("<!-- alerts-example"):]
    body = example[example.index("<<'YAML'\n") + len("<<'YAML'\n"):]
    return body[: body.index("\nYAML\n") + 1]


async def test_the_readme_example_alerts_when_a_source_stalls_and_when_it_recovers(
    tmp_path: Path,
) -> None:
    """dash serve with the README's profile: the upstream's port closed, then answering again.
    Only the ports change (free ones) and checks run every second instead of five."""
    upstream_port = free_port()  # nothing listens here yet: every fetch is refused
    with smtp_server() as mailbox:
        async with receiver() as hook:
            hook_port = hook.url.split(":")[2].split("/")[0]
            text = (readme_profile().replace("8025", str(mailbox.port))
                    .replace("127.0.0.1:8090/alerts", f"127.0.0.1:{hook_port}/hook/alerts")
                    .replace("8091", str(upstream_port))
                    .replace("check_every: 5", "check_every: 1"))
            assert f"http://127.0.0.1:{upstream_port}\"" in text
            assert "hook/alerts" in text
            profile = tmp_path / "try-alerts.yaml"
            profile.write_text(text)
            serve = subprocess.Popen(
                [sys.executable, "-m", "dashcli", "serve", "--profile", str(profile),
                 "--port", str(free_port())],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            upstream: ThreadingHTTPServer | None = None
            try:
                started = time.monotonic()
                (problem,) = await asyncio.to_thread(mailbox.wait, 1, 30)
                assert time.monotonic() - started < 20
                assert problem["Subject"] == "[try] PROBLEM: air: failed 2 times in a row"
                body = problem.get_payload()
                assert "last error: air:" in body
                assert "Where to look: http://127.0.0.1:" in body
                assert hook.json(0)["notices"][0]["kind"] == "problem"
                upstream = ThreadingHTTPServer(("127.0.0.1", upstream_port), _AirHandler)
                threading.Thread(target=upstream.serve_forever, daemon=True).start()
                # The fetcher retries after its backoff (about 20 s at the third attempt).
                messages = await asyncio.to_thread(mailbox.wait, 2, 45)
                assert messages[1]["Subject"] == "[try] RECOVERED: air"
                assert hook.json(1)["notices"][0]["kind"] == "recovered"
                await asyncio.sleep(2)
                assert len(mailbox.messages) == 2
                assert len(hook.bodies) == 2
            finally:
                serve.terminate()
                _out, err = serve.communicate(timeout=20)
                if upstream is not None:
                    upstream.shutdown()
                    upstream.server_close()
    assert "Traceback" not in err


async def test_a_standalone_fetcher_alerts_about_its_source(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with receiver() as hook:
        profile = profile_file(
            tmp_path, {"name": "fetchers", "check_every": 0.3, "rules": {"failures": 1},
                       "channels": [{"type": "webhook", "url": hook.url, "format": "ntfy"}]},
            air={"base_url": f"http://127.0.0.1:{closed}"})
        fetcher = subprocess.Popen(
            [sys.executable, "-m", "dashcli", "fetch", "air", "--every", "auto", "--profile",
             str(profile), "--store", f"sqlite:///{tmp_path}/state.db"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            async with asyncio.timeout(20):
                while not hook.bodies:
                    await asyncio.sleep(0.1)
        finally:
            fetcher.terminate()
            _out, err = fetcher.communicate(timeout=20)
    headers, body = hook.bodies[0]
    assert headers["Title"] == "[fetchers] PROBLEM: air: failed 1 time in a row"
    assert "Where to look: the log of `dash fetch air --every` on " in body.decode()
    assert "Traceback" not in err


def test_secrets_check_lists_the_alert_channels_secrets(tmp_path: Path) -> None:
    profile = profile_file(tmp_path, {"channels": [
        {"type": "email", "host": "smtp.example.com", "username": "dash",
         "password_secret": "smtp_password", "sender": "dash@home.example",
         "to": ["me@home.example"]},
        {"type": "webhook", "url": "https://ntfy.example/x", "token_secret": "ntfy_token"}]})
    done = run_dash("secrets", "check", "--profile", str(profile))
    assert "smtp_password" in done.stdout
    assert "alerts channel 1 (email)" in done.stdout
    assert "ntfy_token" in done.stdout
    assert "alerts channel 2 (webhook)" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert done.returncode == 1  # ntfy_token is missing from the secrets file
