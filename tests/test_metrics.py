"""Prometheus metrics: dash serve's /metrics and the fetcher's health port, read by Prometheus's
own parser and checked by ``promtool`` (Debian's ``prometheus`` package), plus the sample rules."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dashcli.fetching.scheduler import Scheduler
from dashcli.sources.http import RetryPolicy
from dashcli.store import open_store
from dashcli.store.base import MemoryStore
from tests.conftest import fixture_path, profile_with
from tests.replay import ReplayServer, Reply
from tests.test_server import get, serving

RULES = Path(__file__).parents[1] / "deploy" / "prometheus"
FORECAST = "/v1/forecast"
AIR = "/v1/air-quality"


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool is not installed (Debian package 'prometheus')")
    return found


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


async def scrape_serve_with_sources(upstream: ReplayServer) -> str:
    """dash serve's /metrics after weather succeeded twice and air failed twice."""
    upstream.route(FORECAST, Reply(fixture_path("open-meteo/forecast-boston-imperial.json")))
    upstream.route(AIR, Reply("upstream broke", status=500))
    profile = profile_with(weather={"base_url": upstream.url, "every": 0.2},
                           air={"base_url": upstream.url})
    store = MemoryStore()
    scheduler = Scheduler(profile, store, retry=RetryPolicy(attempts=1, backoff=0.01),
                          start_spread=0.0, min_period=0.1, backoff_base=0.1)
    async with serving(store, scheduler=scheduler) as base:
        running = asyncio.create_task(scheduler.run())
        try:
            async with asyncio.timeout(10):
                while (scheduler.status()["weather"].fetches < 2
                       or scheduler.status()["air"].errors < 2):
                    await asyncio.sleep(0.02)
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            return (await get(f"{base}/metrics")).text
        finally:
            running.cancel()


async def test_serve_metrics_report_sources_sse_store_process_and_build(
    upstream: ReplayServer,
) -> None:
    before = time.time()
    found = samples(await scrape_serve_with_sources(upstream))
    fetches = value(found, "dash_source_fetches_total", source="weather")
    assert fetches >= 2
    # Counted when a fetch is over: the histogram's count is the same figure, never ahead.
    assert value(found, "dash_source_fetch_seconds_count", source="weather") == fetches
    assert value(found, "dash_source_fetch_seconds_bucket", source="weather", le="+Inf") == fetches
    assert value(found, "dash_source_errors_total", source="weather") == 0
    assert value(found, "dash_source_errors_total", source="air") >= 2
    assert value(found, "dash_source_consecutive_failures", source="air") >= 2
    assert value(found, "dash_source_consecutive_failures", source="weather") == 0
    success = value(found, "dash_source_last_success_timestamp_seconds", source="weather")
    assert before <= success <= time.time()
    assert ("dash_source_last_success_timestamp_seconds", (("source", "air"),)) not in found
    assert before <= value(found, "dash_source_last_attempt_timestamp_seconds", source="air")
    assert 0 <= value(found, "dash_source_data_age_seconds", source="weather") < 10
    assert value(found, "dash_source_period_seconds", source="weather") == 0.2
    assert value(found, "dash_source_valid_until_timestamp_seconds", source="weather") > success
    assert value(found, "dash_sse_clients") == 0
    assert value(found, "dash_store_up") == 1
    assert value(found, "process_resident_memory_bytes") > 0
    assert value(found, "dash_build_info", version="0.1.0",
                 python=sys.version.split()[0]) == 1
    assert any(name == "python_gc_collections_total" for name, _ in found)


async def test_promtool_accepts_the_real_metrics(upstream: ReplayServer, tmp_path: Path) -> None:
    tool = promtool()
    text = await scrape_serve_with_sources(upstream)
    checked = subprocess.run([tool, "check", "metrics"], input=text, capture_output=True,
                             text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_store_down_reads_0_and_the_scrape_still_answers(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    store = open_store(f"redis://127.0.0.1:{closed}/0")
    await store.open()
    try:
        async with serving(store) as base:
            started = time.monotonic()
            found = samples((await get(f"{base}/metrics")).text)
            assert time.monotonic() - started < 5
    finally:
        await store.close()
    assert value(found, "dash_store_up") == 0


async def test_openmetrics_when_asked() -> None:
    async with serving(MemoryStore()) as base:
        reply = await get(f"{base}/metrics",
                          headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert reply.headers["content-type"].startswith("application/openmetrics-text")
    assert reply.text.endswith("# EOF\n")


def test_promtool_accepts_the_sample_rules_and_their_unit_tests() -> None:
    tool = promtool()
    checked = subprocess.run([tool, "check", "rules", "dash-alerts.yaml"], cwd=RULES,
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "5 rules found" in checked.stdout
    tested = subprocess.run([tool, "test", "rules", "dash-alerts.test.yaml"], cwd=RULES,
                            capture_output=True, text=True, timeout=60)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_fetchers_health_port_serves_metrics(upstream: ReplayServer, tmp_path: Path) -> None:
    upstream.route(AIR, Reply(fixture_path("open-meteo/air-quality-boston.json")))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "dashcli", "fetch", "air", "--every", "0.3",
         "--store", f"sqlite:///{tmp_path}/state.db", "--health-port", str(port),
         "--set", f"sources.air.base_url={upstream.url}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    found: dict[Any, float] = {}
    text = ""
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                    text = r.read().decode()
            except OSError:
                text = ""
            found = samples(text) if text else {}
            if found.get(("dash_source_fetches_total", (("source", "air"),)), 0) >= 2:
                break
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=15)
    assert value(found, "dash_source_fetches_total", source="air") >= 2, err
    assert value(found, "dash_store_up") == 1
    assert value(found, "dash_source_last_success_timestamp_seconds", source="air") > 0
    assert not any(name.startswith("dash_sse_") for name, _ in found)
    if shutil.which("promtool"):
        checked = subprocess.run(["promtool", "check", "metrics"], input=text,
                                 capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stdout + checked.stderr
