"""The page cycle: which page shows now, for how long, and the pause/resume/next/prev controls.

Time is passed in (``now``), never read, so the cycle is tested with a controllable clock. Pages
with nothing to show (``has_content`` false, e.g. no game today) are skipped unless
``skip_empty`` is off; when no page has content the cycle still moves through all of them, so a
display never sticks on one page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class CyclePage:
    page: str
    seconds: float


class PageCycle:
    """The position in a profile's cycle, advanced by time or by control actions."""

    def __init__(
        self,
        pages: list[CyclePage],
        *,
        skip_empty: bool = True,
        has_content: Callable[[str], bool] | None = None,
    ) -> None:
        if not pages:
            raise ValueError("a page cycle needs at least one page")
        self.pages = pages
        self.skip_empty = skip_empty
        self.has_content = has_content or (lambda page: True)
        self.index = 0
        self.paused = False
        self.deadline: datetime | None = None

    @property
    def current(self) -> CyclePage:
        return self.pages[self.index]

    def _shown(self, index: int) -> bool:
        return not self.skip_empty or self.has_content(self.pages[index].page)

    def _step(self, direction: int) -> int:
        count = len(self.pages)
        for offset in range(1, count + 1):
            candidate = (self.index + direction * offset) % count
            if self._shown(candidate):
                return candidate
        return (self.index + direction) % count

    def _start(self, now: datetime) -> None:
        self.deadline = now + timedelta(seconds=self.current.seconds)

    def tick(self, now: datetime) -> CyclePage:
        """The page to show at ``now``, advancing past pages whose time is up."""
        if self.deadline is None:
            if not self._shown(self.index):
                self.index = self._step(+1)
            self._start(now)
        elif not self.paused and now >= self.deadline:
            self.index = self._step(+1)
            self._start(now)
        return self.current

    def seconds_left(self, now: datetime) -> float | None:
        """Seconds until the next switch (None while paused)."""
        if self.paused or self.deadline is None:
            return None
        return max(0.0, (self.deadline - now).total_seconds())

    def control(self, action: str, now: datetime) -> bool:
        """Apply pause, resume, next or prev; False for an unknown action."""
        if action == "pause":
            self.paused = True
        elif action == "resume":
            self.paused = False
            self._start(now)
        elif action in ("next", "prev"):
            self.index = self._step(+1 if action == "next" else -1)
            self._start(now)
        else:
            return False
        return True
