"""The Redis store (``redis://``, ``rediss://``): state shared by processes on many hosts.

Layout: the latest envelope of each type at ``dash:state:{type}``, the counter at ``dash:seq``, a
capped stream ``dash:log`` (entry id ``{seq}-0``) for replay, and every envelope published on
``dash:update``. One Lua script assigns ``seq`` and writes state, log and publish atomically, so
a subscriber never sees an update the state does not hold, nor two with one ``seq``.

Commands fail fast (short timeouts, one retry) with a one-line :class:`StoreError` naming the
store, password masked. One listener task per process holds the pub/sub connection while there
are subscribers; when Redis goes away it reconnects with backoff, then catches up from the log
with ``since(last_seq)``, so subscribers see every update exactly once and in order.

Display controls (``POST /control/...`` on any ``dash serve`` replica) are published on
``dash:control`` as ``{"action": ..., "origin": ...}``; the same listener hears them and hands
those of other processes (``origin`` is a random id per store) to the control callbacks.
:meth:`RedisStore.hold_lease` lets one process of many take a role (sending alerts) by a key
with an expiry that its holder renews.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import RedisError

from dashcli.core.backoff import Backoff
from dashcli.core.envelope import EnvelopeError, Update
from dashcli.core.redact import redact_url
from dashcli.logs import RateLimitedLog
from dashcli.store.base import REPLAY_LOG_SIZE, Fanout, StoreError, Subscription

log = logging.getLogger(__name__)
T = TypeVar("T")

STATE_PREFIX = "dash:state:"
SEQ_KEY = "dash:seq"
LOG_KEY = "dash:log"
CHANNEL = "dash:update"
CONTROL_CHANNEL = "dash:control"
COMMAND_TIMEOUT = 2.0
RECONNECT_BASE = 0.1
RECONNECT_CAP = 5.0
IDLE_PING = 10.0

# KEYS: seq counter, state key, log stream. ARGV: the envelope JSON without seq, the log cap,
# the channel, and the highest seq the caller has seen. Seq follows the counter (and never goes
# below that floor). When the counter is missing, Redis is new or restarted empty: a publisher
# that never saw the old counter (``dash publish``) must still not be handed a seq already
# printed and sent, so the counter starts again from Redis's clock in milliseconds, above every
# seq of the previous run (sound while a run averages fewer than 1,000 puts a second).
# The envelope is spliced as text (not through cjson) so ``values`` stay byte-for-byte opaque.
_PUT_SCRIPT = """
local stored = redis.call('GET', KEYS[1])
local floor = tonumber(ARGV[4])
local seq
if stored then
  seq = math.max(tonumber(stored), floor) + 1
else
  local now = redis.call('TIME')
  seq = math.max(tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000), floor + 1)
end
local text = string.format('%d', seq)
redis.call('SET', KEYS[1], text)
local body = string.sub(ARGV[1], 1, -2) .. ',"seq":' .. text .. '}'
redis.call('SET', KEYS[2], body)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], text .. '-0', 'u', body)
redis.call('PUBLISH', ARGV[3], body)
return seq
"""

# KEYS: the counter. ARGV: the floor. Returns the counter after raising it to the floor.
_FLOOR_SCRIPT = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if current < floor then redis.call('SET', KEYS[1], string.format('%d', floor)) return floor end
return current
"""

