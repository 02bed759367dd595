"""Prometheus metrics of ``dash serve`` and of the standalone fetcher's health port.

One :class:`Metrics` per process (its own :class:`~prometheus_client.CollectorRegistry`, so
tests and several apps in one process never collide) exposes what an alert needs: per source
the fetches and failures (counters), fetch latency (a histogram fed by the scheduler's fetch
listeners), last success and last attempt (Unix timestamps), consecutive failures, the age of
the last good data, until when it is valid and the source's period; the SSE clients, events and
dropped clients; whether the store answered a ping at scrape time; process, Python and build
information. Source figures are read from the scheduler's status at scrape time, so nothing is
counted twice.
"""

from __future__ import annotations

import asyncio
import platform
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from dashcli.core.version import __version__

if TYPE_CHECKING:

    from dashcli.health import StatusSource
    from dashcli.server.sse import Broadcaster
    from dashcli.store.base import Store

# Fetches take from tens of milliseconds (a cached API) to a whole retried timeout.
FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
STORE_PING_TIMEOUT = 2.0


class Metrics:
    """The registry behind one ``/metrics`` endpoint and the handler that serves it."""

    def __init__(
        self,
        store: Store,
        *,
        scheduler: StatusSource | None = None,
        broadcaster: Broadcaster | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.scheduler = scheduler
        self.broadcaster = broadcaster
        self.clock = clock
        self.store_up: bool | None = None
        self.store_ping_seconds: float | None = None
        self.last_attempt: dict[str, float] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        # The garbage collector's figures are process-wide: the default collector reads them.
        self.registry.register(GC_COLLECTOR)
        Info("dash_build", "The dashcli version and Python that run this process.",
             registry=self.registry).info({"version": __version__,
                                            "python": platform.python_version()})
        self.latency = Histogram(
            "dash_source_fetch_seconds", "Fetch latency per source (failed fetches included).",
            ["source"], buckets=FETCH_BUCKETS, registry=self.registry,
        )
        self.registry.register(_DashCollector(self))
        if scheduler is not None:
            for name in scheduler.status():
                self.latency.labels(name)
            scheduler.fetch_listeners.append(self.observe)

    def observe(self, source: str, seconds: float, succeeded: bool) -> None:
        """Record one finished fetch (a scheduler fetch listener)."""
        self.latency.labels(source).observe(seconds)
        self.last_attempt[source] = self.clock()

    async def probe_store(self) -> None:
        """Ping the store (bounded in time) so the scrape reports whether it is reachable."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(STORE_PING_TIMEOUT):
                self.store_up = bool(await self.store.ping())
        except Exception:
            # Any failure (refused, timeout, a backend error) means "not reachable now"; the
            # store's own log says why, the scrape must not fail.
            self.store_up = False
        self.store_ping_seconds = time.monotonic() - started

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The metrics in the format ``accept`` asks for (OpenMetrics or the text format)."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type

    async def handle(self, request: web.Request) -> web.Response:
        """``GET /metrics``."""
        await self.probe_store()
        body, content_type = self.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type,
                                                "X-Content-Type-Options": "nosniff"})


class _DashCollector(Collector):
    """Builds the source, SSE and store families from the current state at each scrape."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        yield from self._sources()
        yield from self._sse()
        yield from self._store()

    def _sources(self) -> Iterator[Metric]:
        scheduler = self.metrics.scheduler
        statuses = sorted(scheduler.status().items()) if scheduler is not None else []
        now = self.metrics.clock()

        def family(name: str, text: str) -> GaugeMetricFamily:
            return GaugeMetricFamily(name, text, labels=["source"])

        fetches = CounterMetricFamily("dash_source_fetches", "Fetches finished per source.",
                                      labels=["source"])
        errors = CounterMetricFamily("dash_source_errors", "Failed fetches per source.",
                                     labels=["source"])
        failures = family("dash_source_consecutive_failures",
                          "Failed fetches since the last success.")
        last_latency = family("dash_source_last_fetch_seconds",
                              "Latency of the latest fetch per source.")
        success = family("dash_source_last_success_timestamp_seconds",
                         "When the last good data was fetched (Unix time).")
        attempt = family("dash_source_last_attempt_timestamp_seconds",
                         "When the latest fetch finished, good or not (Unix time).")
        age = family("dash_source_data_age_seconds",
                     "Seconds since the last good data was fetched.")
        period = family("dash_source_period_seconds",
                        "The source's fetch period (for staleness rules).")
        valid = family("dash_source_valid_until_timestamp_seconds",
                       "Until when the last good data is valid (Unix time).")
        for name, status in statuses:
            labels = [name]
            fetches.add_metric(labels, status.fetches)
            errors.add_metric(labels, status.errors)
            failures.add_metric(labels, status.consecutive_failures)
            period.add_metric(labels, status.period_seconds)
            if status.last_latency_seconds is not None:
                last_latency.add_metric(labels, status.last_latency_seconds)
            if status.last_success is not None:
                moment = status.last_success.timestamp()
                success.add_metric(labels, moment)
                age.add_metric(labels, max(0.0, now - moment))
            if status.valid is not None:
                valid.add_metric(labels, status.valid.timestamp())
            if name in self.metrics.last_attempt:
                attempt.add_metric(labels, self.metrics.last_attempt[name])
        yield from (fetches, errors, failures, last_latency, success, attempt, age, period, valid)

    def _sse(self) -> Iterator[Metric]:
        broadcaster = self.metrics.broadcaster
        if broadcaster is None:
            return
        stats = broadcaster.stats
        yield GaugeMetricFamily("dash_sse_clients", "Connected SSE clients.",
                                value=broadcaster.client_count)
        yield CounterMetricFamily("dash_sse_connections", "SSE connections accepted.",
                                  value=stats.connections)
        yield CounterMetricFamily("dash_sse_events_sent", "SSE events written to clients.",
                                  value=stats.events_sent)
        yield CounterMetricFamily("dash_sse_clients_dropped",
                                  "SSE clients dropped for falling behind.", value=stats.dropped)

    def _store(self) -> Iterator[Metric]:
        metrics = self.metrics
        if metrics.store_up is None:
            return
        yield GaugeMetricFamily("dash_store_up",
                                "1 if the store answered a ping at this scrape, else 0.",
                                value=1 if metrics.store_up else 0)
        if metrics.store_ping_seconds is not None:
            yield GaugeMetricFamily("dash_store_ping_seconds",
                                    "How long the store's ping took at this scrape.",
                                    value=metrics.store_ping_seconds)
