"""``dash healthcheck``: ask a ``dash serve`` (or a fetcher's health port) whether it is healthy.

It is the container's and the probes' health check, so it needs nothing but the standard library
(the image ships no curl): one GET, healthy on any 2xx answer, one line either way.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from dashcli.core.errors import DashError, UsageError
from dashcli.core.redact import redact_url


def check(url: str, timeout: float, token: str | None) -> str:
    """The line to print when ``url`` answers 2xx; any other outcome raises a one-line DashError."""
    shown = redact_url(url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise UsageError(f"healthcheck: {shown}: not an http:// or https:// URL")
    request = urllib.request.Request(url)  # noqa: S310 - the scheme is checked above
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        # The scheme is checked above: no file:// or other handlers are reachable.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DashError(f"healthcheck: {shown} unreachable: {reason}") from None
    if not 200 <= status < 300:
        raise DashError(f"healthcheck: {shown} answered {status}")
    return f"healthcheck: {shown} answered {status}"
