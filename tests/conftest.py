"""Shared pytest fixtures: the replay server, fixture paths, a fetch helper with fast retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.replay import ReplayServer

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
# A fixed fetch time for deterministic values and staleness.
NOW = datetime(2026, 2, 6, 21, 40, tzinfo=UTC)


@pytest.fixture
def upstream() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    yield server
    server.stop()


def fixture_path(relative: str) -> Path:
    """A file of the project's own fixtures (tests/fixtures)."""
    path = FIXTURES / relative
    assert path.is_file(), f"missing project fixture {path}"
    return path


def shared_fixture(relative: str) -> Path:
    """A recording from ../shared/fixtures; skips the test when the recordings are absent."""
    path = SHARED_FIXTURES / relative
    if not path.is_file():
        pytest.skip(f"shared recording not present: {path}")
    return path


def profile_with(**sources: dict[str, Any]) -> Any:
    """A Boston profile (imperial) with the given source settings."""
    from profiles.schema import Profile

    return Profile.model_validate(
        {
            "location": {
                "name": "Boston",
                "latitude": 42.36,
                "longitude": -71.06,
                "timezone": "America/New_York",
            },
            "units": "imperial",
            "sources": sources,
        }
    )


async def fetch_values(
    name: str, base_url: str, *, now: datetime = NOW, secrets: Any = None, **settings: Any
) -> Any:
    """Fetch ``name`` against ``base_url`` with instant retries; returns the FetchResult."""
    from dashcli.fetching import fetch_update
    from sources.http import RetryPolicy

    profile = profile_with(**{name: {"base_url": base_url, **settings}})
    return await fetch_update(
        profile, name, now=now, secrets=secrets, retry=RetryPolicy(attempts=3, backoff=0.01)
    )
