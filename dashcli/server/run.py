"""The ``dash serve`` process: store, scheduler, legacy ingest and HTTP server as one unit.

:func:`serve` opens the store, builds the app, listens, announces its URL in one line, runs the
scheduler (unless told not to fetch), the legacy ingest (when asked) and the alerter (with an
``alerts:`` section in the profile) as background tasks, and
waits for SIGTERM/SIGINT or a background failure. Shutdown is ordered: SSE clients get their
final event, the background tasks are cancelled, the store is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from dashcli.core.errors import DashError, UsageError
from dashcli.core.redact import redact_url
from dashcli.profiles.schema import Profile
from dashcli.server.app import create_app
from dashcli.server.hosts import allowed_hosts
from dashcli.store.base import Store, StoreError

if TYPE_CHECKING:
    from dashcli.alerts.alerter import Alerter
    from dashcli.displays.loop import Frame
    from dashcli.fetching.scheduler import Scheduler
    from dashcli.sources.lookup import SecretLookup

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 5.0
# Thousands of displays may (re)connect at once after a restart.
LISTEN_BACKLOG = 4096


@dataclass(frozen=True)
class ServeOptions:
    """What the command line decided, profile defaults already applied."""

    host: str
    port: int
    store_url: str
    fetch: bool = True
    legacy: bool = False
    legacy_redis: str | None = None


def legacy_redis_url(profile: Profile, options: ServeOptions) -> str:
    """Where the legacy ``update`` channel is read: --legacy-redis, the profile, or the store."""
    url = options.legacy_redis or profile.server.legacy_redis
    if url and not url.startswith(("redis://", "rediss://")):
        raise UsageError(f"--legacy-redis {redact_url(url)!r}: not a redis:// or rediss:// URL")
    if url:
        return url
    if options.store_url.startswith(("redis://", "rediss://")):
        return options.store_url
    raise UsageError(
        "--legacy needs a Redis to listen on: pass --legacy-redis redis://HOST:PORT/DB "
        "or use a redis:// store"
    )


async def serve(
    profile: Profile,
    options: ServeOptions,
    *,
    secrets: SecretLookup,
    announce: Callable[[str], None] = print,
    reloader: Callable[[], Profile] | None = None,
    outputs: Sequence[Callable[[Frame], None]] = (),
) -> Profile | None:
    """Run ``dash serve`` until SIGTERM/SIGINT; a background task's failure is re-raised.

    With ``reloader`` (which reads the profile again), SIGHUP and ``POST /control/reload`` read
    it: a valid profile stops this server and is returned, to be served next; an invalid one is
    logged (and answered) with its file:line, and this server keeps running. ``outputs`` are
    screens shown the frames of the server's own display loop (the preview's), such as the LED
    panel of ``dash serve --panel``: one process fetches, serves and draws."""
    from dashcli.secrets import server_token
    from dashcli.store import open_store

    token = server_token(profile, secrets)
    legacy_url = legacy_redis_url(profile, options) if options.legacy else None
    if profile.server.legacy_api.enabled and legacy_url is None:
        raise UsageError("server.legacy_api.enabled needs --legacy (the old clients' data is "
                         "read from the legacy Redis)")
    try:
        store = open_store(options.store_url)
    except StoreError as exc:
        # Raised before any connection is tried: the URL itself is wrong.
        raise UsageError(str(exc)) from None
    await store.open()
    try:
        scheduler: Scheduler | None = None
        if options.fetch and profile.sources.enabled():
            from dashcli.fetching.scheduler import Scheduler

            scheduler = Scheduler(profile, store, secrets=secrets)
        from dashcli.displays.build import frame_renderer
        from dashcli.publishing import app_types

        app = create_app(
            store,
            scheduler=scheduler,
            token=token,
            size=profile.display.width_height,
            timezone=profile.location.timezone,
            renderer=frame_renderer(profile),
            preview=profile,
            app_types=app_types(profile),
            hosts=allowed_hosts(options.host, profile.server.allowed_hosts),
        )
        if outputs:
            from dashcli.displays.web import PREVIEW

            app[PREVIEW].outputs.extend(outputs)
        alerter = _alerter(profile, options, store, secrets, scheduler)
        return await _run_app(app, options, store, scheduler, legacy_url, announce, profile,
                              alerter, reloader)
    finally:
        await store.close()


def _alerter(
    profile: Profile,
    options: ServeOptions,
    store: Store,
    secrets: SecretLookup,
    scheduler: Scheduler | None,
) -> Alerter | None:
    """The profile's alerter for this server (None without an ``alerts:`` section)."""
    if profile.alerts is None:
        return None
    import socket

    from dashcli.alerts.alerter import Alerter

    host = "127.0.0.1" if options.host in ("", "0.0.0.0", "::") else options.host  # noqa: S104
    where = (f"http://{f'[{host}]' if ':' in host else host}:{options.port}/status and the log "
             f"of dash serve on {socket.gethostname()}")
    return Alerter(profile.alerts, store, secrets, role="serve", where=where,
                   statuses=scheduler.status if scheduler is not None else None)


