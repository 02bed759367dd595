"""The ``iss`` source: the station's latitude and longitude now, from open-notify's API.

A source is a :class:`dashcli.sources.SourceInfo` (its name, a summary, its providers and the
secrets each needs, its default period) whose providers are ``async def fetch(ctx) -> Fetched``:
read the upstream through ``ctx.client`` with dashcli's HTTP adapter (timeouts, retries, size
limit), check every field with :class:`dashcli.sources.validate.Node` (a bad answer becomes a
one-line DataError naming the field) and return the values with their validity.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashcli.core.envelope import isoformat
from dashcli.sources import ProviderInfo, SourceInfo
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.errors import DataError
from dashcli.sources.http import get
from dashcli.sources.validate import parse_json

PROVIDER = "open-notify"
DEFAULT_URL = "http://api.open-notify.org"

SOURCE = SourceInfo(
    "iss", "where the International Space Station is (open-notify)",
    (ProviderInfo(PROVIDER, "dashcli_plugin_example.source:fetch"),),
    every=60,
)


def _degrees(text: str, field: str, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(field, f"not a number: {text[:20]!r}") from None
    if not -limit <= value <= limit:
        raise DataError(field, f"out of range: {value}")
    return value


async def fetch(ctx: FetchContext) -> Fetched:
    """The ISS position now; valid for five minutes (it moves 8 km a second)."""
    response = await get(ctx.client, PROVIDER, f"{ctx.base_url(DEFAULT_URL)}/iss-now.json",
                         retry=ctx.retry)
    body = parse_json(response.content, PROVIDER)
    position = body["iss_position"]
    latitude = _degrees(position["latitude"].string(), position.path + ".latitude", 90)
    longitude = _degrees(position["longitude"].string(), position.path + ".longitude", 180)
    moment = datetime.fromtimestamp(body["timestamp"].integer(), UTC)
    values = {"latitude": latitude, "longitude": longitude,
              "time": isoformat(moment.astimezone(ctx.tz))}
    return Fetched(values, ctx.now + timedelta(minutes=5), PROVIDER, response.content)
