"""The HTTP adapter every source uses: timeouts, retries with backoff, an identifying User-Agent.

One :func:`get` call makes up to ``attempts`` requests: connect errors, connect timeouts and 5xx
answers are retried with exponential backoff; a read timeout or a 4xx is final. A 429 or 503 with
``Retry-After`` is waited out when that is short (``RETRY_AFTER_WAIT``), else the error carries
the delay so the scheduler waits it before the next fetch. Bodies are streamed and capped at
``max_body`` bytes both as received and after gzip decompression (a small gzip bomb cannot blow
up memory). Every failure becomes an :class:`UpstreamError` with one line naming the provider,
the reason and the URL without its query (queries can hold API keys). The User-Agent names
dashcli and its version, which met.no requires.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time
import zlib
from dataclasses import dataclass

import httpx

from dashcli.core.backoff import backoff_delay
from dashcli.core.redact import redact_url
from dashcli.core.version import __version__
from dashcli.sources.errors import UpstreamError

USER_AGENT = f"dashcli/{__version__} (+https://github.com/dashcli/dashcli)"
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 0.5
# The largest recorded answer is 1.6 MB (an MLB game feed); 16 MiB leaves room and still bounds
# what one fetch may hold in memory, compressed or not.
DEFAULT_MAX_BODY = 16 * 1024 * 1024
# A Retry-After up to this long is waited out within the call; a longer one ends the call.
RETRY_AFTER_WAIT = 10.0
# The most any Retry-After may hold a source back (a broken header must not stop it for days).
RETRY_AFTER_CAP = 3600.0


@dataclass(frozen=True)
class RetryPolicy:
    """How one call behaves: requests it may make, the wait between them (doubling), the
    per-request ``timeout`` (None: the client's) and the body cap (``max_body`` bytes)."""

    attempts: int = DEFAULT_ATTEMPTS
    backoff: float = DEFAULT_BACKOFF
    timeout: float | None = None
    max_body: int = DEFAULT_MAX_BODY


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
    timeout = client.timeout if policy.timeout is None else httpx.Timeout(policy.timeout)
    last: UpstreamError | None = None
    for attempt in range(policy.attempts):
        if attempt:
            wait = backoff_delay(attempt - 1, base=policy.backoff)
            await asyncio.sleep(max(wait, last.retry_after or 0.0) if last else wait)
        try:
            async with client.stream(
                "GET", url, params=params, headers=headers, timeout=timeout
            ) as response:
                if response.is_success:
                    return await _read_capped(provider, response, policy.max_body)
                last = _status_error(provider, response)
        except httpx.HTTPError as exc:
            last = _transport_error(provider, url, exc, timeout)
        if not last.retryable or (last.retry_after or 0.0) > RETRY_AFTER_WAIT:
            raise last
    assert last is not None
    raise last


async def _read_capped(provider: str, response: httpx.Response, limit: int) -> httpx.Response:
    """The response with its whole body read, at most ``limit`` bytes on the wire and decoded.

    gzip is decoded here with ``max_length`` (httpx would inflate a whole network chunk at once,
    1,000 times its size for a bomb); other encodings go through httpx, counted as they come.
    """
    where = redact_url(str(response.request.url))

    def too_big(kind: str) -> UpstreamError:
        return UpstreamError(f"{provider} answered more than {limit} bytes ({kind}); "
                             f"raise sources.<name>.max_body_bytes if that is expected", where)

    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big("Content-Length")
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    body = bytearray()
    if encoding in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(wbits=31)
        received = 0
        async for raw in response.aiter_raw():
            received += len(raw)
            if received > limit:
                raise too_big("compressed")
            data = raw
            while data and not inflate.eof:
                try:
                    body += inflate.decompress(data, limit + 1 - len(body))
                except zlib.error:
                    raise UpstreamError(f"{provider} answered a corrupt gzip body", where) from None
                if len(body) > limit:
                    raise too_big("decompressed")
                data = inflate.unconsumed_tail
    else:
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > limit:
                raise too_big("decoded")
    headers = [(key, value) for key, value in response.headers.multi_items()
               if key.lower() not in ("content-encoding", "content-length")]
    return httpx.Response(response.status_code, headers=headers, content=bytes(body),
                          request=response.request)


def retry_after(headers: httpx.Headers) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta or HTTP date), capped; None if absent."""
    value = headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = moment.timestamp() - time.time()
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


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
    delay = retry_after(response.headers) if code in (429, 503) else None
    if delay is not None:
        reason = f"{reason}, Retry-After {delay:.0f} s"
    return UpstreamError(f"{provider} answered {reason}", where, retryable=retryable,
                         status=code, headers=dict(response.headers), retry_after=delay)


def _seconds(value: float | None) -> str:
    if value is None:
        return "no limit"
    return f"{value:g} s"