async def _run_app(
    app: web.Application,
    options: ServeOptions,
    store: Store,
    scheduler: Scheduler | None,
    legacy_url: str | None,
    announce: Callable[[str], None],
    profile: Profile | None = None,
    alerter: Alerter | None = None,
    reloader: Callable[[], Profile] | None = None,
) -> Profile | None:
    from dashcli.server import logfilter

    logfilter.install()
    from dashcli.server.limits import HEAD_TIMEOUT, MAX_CONNECTIONS, LimitedRunner

    runner = LimitedRunner(
        app, handler_cancellation=True, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT,
        head_timeout=profile.server.header_timeout if profile is not None else HEAD_TIMEOUT,
        max_connections=profile.server.max_connections if profile is not None
        else MAX_CONNECTIONS,
    )
    await runner.setup()
    # Start-up objects (modules, profile, app) live forever: keep them out of every GC pass,
    # so collections stay short while thousands of SSE clients are connected.
    gc.freeze()
    stop = asyncio.Event()
    reloaded: list[Profile] = []
    failures: list[BaseException] = []
    tasks: list[asyncio.Task[None]] = []
    legacy_runner: web.AppRunner | None = None
    try:
        site = web.TCPSite(runner, options.host, options.port, backlog=LISTEN_BACKLOG)
        try:
            await site.start()
        except OSError as exc:
            reason = "address already in use" if exc.errno == errno.EADDRINUSE else (
                exc.strerror or str(exc))
            raise DashError(f"cannot listen on {options.host}:{options.port}: {reason}") from None
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        if reloader is not None:
            from dashcli.server.app import CONTEXT

            def reload() -> str | None:
                return _reload(reloader, reloaded, stop)

            app[CONTEXT].reload = reload
            loop.add_signal_handler(signal.SIGHUP, reload)

        def start(name: str, job: Coroutine[Any, Any, None]) -> None:
            task = asyncio.create_task(job, name=name)
            task.add_done_callback(lambda done: _on_done(done, failures, stop))
            tasks.append(task)

        parts = [f"store {store.name}"]
        if scheduler is not None:
            start("dash-scheduler", scheduler.run())
            parts.append("fetching")
        if alerter is not None:
            start("dash-alerts", alerter.run())
            parts.append(f"alerts to {len(alerter.couriers)} channel(s)")
        host = f"[{options.host}]" if ":" in options.host else options.host
        if legacy_url is not None:
            from dashcli.sources.legacy import Settings
            from dashcli.store.legacy import profile_settings, run_legacy_ingest

            relay = None
            legacy_api = profile.server.legacy_api if profile is not None else None
            if legacy_api is not None and legacy_api.enabled:
                from dashcli.server.app import CONTEXT
                from dashcli.server.legacy import LegacyHub, start_legacy_site

                hub = LegacyHub()
                hub.attach(app[CONTEXT])
                legacy_runner, legacy_port = await start_legacy_site(
                    legacy_url, hub, legacy_api.origins, legacy_api.host, legacy_api.port)
                relay = hub.relay
                legacy_host = f"[{legacy_api.host}]" if ":" in legacy_api.host else legacy_api.host
                parts.append(f"legacy API on http://{legacy_host}:{legacy_port}/")
            settings = profile_settings(profile) if profile is not None else Settings()
            start("dash-legacy-ingest", run_legacy_ingest(legacy_url, store, settings=settings,
                                                          relay=relay))
            parts.append(f"legacy ingest from {redact_url(legacy_url)}")
        port = runner.addresses[0][1] if runner.addresses else options.port
        announce(f"dash serve: http://{host}:{port}/ ({', '.join(parts)})")
        await stop.wait()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(signum)
        if legacy_runner is not None:
            await legacy_runner.cleanup()
        await runner.cleanup()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if failures:
        failure = failures[0]
        if isinstance(failure, DashError):
            raise failure
        raise DashError(f"dash serve stopped: {type(failure).__name__}: {failure}") from failure
    return reloaded[0] if reloaded else None


def _reload(reloader: Callable[[], Profile], reloaded: list[Profile],
            stop: asyncio.Event) -> str | None:
    """Read the profile again: None and a stop when it is valid, else the one-line problem."""
    try:
        profile = reloader()
    except DashError as exc:
        log.error("reload refused, still running with the previous profile: %s", exc)
        return str(exc)
    log.warning("profile reloaded: restarting the server in-process (displays reconnect)")
    reloaded[:] = [profile]
    stop.set()
    return None


def _on_done(task: asyncio.Task[None], failures: list[BaseException], stop: asyncio.Event) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("%s failed: %s", task.get_name(), error)
        failures.append(error)
        stop.set()
