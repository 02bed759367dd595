"""The scheduler: every enabled source in its own task, on its own period, into the store.

Each source runs alone: its fetch has its own timeout, its failures back off exponentially (to
a cap) without touching the others, and a failure never overwrites the last good data, which
stays in the store and is visibly stale after its ``valid``. A source is fetched again after its
period (``every`` in the profile, else the registry's) or sooner when its data says it goes
stale sooner (live scoreboards), with jitter so sources started together drift apart. Time is
read through a :class:`Clock`, so tests drive the schedule without sleeping through periods.
Each source's health (:class:`dashcli.health.SourceStatus`) is kept up to date and
published into the store as the ``status`` data type at start and after every fetch, so every
display can say which source fails and why.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

import httpx

from dashcli.core.backoff import backoff_delay
from dashcli.core.envelope import Update, utcnow
from dashcli.core.errors import DashError
from dashcli.fetching.fetch import fetch_deadline, fetch_update, source_settings
from dashcli.health import SourceStatus, short_problem, status_values
from dashcli.profiles.schema import Profile
from dashcli.sources import MissingSecretError, UpstreamError, source_info
from dashcli.sources.http import RetryPolicy, make_client
from dashcli.sources.lookup import SecretLookup
from dashcli.store.base import Store, StoreError

log = logging.getLogger(__name__)

MIN_PERIOD = 10.0  # never refetch sooner than this, whatever ``valid`` says
BACKOFF_BASE = 10.0
BACKOFF_CAP = 600.0
SECRETS_REFRESH_INTERVAL = 60.0  # re-read rotated secrets at most this often
JITTER = 0.1  # +-10% of each delay
START_SPREAD = 2.0  # first fetches spread over this many seconds
STATUS_TYPE = "status"
# The status is republished after every fetch; past the next fetch plus this, it is stale
# (the scheduler stopped), and the status page marks it so.
STATUS_GRACE = 60.0


class Clock(Protocol):
    """Where the scheduler reads time and waits; tests pass a virtual one."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return utcnow()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _credentials_rejected(error: DashError) -> bool:
    """A failure that re-reading the secrets may cure: a key missing, or refused by the API."""
    if isinstance(error, MissingSecretError):
        return True
    return isinstance(error, UpstreamError) and error.status in (401, 403)


