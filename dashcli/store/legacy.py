"""Ingest of the replaced system's Redis traffic, so ``dash serve --legacy`` can stand in for it.

Every generation of the old system is read, live and from its keys at start-up:

- Gen B publishes ``{"type","updated","valid","values"}`` on channel ``update`` (times like
  ``10/25/2024 12:15:12 PM -0400``, seconds optional; ``values`` a list for MLB, Calendar and
  Events); its KV updater keeps the latest under the bare type name.
- Gen C publishes ``{"type","updated","values"}`` (no ``valid``: this module adds the type's old
  period) on ``update``, and upstream bodies on ``raw``; its keys are ``update:{Type}`` and
  ``raw:{Type}``. Raw Weather and AQI bodies are parsed by dashcli's own OpenWeatherMap parser;
  other raw types are left to their ``update`` counterpart.
- Gen A publishes only the bare type name; the record is then re-read from its key.

``<Type>-Server`` start-up records say which service runs since when: they become one
``services`` update (``{"services": [{name, type, started, message}]}``), never data types.
Data values are translated by :mod:`dashcli.sources.legacy`; values it cannot read are stored as
they came (so the page draws "unreadable data") with one rate-limited line naming the field.
Any other defect (garbage; oversize, too deep, lone surrogates or NaN, checked by
:mod:`dashcli.core.jsonlimits`) is one rate-limited line and the message is skipped; the ingest
never stops. ``relay`` receives every text seen on ``update`` that is JSON within those limits
(or a Gen A bare name), for the old-dialect SSE stream of :mod:`dashcli.server.legacy`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from dashcli.core import jsonlimits
from dashcli.core.backoff import Backoff
from dashcli.core.envelope import EnvelopeError, Update, isoformat, parse_time
from dashcli.core.errors import DashError
from dashcli.core.redact import redact_url
from dashcli.logs import RateLimitedLog
from dashcli.sources.errors import DataError
from dashcli.sources.legacy import LEGACY_TYPES, Settings, our_type, parse_legacy_time, translate
from dashcli.store.base import Store, StoreError

if TYPE_CHECKING:
    from dashcli.profiles.schema import Profile
from dashcli.store.redis import close_quietly

log = logging.getLogger(__name__)

SOURCE = "legacy"
SERVICES_TYPE = "services"
SERVER_SUFFIX = "-Server"
UPDATE_CHANNEL = "update"
RAW_CHANNEL = "raw"
RECONNECT_BASE = 0.1
RECONNECT_CAP = 5.0
TIMEOUT = 2.0
# The old services' PERIOD (yaml/<svc>.yaml): a Gen C message has no ``valid``, so it is valid
# for one period after ``updated``.
PERIODS = {"Weather": 907, "AQI": 919, "Moon": 3607, "Calendar": 877, "Events": 3593,
           "GitHub": 599, "MLB": 29, "NFL": 59, "Track": 601}
DEFAULT_PERIOD = 900
# Services run until told otherwise: their record does not go stale.
SERVICE_VALIDITY = timedelta(days=3650)
BARE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def legacy_type(name: str) -> str:
    """Our data type for a legacy type name (unknown names are lower-cased)."""
    return our_type(name)


def parse_time_any(text: object, field_name: str) -> datetime:
    """A legacy time (seconds optional) or ISO 8601 with an offset; EnvelopeError otherwise."""
    if not isinstance(text, str):
        raise EnvelopeError(f"{field_name}: missing or not a string")
    try:
        return parse_legacy_time(text)
    except ValueError:
        return parse_time(text, field_name=field_name)


def decode_json(body: bytes | str) -> Any:
    """Decoded JSON within the shared boundary limits (size, depth, NaN, lone surrogates)."""
    try:
        return jsonlimits.loads(body, "legacy envelope")
    except jsonlimits.JsonLimitError as exc:
        raise EnvelopeError(str(exc)) from None


class LegacyDecoder:
    """Turns legacy records into Updates; keeps the services seen so far (one ``services``
    update lists them all)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.services: dict[str, dict[str, Any]] = {}
        # Problems with translatable data (type and field), reported once per interval each.
        self.translation_problems: list[str] = []

    def remember_services(self, held: Update | None) -> None:
        """Seed the service list from what the store already holds."""
        if held is None:
            return
        entries = held.values.get("services")
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    self.services.setdefault(entry["name"], entry)

    def update(self, data: object, kind: str | None = None, *, raw: bool = False) -> Update | None:
        """The Update of one decoded record (``kind``: its key's type name), or None for a
        record there is nothing to store from (a raw body of a type parsed elsewhere, empty
        Gen C values). Defects raise EnvelopeError."""
        if not isinstance(data, dict):
            raise EnvelopeError(
                f"legacy envelope: expected a JSON object, got {type(data).__name__}")
        name = kind if kind is not None else data.get("type")
        if not isinstance(name, str) or not BARE_NAME.match(name):
            raise EnvelopeError("legacy envelope.type: missing or not a type name")
        if "values" not in data:
            raise EnvelopeError("legacy envelope.values: missing")
        values: Any = data["values"]
        updated = parse_time_any(data.get("updated"), "legacy envelope.updated")
        if "valid" in data:
            valid = parse_time_any(data.get("valid"), "legacy envelope.valid")
        else:
            valid = updated + timedelta(seconds=PERIODS.get(name, DEFAULT_PERIOD))
        if name.endswith(SERVER_SUFFIX):
            return self._service(name[: -len(SERVER_SUFFIX)], updated, values)
        if raw:
            return self._raw(name, values, updated, valid)
        if values is None:
            return None
        return Update(type=our_type(name), updated=updated, valid=valid,
                      values=self._translate(name, values, updated), source=SOURCE)

    def _translate(self, name: str, values: Any, updated: datetime) -> dict[str, Any]:
        if name not in LEGACY_TYPES:
            if isinstance(values, dict):
                return values
            raise EnvelopeError(f"legacy {name}.values: not a JSON object (unknown type)")
        try:
            return translate(name, values, updated, self.settings)
        except DataError as exc:
            self.translation_problems.append(f"{name}: {exc}")
            return values if isinstance(values, dict) else {"legacy": values}

    def _service(self, name: str, started: datetime, values: Any) -> Update | None:
        message = values.get("message") if isinstance(values, dict) else None
        entry = {"name": name, "type": our_type(name), "started": isoformat(started),
                 "message": message if isinstance(message, str) else None}
        held = self.services.get(name)
        if held == entry:
            return None  # already known (a key re-read after a reconnect)
        if held is None or _newer(started, held.get("started")):
            self.services[name] = entry
        ordered = sorted(self.services.values(), key=lambda item: str(item["name"]).lower())
        latest = max(parse_time(str(item["started"])) for item in ordered)
        return Update(type=SERVICES_TYPE, updated=latest, valid=latest + SERVICE_VALIDITY,
                      values={"services": ordered}, source=SOURCE)

    def _raw(self, name: str, values: Any, updated: datetime, valid: datetime) -> Update | None:
        """A Gen C upstream body: Weather and AQI are OpenWeatherMap bodies we can parse."""
        if name not in ("Weather", "AQI") or not values:
            return None
        from dashcli.sources import openweathermap
        from dashcli.sources.validate import Node

        node = Node(values, f"legacy raw {name}.values")
        tz = updated.tzinfo or UTC
        try:
            if name == "Weather":
                parsed = openweathermap.parse_weather(node, tz, self.settings.units != "metric")
            else:
                parsed = openweathermap.parse_air(node, updated, tz)
        except DataError as exc:
            raise EnvelopeError(str(exc)) from None
        return Update(type=our_type(name), updated=updated, valid=valid,
                      values=parsed, source=SOURCE)


