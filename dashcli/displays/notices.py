"""The notifications a display waits to show, and which one holds the display now.

Notifications arrive in order (an SSE ``notify`` event, or the server's own listener) and are
shown one after another, each for its whole duration; the page cycle stands still meanwhile and
gets back the seconds its page had left, so it resumes where it was. A paused cycle does not
hold notifications back: they show, then the paused page returns, still paused. At most
:data:`QUEUE_LIMIT` wait; beyond that the oldest waiting one is dropped (a flood must not hold a
display for minutes).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from dashcli.displays.cycle import PageCycle
from dashcli.renderers.notice import REPEAT_GAP, Notice

QUEUE_LIMIT = 16


class NoticeQueue:
    """Waiting notices, the one on screen and when it began."""

    def __init__(self) -> None:
        self.waiting: deque[Notice] = deque(maxlen=QUEUE_LIMIT)
        self.active: Notice | None = None
        self.started: datetime | None = None
        # The seconds the cycle's page had left when the first notice of a run took over.
        self._page_left: float | None = None
        self._holding = False

    def add(self, notice: Notice) -> None:
        self.waiting.append(notice)

    def current(self, now: datetime, cycle: PageCycle) -> tuple[Notice, bool] | None:
        """The notice on screen at ``now`` and whether it is lit (False between repeats), or
        None when the cycle has the display (its page's remaining time given back once)."""
        if self.active is not None and self.started is not None \
                and (now - self.started).total_seconds() >= self.active.duration:
            self.active = None
        if self.active is None and self.waiting:
            if not self._holding:
                self._holding = True
                self._page_left = cycle.seconds_left(now)
            self.active, self.started = self.waiting.popleft(), now
        if self.active is None or self.started is None:
            if self._holding:
                self._holding = False
                if self._page_left is not None and cycle.deadline is not None \
                        and not cycle.paused:
                    cycle.deadline = now + timedelta(seconds=self._page_left)
            return None
        return self.active, self.active.visible((now - self.started).total_seconds())

    def seconds_to_change(self, now: datetime) -> float | None:
        """Until the notice on screen ends or blinks (None without one)."""
        if self.active is None or self.started is None:
            return None
        elapsed = (now - self.started).total_seconds()
        period = self.active.seconds + REPEAT_GAP
        into = elapsed % period
        to_blink = (self.active.seconds - into) if into < self.active.seconds else (period - into)
        return max(0.0, min(self.active.duration - elapsed, to_blink))