class Scheduler:
    """Runs the sources of ``profile`` (its enabled ones, or ``names``) into ``store``."""

    def __init__(
        self,
        profile: Profile,
        store: Store,
        *,
        names: list[str] | None = None,
        secrets: SecretLookup | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        min_period: float = MIN_PERIOD,
        jitter: float = JITTER,
        start_spread: float = START_SPREAD,
        rng: random.Random | None = None,
        publish_status: bool = True,
    ) -> None:
        if secrets is None:
            from dashcli.secrets import open_secrets

            secrets = open_secrets(profile)
        self.profile = profile
        self.store = store
        self.names = list(profile.sources.enabled()) if names is None else names
        for name in self.names:
            source_info(name)
        self.settings = {name: source_settings(profile, name) for name in self.names}
        self._secrets = secrets
        self._clock: Clock = clock or SystemClock()
        self._retry = retry
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._min_period = min_period
        self._jitter = jitter
        self._start_spread = start_spread
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._status = {
            name: SourceStatus(name, period_seconds=self.period(name)) for name in self.names
        }
        self._secrets_refreshed = -SECRETS_REFRESH_INTERVAL
        self._publish_status = publish_status
        self._status_lock = asyncio.Lock()
        # Called after every fetch with (source, seconds, succeeded): the metrics' histogram.
        self.fetch_listeners: list[Callable[[str, float, bool], None]] = []

    def period(self, name: str) -> float:
        """Seconds between fetches of ``name`` when its data does not go stale sooner."""
        return self.settings[name].every or source_info(name).every

    def fetch_timeout(self, name: str) -> float:
        """The whole fetch's limit (fetch_update enforces it; this is the scheduler's guard)."""
        return fetch_deadline(self.settings[name], self._retry)

    def status(self) -> dict[str, SourceStatus]:
        """A copy of every source's status, by name."""
        return {name: replace(status) for name, status in self._status.items()}

    async def run(self) -> None:
        """Fetch every source on its schedule until cancelled."""
        if not self.names:
            log.warning("scheduler: no enabled sources; nothing to fetch")
            await asyncio.Event().wait()
        timeout = max(settings.timeout for settings in self.settings.values())
        await self.publish_status()
        async with make_client(timeout) as client:
            tasks = [
                asyncio.create_task(self._run_source(name, client), name=f"source:{name}")
                for name in self.names
            ]
            try:
                await asyncio.gather(*tasks)
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    async def _run_source(self, name: str, client: httpx.AsyncClient) -> None:
        status = self._status[name]
        delay = self._rng.uniform(0, self._start_spread) if len(self.names) > 1 else 0.0
        status.next_run = self._clock.now() + timedelta(seconds=delay)
        while True:
            await self._clock.sleep(delay)
            delay = await self._fetch_once(name, client, status)
            status.next_run = self._clock.now() + timedelta(seconds=delay)
            await self.publish_status()

    async def publish_status(self) -> None:
        """Put the ``status`` values into the store: this scheduler's sources, and the rows
        other fetchers sharing the store published for the profile's other enabled sources.

        A store failure costs only this publication (the next fetch publishes again)."""
        if not self._publish_status:
            return
        now = self._clock.now()
        runs = [status.next_run for status in self._status.values() if status.next_run]
        next_publish = min(runs, default=now) + timedelta(
            seconds=max(map(self.fetch_timeout, self.names), default=0.0) + STATUS_GRACE)
        async with self._status_lock:
            try:
                held = await self.store.get(STATUS_TYPE)
                values = status_values(self._status.values(),
                                       held.values if held is not None else None,
                                       self.profile.sources.enabled())
                await self.store.put(Update(STATUS_TYPE, now, max(now, next_publish), values,
                                            source="scheduler"))
            except (StoreError, OSError, TimeoutError) as exc:
                log.warning("status not published: %s", exc)

    async def _fetch_once(
        self, name: str, client: httpx.AsyncClient, status: SourceStatus
    ) -> float:
        """One fetch and put; returns the delay before the next one."""
        started = self._clock.monotonic()
        now = self._clock.now()
        try:
            async with asyncio.timeout(self.fetch_timeout(name)):
                result = await fetch_update(
                    self.profile, name, secrets=self._secrets, client=client, now=now,
                    retry=self._retry,
                )
            await self.store.put(result.update)
        except DashError as exc:
            if _credentials_rejected(exc):
                await self._refresh_secrets()
            reason = str(exc) if str(exc).startswith(f"{name}:") else f"{name}: {exc}"
            # An upstream's Retry-After (already bounded) is a floor for the next attempt.
            asked = getattr(exc, "retry_after", None) or 0.0
            return self._failed(status, reason, short_problem(exc), started, now, asked)
        except TimeoutError as exc:
            reason = f"{name}: no answer within {self.fetch_timeout(name):g} s"
            return self._failed(status, reason, short_problem(exc), started, now)
        except Exception as exc:
            # A provider bug must cost only its own source, never the scheduler.
            log.debug("%s: unexpected error", name, exc_info=True)
            # Only the type reaches /status and the logs: an unexpected exception's text is not
            # vetted like DashError messages are and could hold a secret.
            reason = f"{name}: internal error: {type(exc).__name__} (details at --debug)"
            return self._failed(status, reason, short_problem(exc), started, now)
        self._finished(status, started, succeeded=True)
        status.last_success = now
        status.last_error = None
        status.problem = None
        status.valid = result.update.valid
        status.consecutive_failures = 0
        status.failing_since = None
        stale_in = (result.update.valid - now).total_seconds()
        return self._jittered(max(self._min_period, min(self.period(name), stale_in)))

    async def _refresh_secrets(self) -> None:
        """Read the secrets again after a key was missing or rejected (it may have rotated).

        At most once per SECRETS_REFRESH_INTERVAL, and in a thread: providers do blocking I/O
        (files, the Kubernetes and Vault APIs). On failure the old values stay in use.
        """
        refresh = getattr(self._secrets, "refresh", None)
        moment = self._clock.monotonic()
        if refresh is None or moment - self._secrets_refreshed < SECRETS_REFRESH_INTERVAL:
            return
        self._secrets_refreshed = moment
        try:
            await asyncio.to_thread(refresh)
        except DashError as exc:
            log.warning("%s", exc)

    def _failed(self, status: SourceStatus, reason: str, problem: str, started: float,
                now: datetime, wait_at_least: float = 0.0) -> float:
        self._finished(status, started, succeeded=False)
        status.errors += 1
        status.consecutive_failures += 1
        status.last_error = reason
        status.problem = problem
        if status.failing_since is None:
            status.failing_since = now
        backoff = backoff_delay(status.consecutive_failures - 1, base=self._backoff_base,
                                cap=self._backoff_cap, jitter=self._jitter, rng=self._rng)
        backoff = max(backoff, wait_at_least)
        log.warning("%s (attempt %d failed; retry in %.0f s)", reason,
                    status.consecutive_failures, backoff)
        return backoff

    def _finished(self, status: SourceStatus, started: float, *, succeeded: bool) -> None:
        """Count a fetch once it is over, so ``fetches`` and the latency sum always agree."""
        latency = self._clock.monotonic() - started
        status.fetches += 1
        status.last_latency_seconds = latency
        status.latency_seconds_sum += latency
        for listener in self.fetch_listeners:
            listener(status.name, latency, succeeded)

    def _jittered(self, delay: float) -> float:
        return delay * (1 + self._rng.uniform(-self._jitter, self._jitter))