def _newer(started: datetime, held: object) -> bool:
    try:
        return isinstance(held, str) and started >= parse_time(held)
    except EnvelopeError:
        return True


def decode_legacy(body: bytes | str, kind: str | None = None,
                  settings: Settings | None = None) -> Update:
    """Decode and convert one legacy JSON text; any defect is an EnvelopeError."""
    update = LegacyDecoder(settings).update(decode_json(body), kind)
    if update is None:
        raise EnvelopeError("legacy envelope.values: null")
    try:
        return update.admit()
    except jsonlimits.JsonLimitError as exc:
        raise EnvelopeError(str(exc)) from None


@dataclass(frozen=True)
class _Decoded:
    """JSON already decoded within the limits (a channel message checked before its relay)."""

    value: Any


def _text(body: bytes | str) -> str | None:
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


class LegacyIngest:
    """One Redis connection's worth of ingest state: the decoder, complaints, the relay."""

    def __init__(self, redis_url: str, store: Store, *, settings: Settings | None = None,
                 relay: Callable[[str], None] | None = None) -> None:
        self.redis_url = redis_url
        self.store = store
        self.decoder = LegacyDecoder(settings)
        self.relay = relay
        self.where = redact_url(redis_url)
        self.complaints = RateLimitedLog(log)

    async def run(self) -> None:
        """Copy the legacy keys and channels into the store until cancelled.

        After every (re)connect it subscribes first and then reads the keys, so nothing
        published in between is lost; a key older than what the store holds is not put again.
        """
        backoff = Backoff(base=RECONNECT_BASE, cap=RECONNECT_CAP)
        # The translators import their source modules (and httpx under them) on first use; do it
        # now, in a thread, so the first messages do not stall every SSE client for ~150 ms
        # (measured with bench/sse_fanout.py: updates 2-5 were the whole p99 at 1000 clients).
        await asyncio.to_thread(_import_translators)
        try:
            self.decoder.remember_services(await self.store.get(SERVICES_TYPE))
        except StoreError as exc:
            self.complaints.warning("store", f"legacy ingest {self.where}: {exc}")
        while True:
            # No silent retries inside redis-py: every reconnect goes through the key re-read.
            client: Redis = Redis.from_url(
                self.redis_url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                async with asyncio.timeout(TIMEOUT):
                    await pubsub.subscribe(UPDATE_CHANNEL, RAW_CHANNEL)
                await self._read_keys(client)
                backoff.reset()
                while True:
                    message = await pubsub.get_message(timeout=None)
                    if message is not None and message.get("type") == "message":
                        channel = message.get("channel")
                        raw = channel in (RAW_CHANNEL, RAW_CHANNEL.encode())
                        await self._message(client, message["data"], raw=raw)
            except (RedisError, OSError, TimeoutError) as exc:
                self.complaints.warning(
                    "connection", f"legacy ingest {self.where}: connection lost: {exc}")
            finally:
                await close_quietly(pubsub, client)
            await backoff.sleep()

    async def _read_keys(self, client: Redis) -> None:
        """Every key the old generations write: raw first, so the transformed ones win."""
        names = [*LEGACY_TYPES, *PERIODS]
        keys: list[tuple[str, str, bool]] = []
        for name in dict.fromkeys(names):
            keys.append((f"raw:{name}", name, True))
            keys.append((f"update:{name}", name, False))
            keys.append((name, name, False))
        for name in dict.fromkeys(names):
            server = f"{name}{SERVER_SUFFIX}"
            keys.append((f"update:{server}", server, False))
            keys.append((server, server, False))
        bodies = await client.mget([key for key, _, _ in keys])
        for (key, name, raw), body in zip(keys, bodies, strict=True):
            if body is not None:
                await self._ingest(body, name, f"key {key!r}", raw=raw, only_newer=True)

    async def _message(self, client: Redis, body: bytes | str, *, raw: bool) -> None:
        text = _text(body)
        relay = self.relay if not raw and text is not None else None
        if text is not None and BARE_NAME.match(text.strip()):
            if relay is not None:
                relay(text)
            # Gen A: only the type name goes over the wire; the record sits under its key.
            await self._bare_name(client, text.strip())
            return
        origin = "raw channel message" if raw else "channel message"
        try:
            data = decode_json(body)
        except EnvelopeError as exc:
            # Not relayed either: old clients drop their connection on a line they cannot parse.
            self.complaints.warning(
                f"garbage {origin}", f"legacy ingest {self.where}: skipped {origin}: {exc}")
            return
        if relay is not None and text is not None:
            relay(text)
        await self._ingest(_Decoded(data), None, origin, raw=raw)

    async def _bare_name(self, client: Redis, name: str) -> None:
        async with asyncio.timeout(TIMEOUT):
            bodies = await client.mget([name, f"update:{name}"])
        for key, body in zip((name, f"update:{name}"), bodies, strict=True):
            if body is not None:
                await self._ingest(body, name, f"key {key!r}", only_newer=True)
                return
        self.complaints.warning(
            f"bare {name}", f"legacy ingest {self.where}: skipped the bare name {name[:40]!r}: "
                            "no key holds its record")

    async def _ingest(self, body: bytes | str | _Decoded, kind: str | None, origin: str, *,
                      raw: bool = False, only_newer: bool = False) -> None:
        decoder = self.decoder
        try:
            data = body.value if isinstance(body, _Decoded) else decode_json(body)
            update = decoder.update(data, kind, raw=raw)
            if update is not None:
                update.admit()
        except DashError as exc:
            self.complaints.warning(
                f"garbage {origin}", f"legacy ingest {self.where}: skipped {origin}: {exc}")
            return
        for problem in decoder.translation_problems:
            self.complaints.warning(
                f"translate {problem.partition(':')[0]}",
                f"legacy ingest {self.where}: {origin}: cannot translate {problem}; "
                "stored as it came")
        decoder.translation_problems.clear()
        if update is None:
            return
        try:
            if only_newer and update.type != SERVICES_TYPE:
                held = await self.store.get(update.type)
                if held is not None and held.updated >= update.updated:
                    return
            await self.store.put(update)
        except StoreError as exc:
            self.complaints.warning("store", f"legacy ingest {self.where}: {exc}")
        except DashError as exc:
            # The store's own boundary check: skipped like any other garbage, never fatal.
            self.complaints.warning(
                f"garbage {origin}", f"legacy ingest {self.where}: skipped {origin}: {exc}")


def _import_translators() -> None:
    """Import what :func:`translate` and :meth:`LegacyDecoder._raw` import lazily."""
    import dashcli.sources.events
    import dashcli.sources.metno
    import dashcli.sources.openweathermap
    import dashcli.sources.scoreboard
    import dashcli.sources.teams  # noqa: F401


async def run_legacy_ingest(
    redis_url: str, store: Store, *, settings: Settings | None = None,
    relay: Callable[[str], None] | None = None,
) -> None:
    """Copy the legacy keys and channels at ``redis_url`` into ``store`` until cancelled."""
    await LegacyIngest(redis_url, store, settings=settings, relay=relay).run()


def profile_settings(profile: Profile) -> Settings:
    """The translation settings a profile implies: its units, its MLB and NFL favourites."""
    from dashcli.sources.scoreboard import favourites
    from dashcli.sources.teams import MLB_ALIASES

    leagues = {"mlb": (profile.sources.mlb, MLB_ALIASES), "nfl": (profile.sources.nfl, {})}
    return Settings(units=profile.units, favorites={
        league: favourites(settings.teams, aliases)
        for league, (settings, aliases) in leagues.items() if settings is not None
    })
