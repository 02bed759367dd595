"""The store protocol every backend implements, and the in-memory backend that defines it.

A store keeps the latest :class:`~dashcli.core.envelope.Update` per type and tells subscribers about
every put. ``put`` assigns ``seq`` (strictly increasing across the store, so it can be an SSE
``id``); ``since(seq)`` returns the updates after ``seq`` in order, or ``None`` when ``seq`` is
older than the replay log (the caller then sends full state). ``values`` are opaque to the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, Protocol, runtime_checkable

from dashcli.core.envelope import Update
from dashcli.core.errors import DashError

REPLAY_LOG_SIZE = 1000


class StoreError(DashError):
    """The store cannot be reached or refused an operation (the message names the store)."""


class Store(Protocol):
    """What ``dash serve``, the scheduler, ``dash publish`` and the displays rely on.

    A backend shared by several processes may also implement :class:`ControlChannel`, so a
    display control posted to one ``dash serve`` replica reaches the displays of every replica.
    """

    @property
    def name(self) -> str:
        """A printable description (passwords masked), e.g. ``redis://:****@host:6379/0``."""
        ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def put(self, update: Update) -> Update:
        """Store ``update`` as the latest of its type and publish it; returns it with ``seq``."""
        ...

    async def get(self, kind: str) -> Update | None: ...

    async def snapshot(self) -> dict[str, Update]:
        """The latest update of every type."""
        ...

    def subscribe(self) -> AsyncIterator[Update]:
        """Every update put after the call, in ``seq`` order, until the iterator is closed.

        Backends return a :class:`Subscription`: registered at the call, ended by ``aclose()``.
        """
        ...

    async def since(self, seq: int) -> list[Update] | None:
        """Updates with a ``seq`` greater than ``seq``; None when the log no longer reaches back."""
        ...

    async def ping(self) -> bool:
        """True when the backend is reachable (``/readyz``)."""
        ...


@runtime_checkable
class ControlChannel(Protocol):
    """Optional store capability: display controls shared by every process using the store.

    Process-local stores (memory, SQLite) leave it out: their one server is the only receiver.
    """

    async def publish_control(self, action: str) -> None:
        """Tell the other processes of ``action``; raises StoreError when it cannot."""
        ...

    def subscribe_control(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback`` with each action another process publishes; returns the unsubscribe.

        Actions are heard while the store has an update subscriber (``dash serve`` always has).
        """
        ...


class Subscription:
    """One subscriber's stream of updates: registered when created, ended by ``aclose()``.

    Registration happens at creation (not at the first ``__anext__`` as with an async
    generator), so a caller can subscribe, then read a snapshot, and miss nothing in between.
    """

    def __init__(self, fanout: Fanout) -> None:
        self._fanout = fanout
        self._queue: asyncio.Queue[Update] = asyncio.Queue()
        fanout._add(self._queue)
        # A subscription dropped without aclose() must not keep receiving (and queueing) forever.
        self._finalizer = weakref.finalize(self, fanout._discard, self._queue)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Update:
        if not self._finalizer.alive:
            raise StopAsyncIteration
        return await self._queue.get()

    async def aclose(self) -> None:
        """Stop receiving updates (idempotent)."""
        self._finalizer()


class Fanout:
    """The local subscribers of one store, each with its own queue, fed in ``seq`` order.

    A backend that hears of updates through a background task (a poller, a Redis pub/sub
    connection) passes it as ``listener``: the task starts when the first subscriber arrives and
    is cancelled when the last one leaves, so one listener serves every subscriber of the
    process and none runs without subscribers.
    """

    def __init__(self, listener: Callable[[], Coroutine[Any, Any, None]] | None = None) -> None:
        self._queues: set[asyncio.Queue[Update]] = set()
        # The highest seq this process knows was put: a first subscriber starts after it.
        self.known_seq = 0
        # The highest seq handed to subscribers by deliver().
        self.delivered_seq = 0
        self._listener = listener
        self._task: asyncio.Task[None] | None = None
        # The cancelled task, awaited by close() so the store closes only once it has ended.
        self._retired: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._queues)

    def subscribe(self) -> Subscription:
        """A new subscription receiving every update published from now on."""
        if not self._queues:
            self.delivered_seq = self.known_seq
        return Subscription(self)

    def publish(self, update: Update) -> None:
        """Hand ``update`` to every subscriber (never blocks: the queues are unbounded)."""
        for queue in self._queues:
            queue.put_nowait(update)

    def deliver(self, update: Update) -> None:
        """Publish an update a listener heard, once: one already delivered (heard again after
        a catch-up) is dropped, so subscribers see every ``seq`` exactly once and in order."""
        if update.seq is None or update.seq <= self.delivered_seq:
            return
        self.delivered_seq = update.seq
        self.known_seq = max(self.known_seq, update.seq)
        self.publish(update)

    async def close(self) -> None:
        """Forget every subscriber and wait for the listener to end (the store is closing)."""
        self._queues.clear()
        self._stop()
        retired, self._retired = self._retired, None
        if retired is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await retired

    def _add(self, queue: asyncio.Queue[Update]) -> None:
        self._queues.add(queue)
        starting = self._task is None or self._task.done()
        if len(self._queues) == 1 and self._listener is not None and starting:
            self._task = asyncio.get_running_loop().create_task(self._listener())

    def _discard(self, queue: asyncio.Queue[Update]) -> None:
        if queue not in self._queues:
            return
        self._queues.discard(queue)
        if not self._queues:
            self._stop()

    def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._retired, self._task = self._task, None


class MemoryStore:
    """A process-local store (``memory://``): the reference semantics, and a test double."""

    def __init__(self, replay_size: int = REPLAY_LOG_SIZE) -> None:
        self._latest: dict[str, Update] = {}
        self._log: deque[Update] = deque(maxlen=replay_size)
        self._seq = 0
        self._fanout = Fanout()

    @property
    def name(self) -> str:
        return "memory://"

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        await self._fanout.close()

    async def put(self, update: Update) -> Update:
        update.admit()
        self._seq += 1
        stored = update.with_seq(self._seq)
        self._latest[stored.type] = stored
        self._log.append(stored)
        self._fanout.publish(stored)
        return stored

    async def get(self, kind: str) -> Update | None:
        return self._latest.get(kind)

    async def snapshot(self) -> dict[str, Update]:
        return dict(self._latest)

    def subscribe(self) -> Subscription:
        return self._fanout.subscribe()

    async def since(self, seq: int) -> list[Update] | None:
        if seq >= self._seq:
            return []
        if not self._log or self._log[0].seq is None or self._log[0].seq > seq + 1:
            return None
        return [update for update in self._log if update.seq is not None and update.seq > seq]

    async def ping(self) -> bool:
        return True
