"""Ingest of the legacy envelope, so ``dash serve --legacy`` can replace the old API server.

The system dashcli replaces publishes ``{"type","updated","valid","values"}`` on Redis channel
``update`` with type names like ``Weather`` or ``AQI`` and times like ``07/11/2025 9:05 PM -0400``
(or ISO 8601), and keeps the latest record of each type under the bare type name. This module
maps those names to ours, reads the keys at start-up and puts every valid message into a store
as a normal :class:`~dashcli.core.envelope.Update` with source ``legacy``; ``values`` pass
untouched.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from dashcli.core import jsonlimits
from dashcli.core.backoff import Backoff
from dashcli.core.envelope import EnvelopeError, Update, parse_time
from dashcli.core.errors import DashError
from dashcli.core.redact import redact_url
from dashcli.logs import RateLimitedLog
from dashcli.store.base import Store, StoreError
from dashcli.store.redis import close_quietly

log = logging.getLogger(__name__)

LEGACY_TYPES = {
    "Weather": "weather",
    "AQI": "air",
    "Moon": "moon",
    "MLB": "mlb",
    "NFL": "nfl",
    "Calendar": "calendar",
    "Events": "events",
    "GitHub": "github",
}
LEGACY_TIME_FORMAT = "%m/%d/%Y %I:%M %p %z"
SOURCE = "legacy"
RECONNECT_BASE = 0.1
RECONNECT_CAP = 5.0
TIMEOUT = 2.0


def legacy_type(name: str) -> str:
    """Our data type for a legacy type name (unknown names are lower-cased)."""
    return LEGACY_TYPES.get(name, name.lower())


def parse_legacy_time(text: object, field_name: str) -> datetime:
    """A legacy time: ``07/11/2025 9:05 PM -0400`` or ISO 8601 with an offset (``Z`` included)."""
    if not isinstance(text, str):
        raise EnvelopeError(f"{field_name}: missing or not a string")
    try:
        return datetime.strptime(text.strip(), LEGACY_TIME_FORMAT)
    except ValueError:
        return parse_time(text, field_name=field_name)


def legacy_update(data: object, kind: str | None = None) -> Update:
    """An Update from a legacy message, or from a stored record (``kind`` = its key name)."""
    if not isinstance(data, dict):
        raise EnvelopeError(f"legacy envelope: expected a JSON object, got {type(data).__name__}")
    name = kind if kind is not None else data.get("type")
    if not isinstance(name, str) or not name:
        raise EnvelopeError("legacy envelope.type: missing or not a non-empty string")
    values: Any = data.get("values")
    if not isinstance(values, dict):
        raise EnvelopeError("legacy envelope.values: missing or not a JSON object")
    return Update(
        type=legacy_type(name),
        updated=parse_legacy_time(data.get("updated"), "legacy envelope.updated"),
        valid=parse_legacy_time(data.get("valid"), "legacy envelope.valid"),
        values=values,
        source=SOURCE,
    )


def decode_legacy(body: bytes | str, kind: str | None = None) -> Update:
    """Decode and convert one legacy JSON text; any defect is an EnvelopeError."""
    try:
        data = jsonlimits.loads(body, "legacy envelope")
    except jsonlimits.JsonLimitError as exc:
        raise EnvelopeError(str(exc)) from None
    return legacy_update(data, kind).admit()


async def run_legacy_ingest(redis_url: str, store: Store, *, channel: str = "update") -> None:
    """Copy the legacy keys and channel into ``store`` until cancelled.

    After every (re)connect it subscribes first and then reads the legacy keys, so nothing
    published in between is lost; a key older than what the store holds is not put again.
    Garbage is logged (rate-limited) and skipped; a lost connection is retried with backoff.
    """
    where = redact_url(redis_url)
    complaints = RateLimitedLog(log)
    backoff = Backoff(base=RECONNECT_BASE, cap=RECONNECT_CAP)
    while True:
        # No silent retries inside redis-py: every reconnect goes through the key re-read below.
        client: Redis = Redis.from_url(
            redis_url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            async with asyncio.timeout(TIMEOUT):
                await pubsub.subscribe(channel)
            await _read_keys(client, store, complaints, where)
            backoff.reset()
            while True:
                message = await pubsub.get_message(timeout=None)
                if message is not None and message.get("type") == "message":
                    await _ingest(message["data"], None, store, complaints, where)
        except (RedisError, OSError, TimeoutError) as exc:
            complaints.warning("connection", f"legacy ingest {where}: connection lost: {exc}")
        finally:
            await close_quietly(pubsub, client)
        await backoff.sleep()


async def _read_keys(client: Redis, store: Store, complaints: RateLimitedLog, where: str) -> None:
    names = list(LEGACY_TYPES)
    for name, body in zip(names, await client.mget(names), strict=True):
        if body is not None:
            await _ingest(body, name, store, complaints, where, only_newer=True)


async def _ingest(
    body: bytes | str,
    kind: str | None,
    store: Store,
    complaints: RateLimitedLog,
    where: str,
    *,
    only_newer: bool = False,
) -> None:
    origin = f"key {kind!r}" if kind else "channel message"
    try:
        update = decode_legacy(body, kind)
    except EnvelopeError as exc:
        complaints.warning(f"garbage {origin}", f"legacy ingest {where}: skipped {origin}: {exc}")
        return
    try:
        if only_newer:
            held = await store.get(update.type)
            if held is not None and held.updated >= update.updated:
                return
        await store.put(update)
    except StoreError as exc:
        complaints.warning("store", f"legacy ingest {where}: {exc}")
    except DashError as exc:
        # The store's own boundary check: skipped like any other garbage, never fatal.
        complaints.warning(f"garbage {origin}", f"legacy ingest {where}: skipped {origin}: {exc}")
