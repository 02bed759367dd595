"""Rate-limited warnings, for the parts of dashcli that skip bad input and keep going.

Garbage on a Redis channel, a corrupt store row or a malformed SSE event can repeat thousands of
times a second; the stores, the legacy ingest and the display feeds say each kind of defect once
per interval, with a count of what they skipped, so the log stays readable and cheap.
"""

from __future__ import annotations

import logging
import time


class RateLimitedLog:
    """A logger that says each distinct reason at most once per ``interval`` seconds."""

    def __init__(self, logger: logging.Logger, interval: float = 60.0) -> None:
        self._logger = logger
        self._interval = interval
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def warning(self, reason: str, message: str) -> None:
        """Log ``message`` under ``reason`` unless that reason was logged within the interval."""
        now = time.monotonic()
        last = self._last.get(reason)
        if last is not None and now - last < self._interval:
            self._skipped[reason] = self._skipped.get(reason, 0) + 1
            return
        skipped = self._skipped.pop(reason, 0)
        suffix = f" ({skipped} more since the last report)" if skipped else ""
        self._last[reason] = now
        self._logger.warning("%s%s", message, suffix)