# KEYS: the lease. ARGV: the owner, its lifetime in ms. 1 when the owner holds the lease now
# (taken while free, or renewed), else 0: one process among those sharing the Redis holds it.
_LEASE_SCRIPT = """
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""


class RedisStore:
    """The Redis backend; ``url`` may carry a password or an ACL user, ``rediss://`` uses TLS."""

    def __init__(
        self,
        url: str,
        *,
        replay_size: int = REPLAY_LOG_SIZE,
        timeout: float = COMMAND_TIMEOUT,
        reconnect_cap: float = RECONNECT_CAP,
    ) -> None:
        self._url = url
        self._label = redact_url(url)
        self._replay_size = replay_size
        self._timeout = timeout
        self._reconnect_cap = reconnect_cap
        self._client: Redis | None = None
        self._fanout = Fanout(listener=self._listen)
        self._complaints = RateLimitedLog(log)
        # Tells this process's own control messages apart: its server has delivered them already.
        self._origin = secrets.token_hex(8)
        self._control_callbacks: list[Callable[[str], None]] = []

    @property
    def name(self) -> str:
        return self._label

    async def open(self) -> None:
        self._client = self._connect(retries=1)
        # Reachability is not required to open: /readyz reports it and the listener waits for it.
        with contextlib.suppress(StoreError):
            self._fanout.known_seq = int(await self._call(lambda c: c.get(SEQ_KEY)) or 0)

    async def close(self) -> None:
        await self._fanout.close()
        if self._client is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._client.aclose()
            self._client = None

    async def put(self, update: Update) -> Update:
        # The script appends the seq it assigns: drop any seq the update already carries.
        body = replace(update.admit(), seq=None).to_json()
        keys = [SEQ_KEY, STATE_PREFIX + update.type, LOG_KEY]
        args: list[str | int] = [body, self._replay_size, CHANNEL, self._fanout.known_seq]
        seq = int(await self._call(lambda c: c.eval(_PUT_SCRIPT, len(keys), *keys, *args)))
        self._fanout.known_seq = max(self._fanout.known_seq, seq)
        return update.with_seq(seq)

    async def get(self, kind: str) -> Update | None:
        body = await self._call(lambda c: c.get(STATE_PREFIX + kind))
        return None if body is None else self._decode(body, "state")

    async def snapshot(self) -> dict[str, Update]:
        async def read(client: Redis) -> list[Any]:
            keys = [key async for key in client.scan_iter(match=STATE_PREFIX + "*", count=200)]
            return list(await client.mget(keys)) if keys else []

        found: dict[str, Update] = {}
        for body in await self._call(read):
            update = None if body is None else self._decode(body, "state")
            if update is not None:
                found[update.type] = update
        return dict(sorted(found.items()))

    def subscribe(self) -> Subscription:
        return self._fanout.subscribe()

    async def since(self, seq: int) -> list[Update] | None:
        current, reaches, updates = await self._read_log(seq)
        if seq >= current:
            return []
        return updates if reaches else None

    async def ping(self) -> bool:
        try:
            return bool(await self._call(lambda c: c.ping()))
        except StoreError:
            return False

    async def hold_lease(self, name: str, owner: str, seconds: float) -> bool:
        """Take or renew the lease ``dash:lease:{name}`` for ``owner`` (e.g. which replica
        sends alerts); False while another owner holds it. StoreError when Redis is unreachable.
        """
        held = await self._call(lambda c: c.eval(
            _LEASE_SCRIPT, 1, f"dash:lease:{name}", owner, str(max(1, int(seconds * 1000)))))
        return bool(held)

    async def publish_control(self, action: str) -> None:
        """Publish a display control for the other processes sharing this Redis."""
        body = json.dumps({"action": action, "origin": self._origin})
        await self._call(lambda c: c.publish(CONTROL_CHANNEL, body))

    def subscribe_control(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback`` with each control another process publishes; returns the unsubscribe.

        The update listener hears them, so they arrive while the store has a subscriber.
        """
        self._control_callbacks.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._control_callbacks.remove(callback)

        return unsubscribe

    # -- commands ------------------------------------------------------------------------

    def _connect(self, *, retries: int) -> Redis:
        # One retry lets a command survive a pooled connection that died with a restart;
        # the listener uses none, so it notices every disconnect and catches up itself.
        retry = Retry(ExponentialBackoff(cap=0.5, base=0.05), retries) if retries else Retry(
            NoBackoff(), 0
        )
        try:
            client: Redis = Redis.from_url(
                self._url,
                socket_timeout=self._timeout,
                socket_connect_timeout=self._timeout,
                retry=retry,
            )
        except ValueError as exc:
            raise StoreError(f"store {self.name}: invalid Redis URL ({exc})") from None
        return client

    async def _call(self, command: Callable[[Redis], Awaitable[T]]) -> T:
        if self._client is None:
            raise StoreError(f"store {self.name}: not open")
        try:
            # The socket timeouts bound each read; this bounds the whole call, retries included.
            async with asyncio.timeout(self._timeout * 3):
                return await command(self._client)
        except (RedisError, OSError, TimeoutError) as exc:
            raise StoreError(f"store {self.name}: {_reason(exc)}") from None

    async def _read_log(self, seq: int) -> tuple[int, bool, list[Update]]:
        """The counter, whether the log reaches back to ``seq``, and the updates after it.

        Seqs have gaps (they follow the clock), so the log reaches back when it holds ``seq``
        itself or ``seq + 1``: then nothing between ``seq`` and its first entry was trimmed.
        """

        async def read(client: Redis) -> tuple[Any, list[Any]]:
            pipe = client.pipeline(transaction=True)
            pipe.get(SEQ_KEY)
            pipe.xrange(LOG_KEY, min=f"{seq}-0", max="+")
            current, entries = await pipe.execute()
            return current, entries

        current, entries = await self._call(read)
        first = _entry_seq(entries[0][0]) if entries else None
        if first == seq:
            entries = entries[1:]
        reaches = first in (seq, seq + 1)
        updates = []
        for _entry_id, fields in entries:
            update = self._decode(fields.get(b"u", b""), "log")
            if update is not None:
                updates.append(update)
        return int(current or 0), reaches, updates

    def _decode(self, body: bytes | str, where: str) -> Update | None:
        try:
            return Update.from_json(body)
        except EnvelopeError as exc:
            self._complaints.warning(where, f"store {self.name}: skipped a bad {where}: {exc}")
            return None

    # -- the listener --------------------------------------------------------------------

    async def _listen(self) -> None:
        backoff = Backoff(base=RECONNECT_BASE, cap=self._reconnect_cap)
        connected_before = False
        while True:
            client = self._connect(retries=0)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                async with asyncio.timeout(self._timeout):
                    await pubsub.subscribe(CHANNEL, CONTROL_CHANNEL)
                # Also on the first connect: puts between subscribe() and SUBSCRIBE count.
                await self._catch_up(client)
                if connected_before:
                    log.warning("store %s: reconnected", self.name)
                connected_before = True
                backoff.reset()
                await self._relay(pubsub)
            except (RedisError, OSError, TimeoutError, StoreError) as exc:
                self._complaints.warning(
                    "listen", f"store {self.name}: subscriber connection lost: {_reason(exc)}"
                )
            finally:
                await close_quietly(pubsub, client)
            await backoff.sleep()

    async def _relay(self, pubsub: Any) -> None:
        """Deliver pub/sub messages; a silent connection is pinged, a dead one raises."""
        loop = asyncio.get_running_loop()
        heard = loop.time()
        while True:
            message = await pubsub.get_message(timeout=1.0)
            now = loop.time()
            if message is not None:
                heard = now
                kind = message.get("type")
                if kind == "message" and message.get("channel") == CONTROL_CHANNEL.encode():
                    self._deliver_control(message["data"])
                elif kind == "message":
                    self._deliver_message(message["data"])
            elif now - heard > 2 * IDLE_PING:
                raise TimeoutError
            elif now - heard > IDLE_PING:
                await pubsub.ping()

    async def _catch_up(self, client: Redis) -> None:
        """Deliver what was put while the listener was not yet (or no longer) subscribed."""
        current = int(await client.get(SEQ_KEY) or 0)
        delivered = self._fanout.delivered_seq
        if current < delivered:
            log.warning(
                "store %s: Redis lost its data (seq %d < %d); continuing from %d",
                self.name, current, delivered, delivered,
            )
            await client.eval(_FLOOR_SCRIPT, 1, SEQ_KEY, delivered)
            return
        _current, reaches, missed = await self._read_log(delivered)
        if missed and not reaches:
            log.warning(
                "store %s: the replay log no longer reaches back to seq %d (Redis restarted or "
                "trimmed it); delivering what it holds from seq %d",
                self.name, delivered, missed[0].seq,
            )
        for update in missed:
            self._fanout.deliver(update)

    def _deliver_message(self, data: bytes) -> None:
        update = self._decode(data, "message")
        if update is not None and update.seq is None:
            self._complaints.warning("message", f"store {self.name}: skipped a message without seq")
        elif update is not None:
            self._fanout.deliver(update)

    def _deliver_control(self, data: bytes) -> None:
        try:
            message = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            message = None
        action = message.get("action") if isinstance(message, dict) else None
        origin = message.get("origin") if isinstance(message, dict) else None
        if not isinstance(action, str) or not isinstance(origin, str):
            self._complaints.warning(
                "control", f"store {self.name}: skipped a control message that is not "
                '{"action": "...", "origin": "..."}'
            )
            return
        if origin == self._origin:
            return
        loop = asyncio.get_running_loop()
        for callback in tuple(self._control_callbacks):
            # Scheduled, not called: a failing callback must not end the update listener.
            loop.call_soon(callback, action)


async def close_quietly(pubsub: Any, client: Redis) -> None:
    """Close a pub/sub connection and its client, which may already be dead (errors ignored)."""
    with contextlib.suppress(RedisError, OSError):
        await pubsub.aclose()
    with contextlib.suppress(RedisError, OSError):
        await client.aclose()


def _entry_seq(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.partition("-")[0])


def _reason(exc: BaseException) -> str:
    """A short reason from a Redis error (its messages name hosts, never passwords)."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
