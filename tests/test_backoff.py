"""core.backoff: the delays double to the cap, jitter only ever shortens them, reset starts over."""

from __future__ import annotations

import random

import pytest

from dashcli.core.backoff import Backoff, backoff_delay


def test_delays_double_up_to_the_cap_without_jitter() -> None:
    delays = [backoff_delay(n, base=0.5, cap=3.0, jitter=0) for n in range(5)]
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_stays_between_the_floor_and_the_delay() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(3, base=1.0, cap=100.0, jitter=0.25, rng=rng) for _ in range(500)]
    assert min(delays) >= 6.0
    assert max(delays) <= 8.0
    assert max(delays) - min(delays) > 1.5  # spread, not a constant


def test_huge_attempt_counts_stay_at_the_cap() -> None:
    assert backoff_delay(10_000, base=10.0, cap=600.0, jitter=0) == 600.0


@pytest.mark.parametrize(("attempt", "jitter"), [(-1, 0.1), (0, 1.5), (0, -0.1)])
def test_nonsense_is_refused(attempt: int, jitter: float) -> None:
    with pytest.raises(ValueError, match="backoff_delay"):
        backoff_delay(attempt, base=1.0, jitter=jitter)


def test_backoff_counts_failures_and_resets() -> None:
    schedule = Backoff(base=1.0, cap=4.0, jitter=0)
    assert [schedule.next_delay() for _ in range(4)] == [1.0, 2.0, 4.0, 4.0]
    schedule.reset()
    assert schedule.next_delay() == 1.0


async def test_sleep_waits_the_next_delay() -> None:
    schedule = Backoff(base=0.01, jitter=0)
    await schedule.sleep()
    assert schedule.attempt == 1
