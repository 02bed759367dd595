"""The HTTP adapter every source uses: timeouts, retries with backoff, an identifying User-Agent.

One :func:`get` call makes up to ``attempts`` requests: connect errors, connect timeouts and 5xx
answers are retried with exponential backoff; a read timeout or a 4xx is final. Every failure
becomes an :class:`UpstreamError` with one line naming the provider, the reason and the URL
without its query (queries can hold API keys). The User-Agent names dashcli and its version, which
met.no requires.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from dashcli import __version__
from dashcli.core.backoff import backoff_delay
from dashcli.core.redact import redact_url
from dashcli.sources.errors import UpstreamError

USER_AGENT = f"dashcli/{__version__} (+https://github.com/dashcli/dashcli)"
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 0.5


@dataclass(frozen=True)
class RetryPolicy:
    """How many requests one call may make and how long to wait between them (doubling)."""

    attempts: int = DEFAULT_ATTEMPTS
    backoff: float = DEFAULT_BACKOFF


def make_client(timeout: float = 10.0) -> httpx.AsyncClient:
    """A client with dashcli's User-Agent and a connect/read timeout of ``timeout`` seconds."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=timeout),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
        follow_redirects=True,
    )


async def get(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    *,
    params: dict[str, str | int | float] | None = None,
    headers: dict[str, str] | None = None,
    retry: RetryPolicy | None = None,
) -> httpx.Response:
    """GET ``url`` and return the successful response, or raise UpstreamError after retries."""
    policy = retry or RetryPolicy()
    last: UpstreamError | None = None
    for attempt in range(policy.attempts):
        if attempt:
            await asyncio.sleep(backoff_delay(attempt - 1, base=policy.backoff))
        try:
            response = await client.get(url, params=params, headers=headers)
        except httpx.HTTPError as exc:
            last = _transport_error(provider, url, exc, client.timeout)
        else:
            if response.is_success:
                return response
            last = _status_error(provider, response)
        if not last.retryable:
            raise last
    assert last is not None
    raise last


def _transport_error(
    provider: str, url: str, exc: httpx.HTTPError, timeout: httpx.Timeout
) -> UpstreamError:
    where = redact_url(url)
    if isinstance(exc, httpx.ConnectTimeout):
        reason, retryable = f"connect timeout after {_seconds(timeout.connect)}", True
    elif isinstance(exc, httpx.ReadTimeout):
        reason, retryable = f"read timeout after {_seconds(timeout.read)}", False
    elif isinstance(exc, httpx.TimeoutException):
        reason, retryable = "timed out", False
    elif isinstance(exc, httpx.ConnectError):
        reason, retryable = _connect_reason(exc), True
    elif isinstance(exc, httpx.RemoteProtocolError):
        reason, retryable = "connection closed mid-answer", True
    else:
        reason, retryable = type(exc).__name__, False
    return UpstreamError(f"{provider} unreachable ({reason})", where, retryable=retryable)


def _connect_reason(exc: httpx.ConnectError) -> str:
    text = str(exc).lower()
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    if "refused" in text or "all connection attempts failed" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "resolution" in text:
        return "name not resolved"
    return "connect error"


def _status_error(provider: str, response: httpx.Response) -> UpstreamError:
    code = response.status_code
    where = redact_url(str(response.request.url))
    if code in (401, 403):
        reason = f"{code} {response.reason_phrase}: check the API key or token"
    else:
        reason = f"{code} {response.reason_phrase}"
    retryable = code >= 500 or code == 429
    return UpstreamError(f"{provider} answered {reason}", where, retryable=retryable,
                         status=code, headers=dict(response.headers))


def _seconds(value: float | None) -> str:
    if value is None:
        return "no limit"
    return f"{value:g} s"
