"""Keeping secrets out of HTTP libraries' logs: their request lines lose the query string.

API keys travel in query strings (OpenWeatherMap's ``appid``), and httpx and urllib3 log every
request URL at INFO/DEBUG, which ``--debug`` or a server's log configuration turns on. A filter
on those loggers rewrites each record with ``?****`` in place of any query. Standard library only,
so the command line can install it before anything else is imported.
"""

from __future__ import annotations

import logging
import re

from dashcli.core.redact import MASK

_QUERY = re.compile(r"\?[^\s\"'<>]+")
# The loggers that write request lines: httpx ("HTTP Request: GET url ...") and urllib3, under
# requests and hvac ('host:port "GET /path?query HTTP/1.1" 200').
HTTP_LOGGERS = ("httpx", "urllib3.connectionpool")


class QueryRedactingFilter(logging.Filter):
    """Formats the record once and replaces every ``?query`` in it with ``?****``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _QUERY.sub(f"?{MASK}", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact_http_logs() -> None:
    """Install the filter on the HTTP libraries' loggers (idempotent)."""
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(item, QueryRedactingFilter) for item in logger.filters):
            logger.addFilter(QueryRedactingFilter())
