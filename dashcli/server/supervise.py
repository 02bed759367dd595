"""Internal tasks of ``dash serve`` that outlive their own failures, and say so on ``/readyz``.

A :class:`Supervised` task runs a coroutine made fresh by its factory; when it fails it is logged
once per kind of failure, marked down (``/readyz`` answers 503 and names it) and started again
after an exponential backoff with jitter (:mod:`dashcli.core.backoff`). One that ran a while
before failing starts again from the shortest delay.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from dashcli.core.backoff import Backoff
from dashcli.logs import RateLimitedLog

log = logging.getLogger(__name__)

RESTART_BASE = 0.5
RESTART_CAP = 30.0
# A task that ran this long before failing was healthy: its next restart is immediate-ish.
HEALTHY_AFTER = 60.0


class Supervised:
    """One named task, restarted with backoff after each failure until cancelled."""

    def __init__(self, name: str, factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.name = name
        self._factory = factory
        self._backoff = Backoff(base=RESTART_BASE, cap=RESTART_CAP)
        self._complaints = RateLimitedLog(log)
        self.restarts = 0
        # Why the task is down (waiting to restart), or None while it runs.
        self.problem: str | None = None

    async def run(self) -> None:
        """Run the task until it ends by itself or is cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            try:
                await self._factory()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # The type only: an unexpected exception's text could hold a secret.
                self.problem = f"failed: {type(exc).__name__}"
                self._complaints.warning(
                    type(exc).__name__, f"{self.name} {self.problem}; restarting with backoff")
                log.debug("%s failed", self.name, exc_info=True)
            if loop.time() - started > HEALTHY_AFTER:
                self._backoff.reset()
            await self._backoff.sleep()
            self.restarts += 1
            self.problem = None
