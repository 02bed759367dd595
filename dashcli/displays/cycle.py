"""The page cycle: which page shows now, for how long, and the pause/resume/next/prev controls.

Time is passed in (``now``), never read, so the cycle is tested with a controllable clock. Pages
with nothing to show (``has_content`` false, e.g. no game today) are skipped unless
``skip_empty`` is off; when no page has content the cycle still moves through all of them, so a
display never sticks on one page. A page may take several frames (``parts``: a scoreboard pages
through all of the day's games), each shown for its share of the page's seconds. While a page
marked ``takeover`` claims the cycle (``takes_over``: a favourite's game is live), only such
claiming pages are shown; controls still move between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class CyclePage:
    page: str
    seconds: float
    takeover: bool = False


class PageCycle:
    """The position in a profile's cycle, advanced by time or by control actions."""

    def __init__(
        self,
        pages: list[CyclePage],
        *,
        skip_empty: bool = True,
        has_content: Callable[[str], bool] | None = None,
        parts: Callable[[str], int] | None = None,
        takes_over: Callable[[str], bool] | None = None,
    ) -> None:
        if not pages:
            raise ValueError("a page cycle needs at least one page")
        self.pages = pages
        self.skip_empty = skip_empty
        self.has_content = has_content or (lambda page: True)
        self.parts = parts or (lambda page: 1)
        self.takes_over = takes_over or (lambda page: False)
        self.index = 0
        self.part = 0  # which of the current page's frames
        self.part_count = 1
        self.paused = False
        self.deadline: datetime | None = None

    @property
    def current(self) -> CyclePage:
        return self.pages[self.index]

    def _claiming(self) -> set[int]:
        """The cycle positions of ``takeover`` pages that claim the cycle now."""
        return {index for index, entry in enumerate(self.pages)
                if entry.takeover and self.takes_over(entry.page)}

    def _shown(self, index: int, claiming: set[int] | None = None) -> bool:
        if claiming:
            return index in claiming
        return not self.skip_empty or self.has_content(self.pages[index].page)

    def _step(self, direction: int) -> int:
        count = len(self.pages)
        claiming = self._claiming()
        for offset in range(1, count + 1):
            candidate = (self.index + direction * offset) % count
            if self._shown(candidate, claiming):
                return candidate
        return (self.index + direction) % count

    def _start(self, now: datetime, part: int = 0) -> None:
        """Show ``part`` of the current page from ``now`` for its share of the page's time."""
        self.part_count = max(1, self.parts(self.current.page))
        self.part = min(part, self.part_count - 1)
        self.deadline = now + timedelta(seconds=self.current.seconds / self.part_count)

    def tick(self, now: datetime) -> CyclePage:
        """The page to show at ``now``, advancing past frames and pages whose time is up."""
        if self.deadline is None:
            if not self._shown(self.index, self._claiming()):
                self.index = self._step(+1)
            self._start(now)
        elif not self.paused and now >= self.deadline:
            if self.part + 1 < self.part_count and self._shown(self.index, self._claiming()):
                self._start(now, self.part + 1)
            else:
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
            self._start(now, self.part)
        elif action in ("next", "prev"):
            self.index = self._step(+1 if action == "next" else -1)
            self._start(now)
        else:
            return False
        return True
