"""What aiohttp and asyncio log for ``dash serve``: one line per bad request, no secret, no flood.

aiohttp logs a malformed request as an ERROR with a traceback quoting the raw request line and
headers (a bearer token or ``?token=`` included), and asyncio logs every failed ``accept()`` at
the fd limit, thousands of times a second. :func:`install` adds a filter to those loggers that
turns a client's protocol error into one WARNING line naming its kind, removes bearer tokens
and ``token=`` values from every message, and says each message at most once per interval with
a count of what it held back.
"""

from __future__ import annotations

import logging
import re
import time

from aiohttp.http_exceptions import HttpProcessingError

LOGGERS = ("aiohttp.server", "aiohttp.web", "aiohttp.access", "asyncio")
INTERVAL = 10.0
SECRET = re.compile(r"(?i)(bearer\s+|token=)[^\s&'\"]+")


class ServerLogFilter(logging.Filter):
    """Redacts, shortens and rate-limits the records of one logger."""

    def __init__(self, interval: float = INTERVAL) -> None:
        super().__init__()
        self._interval = interval
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            # The client's fault, not the server's: its kind only (the text quotes the request).
            message = f"bad request from a client refused ({type(error).__name__}, {error.code})"
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        else:
            message = record.getMessage()
            if record.exc_info:
                record.exc_text = SECRET.sub(r"\1****", logging.Formatter().formatException(
                    record.exc_info))
                record.exc_info = None
        record.msg, record.args = SECRET.sub(r"\1****", message), ()
        key = f"{record.name}:{record.msg[:80]}"
        now = time.monotonic()
        if now - self._last.get(key, -self._interval) < self._interval:
            self._held[key] = self._held.get(key, 0) + 1
            return False
        held = self._held.pop(key, 0)
        if held:
            record.msg = f"{record.msg} ({held} more since the last report)"
        self._last[key] = now
        return True


def install() -> None:
    """Filter the records of aiohttp's and asyncio's loggers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(each, ServerLogFilter) for each in logger.filters):
            logger.addFilter(ServerLogFilter())
