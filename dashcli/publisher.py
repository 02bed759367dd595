"""The long-running fetcher behind ``dash fetch SOURCE --publish [--every]``.

It needs the state store, which is not part of this build yet; until it lands the options fail
with one clear line instead of pretending to publish.
"""

from __future__ import annotations

from dashcli.errors import UsageError
from profiles.schema import Profile


async def run_publisher(
    profile: Profile,
    source: str,
    *,
    every: str | None,
    store_url: str | None,
    health_port: int | None,
) -> None:
    raise UsageError("--publish/--every need the state store, which this build does not have yet")
