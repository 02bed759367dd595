"""The display loop: follow the cycle, render only what changed, hand frames to a display.

:meth:`DisplayLoop.step` is one decision at one instant (controls applied, page chosen, frame
rendered through the frame cache, shown if it differs from the last one); :meth:`run` repeats it,
waking on new data, on the next page switch, at the next minute (clocks and staleness markers
change then), or, only while a marquee on the frame moves, at its next step. Rendering goes
through a caller-supplied function so each display can share one
frame cache; ``now`` comes from an injectable clock so tests need no sleeping. A notification
in the model's queue takes the display first (:mod:`dashcli.displays.notices`).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from dashcli.core.envelope import Update, utcnow
from dashcli.displays.cycle import PageCycle
from dashcli.displays.model import DisplayModel
from dashcli.renderers.engine import changes_at
from dashcli.renderers.notice import NOTICE_PAGE, Notice, blank, draw_notice

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_WAIT = 1.0
MARQUEE_FRAME_RATE = 30.0  # the panel's; a terminal or a browser asks for fewer


class RenderFunction(Protocol):
    """Draws ``part`` of ``page`` (pages may take several frames) from ``state`` at ``now``."""

    def __call__(self, page: str, state: Mapping[str, Update], now: datetime, *,
                 part: int = 0) -> Image: ...


@dataclass(frozen=True)
class Frame:
    """A frame as shown: its page, its picture, when it was drawn, whether the cycle is paused,
    and which of the page's frames it is."""

    page: str
    image: Image
    at: datetime
    paused: bool
    part: int = 0
    # The panel's level (0-100, 0 off) from the brightness schedule (None: no schedule); the
    # image is not dimmed.
    brightness: int | None = None


class DisplayLoop:
    """Drives one display from a model and a cycle."""

    def __init__(
        self,
        model: DisplayModel,
        cycle: PageCycle,
        render: RenderFunction,
        show: Callable[[Frame], Awaitable[None] | None],
        *,
        clock: Callable[[], datetime] = utcnow,
        first_data_grace: float = 0.0,
        frame_rate: float = MARQUEE_FRAME_RATE,
        brightness: Callable[[datetime], int] | None = None,
    ) -> None:
        self.model = model
        self.cycle = cycle
        self.render = render
        self.show = show
        self.clock = clock
        self.frame: Frame | None = None
        self.first_data_grace = first_data_grace
        # While a marquee moves: at most this many frames a second (its position follows the
        # clock, so a lower rate skips positions rather than slowing it down).
        self.frame_interval = 1.0 / frame_rate
        self.brightness = brightness
        self._notice: tuple[tuple[int, bool], Image, Notice] | None = None

    async def step(self) -> Frame | None:
        """Apply pending controls, pick the page, and show its frame if it changed."""
        now = self.clock()
        while self.model.controls:
            self.cycle.control(self.model.controls.popleft(), now)
        shown = self.model.notices.current(now, self.cycle)
        if shown is not None:
            page, part, image = NOTICE_PAGE, 0, self._notice_image(now, *shown)
        else:
            page = self.cycle.tick(now).page
            part = self.cycle.part
            image = self.render(page, self.model.state, now, part=part)
        level = self.brightness(now) if self.brightness is not None else None
        last = self.frame
        if last is not None and last.page == page and last.image is image \
                and last.paused == self.cycle.paused and last.brightness == level:
            return None
        self.frame = Frame(page, image, now, self.cycle.paused, part, level)
        result = self.show(self.frame)
        if inspect.isawaitable(result):
            await result
        return self.frame

    def _notice_image(self, now: datetime, notice: Notice, lit: bool) -> Image:
        """The notice's frame (black between repeats) at the display's size, drawn once."""
        key = (id(notice), lit)
        if self._notice is None or self._notice[0] != key:
            size = self.render(self.cycle.current.page, self.model.state, now).size
            image = draw_notice(notice, size) if lit else blank(size)
            # The notice is kept with its frame so its id is not reused while cached.
            self._notice = (key, image, notice)
        return self._notice[1]

    def seconds_to_wake(self, now: datetime) -> float:
        """Until the next page switch, minute boundary or marquee step of the shown frame, at
        most MAX_WAIT (a frame where nothing moves costs nothing in between)."""
        until_minute = 60.0 - (now.second + now.microsecond / 1e6)
        left = self.cycle.seconds_left(now)
        candidates = [MAX_WAIT, until_minute] + ([left] if left is not None else [])
        notice = self.model.notices.seconds_to_change(now)
        if notice is not None:
            candidates.append(notice)
        moves = changes_at(self.frame.image) if self.frame is not None else None
        if moves is not None:
            candidates.append(max(moves - now.timestamp(), self.frame_interval))
        return max(0.005, min(candidates))

    async def run(self) -> None:
        """Show frames until cancelled."""
        await self._first_data()
        while True:
            await self.step()
            await self.model.wait_changed(self.seconds_to_wake(self.clock()))


    async def _first_data(self) -> None:
        """Wait up to ``first_data_grace`` seconds for the feed's first state, so the cycle does
        not start by skipping pages whose data is on its way (then sit on another page)."""
        deadline = time.monotonic() + self.first_data_grace
        while not self.model.state and (left := deadline - time.monotonic()) > 0:
            await self.model.wait_changed(left)


async def run_with_feed(loop: DisplayLoop, feed_run: Awaitable[None]) -> None:
    """Run a feed and a loop together; when either stops or fails, stop both."""
    feed_task = asyncio.ensure_future(feed_run)
    loop_task = asyncio.ensure_future(loop.run())
    try:
        done, _ = await asyncio.wait({feed_task, loop_task}, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        await loop_task
    finally:
        for task in (feed_task, loop_task):
            task.cancel()
        await asyncio.gather(feed_task, loop_task, return_exceptions=True)
