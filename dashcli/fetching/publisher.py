"""The fetcher behind ``dash fetch SOURCE --publish [--every SECONDS|auto] [--health-port N]``.

``--publish`` alone fetches once and puts the update into the store. ``--every`` runs the
scheduler for that one source until SIGTERM/SIGINT: one process (or pod) per source, publishing
into a shared store (usually Redis). ``--health-port`` serves ``GET /healthz`` on 127.0.0.1 (or
``--health-host``) for Kubernetes probes: 200 while the loop runs and the source has not been
failing for longer than :data:`UNHEALTHY_PERIODS` periods, 503 otherwise; and ``GET /metrics``,
the same Prometheus metrics ``dash serve`` exposes for its sources. With an ``alerts:`` section in
the profile the fetcher also sends alerts about its source (one sender per source among replicas).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING

from dashcli.core.envelope import utcnow
from dashcli.core.errors import UsageError
from dashcli.fetching.fetch import fetch_update, source_settings
from dashcli.fetching.scheduler import Scheduler
from dashcli.health import SourceStatus
from dashcli.profiles.schema import Profile
from dashcli.secrets import open_secrets
from dashcli.store import Store, open_store

if TYPE_CHECKING:
    from aiohttp import web

    from dashcli.alerts.alerter import Alerter
    from dashcli.sources.lookup import SecretLookup

UNHEALTHY_PERIODS = 3
HEALTH_HOST = "127.0.0.1"


def parse_every(text: str) -> float | None:
    """``auto`` → None (the source's own period); a positive number of seconds; else UsageError."""
    if text == "auto":
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise UsageError(f"--every: expected a number of seconds > 0 or 'auto', got {text!r}")
    return seconds


def with_period(profile: Profile, source: str, seconds: float) -> Profile:
    """``profile`` with ``sources.<source>.every`` set (the source enabled with its settings)."""
    settings = source_settings(profile, source).model_copy(update={"every": seconds})
    sources = profile.sources.model_copy(update={source: settings})
    return profile.model_copy(update={"sources": sources})


def healthy(status: SourceStatus, now_seconds: float) -> bool:
    """False once the source has failed continuously for more than a few of its periods."""
    if status.failing_since is None:
        return True
    failing_for = now_seconds - status.failing_since.timestamp()
    return failing_for <= UNHEALTHY_PERIODS * status.period_seconds


async def run_publisher(
    profile: Profile,
    source: str,
    *,
    every: str | None,
    store_url: str | None,
    health_port: int | None,
    health_host: str = HEALTH_HOST,
) -> None:
    """Fetch ``source`` once (or every period with ``every``) and put it into the store."""
    period = parse_every(every) if every is not None else None
    if health_port is not None and every is None:
        raise UsageError("--health-port needs --every (it reports on the long-running fetcher)")
    store = open_store(store_url or profile.store)
    await store.open()
    try:
        if every is None:
            await _publish_once(profile, source, store)
        else:
            if period is not None:
                profile = with_period(profile, source, period)
            secrets = open_secrets(profile)
            scheduler = Scheduler(profile, store, names=[source], secrets=secrets)
            alerter = _alerter(profile, source, store, secrets, scheduler, health_port)
            await _run_until_signal(scheduler, store, health_port, health_host, alerter)
    finally:
        await store.close()


async def _publish_once(profile: Profile, source: str, store: Store) -> None:
    result = await fetch_update(profile, source, secrets=open_secrets(profile))
    stored = await store.put(result.update)
    sys.stdout.write(f"{source}: published seq {stored.seq} to {store.name}\n")


def _alerter(
    profile: Profile,
    source: str,
    store: Store,
    secrets: SecretLookup,
    scheduler: Scheduler,
    health_port: int | None,
) -> Alerter | None:
    """The profile's alerter for this fetcher (None without an ``alerts:`` section)."""
    if profile.alerts is None:
        return None
    import socket

    from dashcli.alerts.alerter import Alerter

    where = f"the log of `dash fetch {source} --every` on {socket.gethostname()}"
    if health_port is not None:
        where += f", its /healthz on port {health_port}"
    return Alerter(profile.alerts, store, secrets, role=f"fetch:{source}", where=where,
                   statuses=scheduler.status)


async def _run_until_signal(
    scheduler: Scheduler,
    store: Store,
    health_port: int | None,
    health_host: str,
    alerter: Alerter | None = None,
) -> None:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, task.cancel)
    runner = (await _serve_health(scheduler, store, health_host, health_port)
              if health_port is not None else None)
    alerts = (asyncio.create_task(alerter.run(), name="dash-alerts")
              if alerter is not None else None)
    try:
        await scheduler.run()
    except asyncio.CancelledError:
        sys.stderr.write("stopping\n")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        if alerts is not None:
            alerts.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await alerts
        if runner is not None:
            await runner.cleanup()


async def _serve_health(
    scheduler: Scheduler, store: Store, host: str, port: int
) -> web.AppRunner:
    from aiohttp import web

    from dashcli.server.metrics import Metrics

    async def healthz(_request: web.Request) -> web.Response:
        statuses = scheduler.status()
        now = utcnow().timestamp()
        ok = all(healthy(status, now) for status in statuses.values())
        body = {
            "status": "ok" if ok else "failing",
            "sources": {
                name: {
                    "last_success": status.last_success.isoformat()
                    if status.last_success else None,
                    "last_error": status.last_error,
                    "consecutive_failures": status.consecutive_failures,
                }
                for name, status in statuses.items()
            },
        }
        return web.json_response(body, status=200 if ok else 503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", Metrics(store, scheduler=scheduler).handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise UsageError(f"--health-port {port}: cannot listen on {host}: "
                         f"{exc.strerror}") from None
    return runner
