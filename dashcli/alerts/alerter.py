"""The alerter: checks the rules every ``check_every`` seconds and hands messages to couriers.

An :class:`Alerter` runs beside a scheduler (``dash serve``, ``dash fetch --every``): each check
reads the sources' status, pings the store, and tells its :class:`~dashcli.alerts.rules.Tracker`
what is open; the notices of one check become one message (so an outage of every source is one
message, not one per source). Each channel has its own :class:`Courier`, a background task with a
small queue that retries with backoff and logs one line per failed attempt, so a dead SMTP server
or webhook never delays a check, a fetch or a request. When several processes share a Redis
store, only the holder of the lease ``dash:lease:alerts:{role}`` sends; the others keep the same
memory of open problems, so a new holder neither repeats a start nor misses a recovery. While
the store is unreachable nobody can renew the lease: the last holder keeps sending (someone has
to tell that the store is down) and the others stay quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets as random_tokens
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

from dashcli.alerts.channels import Channel, DeliveryError, open_channel
from dashcli.alerts.message import Message, build_message
from dashcli.alerts.rules import Notice, Tracker, problems
from dashcli.core.backoff import Backoff
from dashcli.core.envelope import utcnow
from dashcli.health import SourceStatus
from dashcli.profiles.schema import Alerts
from dashcli.sources.lookup import SecretLookup
from dashcli.store.base import Store, StoreError

log = logging.getLogger(__name__)

ATTEMPTS = 6  # per message and channel: with the default backoff, about 10 minutes of retries
BACKOFF_BASE = 10.0
BACKOFF_CAP = 300.0
QUEUE_SIZE = 20
STORE_PING_TIMEOUT = 3.0
MIN_LEASE = 10.0


@runtime_checkable
class LeaseStore(Protocol):
    """A store that several processes share and that can give one of them a role."""

    async def hold_lease(self, name: str, owner: str, seconds: float) -> bool: ...


class Courier:
    """Delivers messages through one channel in the background, retrying with backoff.

    ``post`` never waits: when the queue is full the oldest message is dropped (logged), since
    the newest says what is true now.
    """

    def __init__(
        self,
        channel: Channel,
        *,
        attempts: int = ATTEMPTS,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        queue_size: int = QUEUE_SIZE,
        send_timeout: float = 60.0,
    ) -> None:
        self.channel = channel
        self.attempts = attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.send_timeout = send_timeout
        self.sent = 0
        self.failed = 0
        self._queue: deque[Message] = deque(maxlen=queue_size)
        self._ready = asyncio.Event()

    def post(self, message: Message) -> None:
        if len(self._queue) == self._queue.maxlen:
            log.warning("alerts: %s: %d messages waiting; dropped the oldest",
                        self.channel.label, len(self._queue))
        self._queue.append(message)
        self._ready.set()

    async def run(self) -> None:
        while True:
            if not self._queue:
                self._ready.clear()
                await self._ready.wait()
                continue
            await self.deliver(self._queue.popleft())

    async def deliver(self, message: Message) -> bool:
        """Send ``message``, retrying; True once delivered, False after the last attempt."""
        backoff = Backoff(base=self.backoff_base, cap=self.backoff_cap)
        label = self.channel.label
        for attempt in range(1, self.attempts + 1):
            try:
                # The channels bound their own I/O; this also bounds a server that trickles.
                async with asyncio.timeout(self.send_timeout):
                    await self.channel.send(message)
            except DeliveryError as exc:
                reason = str(exc)
            except TimeoutError:
                reason = f"no answer within {self.send_timeout:g} s"
            else:
                self.sent += 1
                log.info("alerts: sent %r %s", message.subject, label)
                return True
            if attempt == self.attempts:
                self.failed += 1
                log.warning("alerts: %s failed (%s); gave up on %r after %d attempts",
                            label, reason, message.subject, attempt)
                return False
            delay = backoff.next_delay()
            log.warning("alerts: %s failed (%s); retry %d of %d in %.0f s",
                        label, reason, attempt, self.attempts - 1, delay)
            await asyncio.sleep(delay)
        return False


class Alerter:
    """Checks the alert rules of one process and sends what they call for.

    ``role`` names what this process watches (``serve``, ``fetch:air``): processes with the same
    role share one lease. ``where`` ends every message: where a person looks next.
    """

    def __init__(
        self,
        config: Alerts,
        store: Store,
        secrets: SecretLookup,
        *,
        role: str,
        where: str,
        statuses: Callable[[], Mapping[str, SourceStatus]] | None = None,
        clock: Callable[[], datetime] = utcnow,
        attempts: int = ATTEMPTS,
        backoff_base: float = BACKOFF_BASE,
    ) -> None:
        self.config = config
        self.store = store
        self.role = role
        self.where = where
        self.statuses = statuses
        self.clock = clock
        self.couriers = [
            Courier(open_channel(channel, secrets, f"alerts.channels[{number}]"),
                    attempts=attempts, backoff_base=backoff_base)
            for number, channel in enumerate(config.channels)
        ]
        self.tracker = Tracker(config.remind_every)
        self.started = clock()
        self.store_down_since: datetime | None = None
        self._owner = random_tokens.token_hex(8)
        self.leader = not isinstance(store, LeaseStore)

    async def run(self) -> None:
        """Check every ``check_every`` seconds until cancelled; the couriers run meanwhile."""
        tasks = [asyncio.create_task(courier.run(), name=f"dash-alerts:{courier.channel.label}")
                 for courier in self.couriers]
        try:
            while True:
                try:
                    await self.check()
                except Exception:
                    # A check must never stop alerting; its cause is a bug to report.
                    log.exception("alerts: check failed")
                await asyncio.sleep(self.config.check_every)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _store_reachable(self) -> bool:
        try:
            async with asyncio.timeout(STORE_PING_TIMEOUT):
                return bool(await self.store.ping())
        except (StoreError, OSError, TimeoutError):
            return False

    async def _hold_lease(self) -> None:
        store = self.store
        if not isinstance(store, LeaseStore):
            return
        lifetime = max(MIN_LEASE, 3 * self.config.check_every)
        try:
            async with asyncio.timeout(STORE_PING_TIMEOUT):
                leader = await store.hold_lease(f"alerts:{self.role}", self._owner, lifetime)
        except (StoreError, OSError, TimeoutError):
            return  # unreachable: the last holder keeps sending
        if leader != self.leader:
            log.info("alerts: this process %s the one that sends (%s)",
                     "is now" if leader else "is no longer", self.role)
        self.leader = leader

    async def check(self) -> list[Notice]:
        """One check: the notices it produced (sent only when this process holds the lease)."""
        now = self.clock()
        if await self._store_reachable():
            self.store_down_since = None
            await self._hold_lease()
        elif self.store_down_since is None:
            self.store_down_since = now
        statuses = self.statuses().values() if self.statuses is not None else ()
        current = problems(statuses, self.config.rules, now, self.started,
                           self.store_down_since, f"{self.store.name} did not answer a ping")
        notices = self.tracker.update(current, now)
        if not notices:
            return notices
        if not self.leader:
            log.info("alerts: %d notice(s); another process sends them", len(notices))
            return notices
        message = build_message(self.config.name, notices, self.where)
        for courier in self.couriers:
            courier.post(message)
        return notices
