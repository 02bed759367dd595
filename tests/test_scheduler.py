"""The scheduler against real HTTP servers on loopback: isolation of slow sources, backoff on a
virtual clock, and the last good data kept through failures."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from dashcli.core.envelope import Update, parse_time
from dashcli.fetching.scheduler import Scheduler
from dashcli.health import short_problem
from dashcli.sources import DataError, MissingSecretError, UpstreamError
from dashcli.sources.http import RetryPolicy
from dashcli.store.base import MemoryStore
from tests.conftest import NOW, background, fixture_path, profile_with
from tests.replay import ReplayServer, Reply

FORECAST = "/v1/forecast"
AIR = "/v1/air-quality"
NO_RETRY = RetryPolicy(attempts=1, backoff=0.01)


class VirtualClock:
    """Time advances only when the scheduler sleeps; every requested sleep is recorded."""

    def __init__(self, start: datetime = NOW) -> None:
        self.moment = start
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return self.moment.timestamp()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.moment += timedelta(seconds=seconds)
        await asyncio.sleep(0.001)


async def until(condition: object, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_a_slow_source_does_not_delay_a_fast_one(upstream: ReplayServer) -> None:
    upstream.route(FORECAST, Reply(fixture_path("open-meteo/forecast-boston-imperial.json"),
                                   delay=2.0))
    upstream.route(AIR, Reply(fixture_path("open-meteo/air-quality-boston.json")))
    profile = profile_with(weather={"base_url": upstream.url, "timeout": 5},
                           air={"base_url": upstream.url, "every": 0.2})
    store = MemoryStore()
    scheduler = Scheduler(profile, store, retry=NO_RETRY, min_period=0.1, start_spread=0.0)
    async with background(scheduler.run()):
        await until(lambda: scheduler.status()["air"].fetches >= 4, timeout=1.8)
        weather = scheduler.status()["weather"]
        assert weather.last_success is None
        assert weather.fetches == 0  # still in flight: counted when it finishes
        assert await store.get("weather") is None
        air = await store.get("air")
        assert air is not None
        assert air.seq is not None
        assert air.seq >= 3
    assert len(upstream.hits(FORECAST)) == 1


async def test_backoff_doubles_to_the_cap(upstream: ReplayServer) -> None:
    upstream.route(FORECAST, Reply("upstream down", status=500, content_type="text/plain"))
    profile = profile_with(weather={"base_url": upstream.url, "every": 600})
    clock = VirtualClock()
    scheduler = Scheduler(profile, MemoryStore(), clock=clock, retry=NO_RETRY, jitter=0.0,
                          backoff_base=10, backoff_cap=80)
    async with background(scheduler.run()):
        await until(lambda: len(clock.sleeps) >= 7)
        status = scheduler.status()["weather"]
    assert clock.sleeps[:7] == [0.0, 10, 20, 40, 80, 80, 80]
    assert status.consecutive_failures >= 6
    assert status.fetches - 1 <= status.errors <= status.fetches
    assert status.last_error is not None
    assert status.last_error.startswith("weather: ")
    assert "500" in status.last_error
    assert status.next_run is not None


async def test_failures_keep_the_last_good_data(upstream: ReplayServer) -> None:
    good = Reply(fixture_path("open-meteo/forecast-boston-imperial.json"))
    upstream.route(FORECAST, good, Reply("{}", status=200), Reply("oops", status=503))
    profile = profile_with(weather={"base_url": upstream.url, "every": 3600})
    clock = VirtualClock()
    store = MemoryStore()
    scheduler = Scheduler(profile, store, clock=clock, retry=NO_RETRY, jitter=0.0)
    async with background(scheduler.run()):
        # Weather is valid for 30 minutes: fail well past that (virtual time).
        await until(lambda: clock.now() > NOW + timedelta(hours=2))
        status = scheduler.status()["weather"]
    kept = await store.get("weather")
    assert kept is not None
    assert kept.updated == NOW  # the first, good fetch: failures never overwrite it
    assert kept.is_stale(clock.now())
    assert status.last_success == NOW
    assert status.consecutive_failures >= 5
    assert status.fetches - 1 <= status.errors + 1 <= status.fetches
    assert status.failing_since is not None
    assert status.failing_since > NOW
    # After a success the next fetch is when the data goes stale (30 min < the 1 h period).
    assert clock.sleeps[1] == 1800
    assert clock.sleeps[2:4] == [10, 20]


async def test_a_fetch_past_its_timeout_is_a_failure(upstream: ReplayServer) -> None:
    upstream.route(AIR, Reply(fixture_path("open-meteo/air-quality-boston.json"), delay=2.0))
    profile = profile_with(air={"base_url": upstream.url, "timeout": 0.2})
    scheduler = Scheduler(profile, MemoryStore(), retry=NO_RETRY, min_period=0.1,
                          backoff_base=30)
    async with background(scheduler.run()):
        await until(lambda: scheduler.status()["air"].errors >= 1, timeout=5)
    status = scheduler.status()["air"]
    assert status.last_error is not None
    assert status.last_error.startswith("air: ")
    assert status.last_success is None


def test_unknown_source_names_are_refused() -> None:
    from dashcli.core.errors import UsageError

    with pytest.raises(UsageError, match="unknown source 'wether'"):
        Scheduler(profile_with(), MemoryStore(), names=["wether"])


def test_enabled_sources_are_scheduled_by_default() -> None:
    profile = profile_with(weather={}, air={"enabled": False}, moon={"every": 120})
    scheduler = Scheduler(profile, MemoryStore())
    assert scheduler.names == ["weather", "moon"]
    assert scheduler.period("weather") == 600
    assert scheduler.period("moon") == 120


class RotatingSecrets:
    """A secrets provider whose key appears only when it is read again (a rotated secret)."""

    name = "test secrets"

    def __init__(self) -> None:
        self.refreshes = 0
        self.values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def refresh(self) -> None:
        self.refreshes += 1
        self.values = {"owm_api_key": "rotated-key-0123456789"}


async def test_a_missing_secret_is_read_again_once_and_then_used(upstream: ReplayServer) -> None:
    upstream.route("/data/3.0/onecall",
                   Reply(fixture_path("openweathermap/onecall-boston-imperial.json")))
    profile = profile_with(weather={"provider": "openweathermap", "base_url": upstream.url})
    secrets = RotatingSecrets()
    clock = VirtualClock()
    store = MemoryStore()
    scheduler = Scheduler(profile, store, secrets=secrets, clock=clock, retry=NO_RETRY,
                          start_spread=0.0)
    async with background(scheduler.run()):
        await until(lambda: scheduler.status()["weather"].last_success is not None)
    assert secrets.refreshes == 1
    assert scheduler.status()["weather"].errors == 1
    assert upstream.hits("/data/3.0/onecall")[0].query["appid"] == ["rotated-key-0123456789"]


async def test_a_provider_bug_costs_only_its_source_and_its_text_is_not_shown(
    upstream: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(ctx: object) -> None:
        raise RuntimeError("appid=leaked-secret-value")

    monkeypatch.setattr("dashcli.sources.open_meteo.fetch_weather", broken)
    upstream.route(AIR, Reply(fixture_path("open-meteo/air-quality-boston.json")))
    profile = profile_with(weather={"base_url": upstream.url}, air={"base_url": upstream.url})
    store = MemoryStore()
    scheduler = Scheduler(profile, store, clock=VirtualClock(), retry=NO_RETRY, start_spread=0.0)
    async with background(scheduler.run()):
        await until(lambda: scheduler.status()["weather"].errors >= 1
                    and scheduler.status()["air"].last_success is not None)
    error = scheduler.status()["weather"].last_error
    assert error == "weather: internal error: RuntimeError (details at --debug)"
    assert await store.get("air") is not None


async def test_health_is_published_as_the_status_type(upstream: ReplayServer) -> None:
    """Waiting rows at start; then a failing source with its reason and retry time, a good one
    with its data's times; other fetchers' rows for enabled sources are kept, others dropped."""
    upstream.route(FORECAST, Reply("upstream down", status=503, content_type="text/plain"))
    upstream.route(AIR, Reply(fixture_path("open-meteo/air-quality-boston.json")))
    profile = profile_with(weather={"base_url": upstream.url}, air={"base_url": upstream.url},
                           moon={}, github={"enabled": False, "repository": "a/b"})
    store = MemoryStore()
    other = {"type": "moon", "updated": None, "valid": None, "ok": False,
             "error": "upstream unreachable", "since": None, "retry": None}
    gone = {**other, "type": "github"}
    await store.put(Update("status", NOW, NOW, {"sources": [other, gone]}))
    clock = VirtualClock()
    scheduler = Scheduler(profile, store, names=["weather", "air"], clock=clock, retry=NO_RETRY,
                          jitter=0.0, start_spread=0.0)

    async def published() -> dict[str, Any]:
        held = await store.get("status")
        assert held is not None
        return {row["type"]: row for row in held.values["sources"]}

    async with background(scheduler.run()):
        await until(lambda: scheduler.status()["weather"].errors >= 1
                    and scheduler.status()["air"].last_success is not None)
    rows = await published()
    assert list(rows) == ["air", "moon", "weather"]
    assert rows["moon"] == other
    weather = rows["weather"]
    assert weather["ok"] is False
    assert weather["error"] == "upstream error 503"
    assert weather["updated"] is None
    assert weather["since"] == NOW.isoformat()
    assert parse_time(weather["retry"]) > NOW
    air = rows["air"]
    assert air["ok"] is True
    assert air["error"] is None
    # The virtual clock moves with every sleep: air may have been fetched again since.
    assert parse_time(air["updated"]) >= NOW
    assert parse_time(air["valid"]) > parse_time(air["updated"])
    status = scheduler.status()
    assert status["weather"].health(clock.now()) == "failing"
    assert status["air"].health(clock.now()) == "ok"
    assert status["air"].health(NOW + timedelta(days=1)) == "stale"


async def test_health_waits_before_the_first_fetch() -> None:
    profile = profile_with(weather={})
    store = MemoryStore()
    scheduler = Scheduler(profile, store, clock=VirtualClock(), start_spread=0.0)
    await scheduler.publish_status()
    held = await store.get("status")
    assert held is not None
    assert held.values["sources"][0]["type"] == "weather"
    assert held.values["sources"][0]["ok"] is True
    assert held.values["sources"][0]["updated"] is None
    assert scheduler.status()["weather"].health(NOW) == "waiting"


@pytest.mark.parametrize(("error", "words"), [
    (UpstreamError("x unreachable (connection refused)", "http://h/"), "upstream unreachable"),
    (UpstreamError("x answered 401", "http://h/", status=401), "key rejected"),
    (UpstreamError("x answered 429", "http://h/", status=429), "rate limited"),
    (DataError("hourly.time", "missing"), "unexpected data"),
    (MissingSecretError("owm_api_key", "env"), "secret missing"),
    (TimeoutError(), "no answer"),
    (RuntimeError("appid=secret"), "internal error"),
])
def test_a_failure_in_a_few_words(error: BaseException, words: str) -> None:
    assert short_problem(error) == words
