"""Exponential backoff with jitter: the one retry schedule every dashcli loop follows.

A loop that retries after a failure (an upstream request, the scheduler's next attempt at a
source, an SSE reconnection, a Redis resubscription) waits ``min(cap, base * 2**attempt)``
seconds, scaled down by a random factor in ``[1 - jitter, 1]``. The delay doubles with each
consecutive failure, the cap is a true maximum, and clients that failed together (every display
of a house when the server restarts) spread their retries instead of arriving at once.
"""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass, field

DEFAULT_JITTER = 0.2
"""Fraction of each delay that is random: 0.2 waits between 80 % and 100 % of the delay."""

_MAX_DOUBLINGS = 64  # 2**64 times any base is past every cap; avoids float overflow


def backoff_delay(
    attempt: int,
    *,
    base: float,
    cap: float = math.inf,
    jitter: float = DEFAULT_JITTER,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before retry number ``attempt`` (0 for the first retry)."""
    if attempt < 0 or base < 0 or cap < 0 or not 0 <= jitter <= 1:
        raise ValueError("backoff_delay: attempt, base and cap >= 0; 0 <= jitter <= 1")
    delay = min(cap, base * 2.0 ** min(attempt, _MAX_DOUBLINGS))
    if not jitter:
        return delay
    uniform = rng.uniform if rng is not None else random.uniform
    return delay * (1 - uniform(0, jitter))


@dataclass
class Backoff:
    """One retry loop's schedule: ``next_delay()`` after each failure, ``reset()`` on success."""

    base: float
    cap: float = math.inf
    jitter: float = DEFAULT_JITTER
    attempt: int = 0
    rng: random.Random | None = field(default=None, repr=False)

    def next_delay(self) -> float:
        """The delay for this failure; the following one doubles, up to the cap."""
        delay = backoff_delay(self.attempt, base=self.base, cap=self.cap, jitter=self.jitter,
                              rng=self.rng)
        self.attempt += 1
        return delay

    def reset(self) -> None:
        """Start again from ``base`` (after a success)."""
        self.attempt = 0

    async def sleep(self) -> None:
        """Wait out :meth:`next_delay`."""
        await asyncio.sleep(self.next_delay())
