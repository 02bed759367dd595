"""What a display knows: the latest update per type and the state of its connection.

Feeds write into the model; the display loop waits on :meth:`DisplayModel.wait_changed` so it
wakes as soon as something new arrives instead of polling. Control actions (pause, next, ...)
arrive through the same model so every feed can carry them.
"""

from __future__ import annotations

import asyncio
from collections import deque

from dashcli.core.envelope import Update
from dashcli.displays.notices import NoticeQueue
from dashcli.renderers.notice import Notice


class DisplayModel:
    """The latest state by type, pending control actions, and a connection description."""

    def __init__(self) -> None:
        self.state: dict[str, Update] = {}
        self.connected: bool | None = None  # None: standalone (demo or data file)
        self.connection_detail = "standalone"
        self.controls: deque[str] = deque(maxlen=32)
        self.notices = NoticeQueue()
        self.version = 0
        self._changed = asyncio.Event()

    def _touch(self) -> None:
        self.version += 1
        self._changed.set()

    def apply(self, update: Update) -> None:
        """Keep ``update``; an exact repeat (same type and seq, e.g. replayed) changes nothing.

        Lower sequence numbers are accepted on purpose: a server restarted on a fresh store counts
        from 1 again, and its data is still the newest.
        """
        held = self.state.get(update.type)
        if held is not None and held.seq is not None and update.seq == held.seq:
            return
        self.state[update.type] = update
        self._touch()

    def replace_all(self, updates: dict[str, Update]) -> None:
        self.state = dict(updates)
        self._touch()

    def notify(self, notice: Notice) -> None:
        """Queue a notification (shown before the cycle continues)."""
        self.notices.add(notice)
        self._touch()

    def control(self, action: str) -> None:
        self.controls.append(action)
        self._touch()

    def set_connection(self, connected: bool, detail: str) -> None:
        if (self.connected, self.connection_detail) != (connected, detail):
            self.connected = connected
            self.connection_detail = detail
            self._touch()

    async def wait_changed(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a change; True if something changed."""
        # asyncio.timeout rather than wait_for: on 3.11 wait_for can leave the inner task
        # hanging when its timeout and a cancellation coincide.
        try:
            async with asyncio.timeout(timeout):
                await self._changed.wait()
        except TimeoutError:
            return False
        finally:
            self._changed.clear()
        return True
