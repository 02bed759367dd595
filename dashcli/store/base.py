"""The store protocol every backend implements, and the in-memory backend that defines it.

A store keeps the latest :class:`~dashcli.envelope.Update` per type and tells subscribers about
every put. ``put`` assigns ``seq`` (strictly increasing across the store, so it can be an SSE
``id``); ``since(seq)`` returns the updates after ``seq`` in order, or ``None`` when ``seq`` is
older than the replay log (the caller then sends full state). ``values`` are opaque to the store.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from typing import Protocol

from dashcli.envelope import Update
from dashcli.errors import DashError

REPLAY_LOG_SIZE = 1000


class StoreError(DashError):
    """The store cannot be reached or refused an operation (the message names the store)."""


class Store(Protocol):
    """What ``dash serve``, the scheduler, ``dash publish`` and the displays rely on."""

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
        """Every update put after the call, in ``seq`` order, until the iterator is closed."""
        ...

    async def since(self, seq: int) -> list[Update] | None:
        """Updates with a ``seq`` greater than ``seq``; None when the log no longer reaches back."""
        ...

    async def ping(self) -> bool:
        """True when the backend is reachable (``/readyz``)."""
        ...


class MemoryStore:
    """A process-local store (``memory://``): the reference semantics, and a test double."""

    def __init__(self, replay_size: int = REPLAY_LOG_SIZE) -> None:
        self._latest: dict[str, Update] = {}
        self._log: deque[Update] = deque(maxlen=replay_size)
        self._seq = 0
        self._subscribers: set[asyncio.Queue[Update]] = set()

    @property
    def name(self) -> str:
        return "memory://"

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        self._subscribers.clear()

    async def put(self, update: Update) -> Update:
        self._seq += 1
        stored = update.with_seq(self._seq)
        self._latest[stored.type] = stored
        self._log.append(stored)
        for queue in self._subscribers:
            queue.put_nowait(stored)
        return stored

    async def get(self, kind: str) -> Update | None:
        return self._latest.get(kind)

    async def snapshot(self) -> dict[str, Update]:
        return dict(self._latest)

    async def subscribe(self) -> AsyncIterator[Update]:
        queue: asyncio.Queue[Update] = asyncio.Queue()
        self._subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)

    async def since(self, seq: int) -> list[Update] | None:
        if seq >= self._seq:
            return []
        if not self._log or self._log[0].seq is None or self._log[0].seq > seq + 1:
            return None
        return [update for update in self._log if update.seq is not None and update.seq > seq]

    async def ping(self) -> bool:
        return True
