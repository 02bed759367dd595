"""Typed failures of a fetch: unreachable upstreams, bad answers, drifted data, missing secrets.

Each is a :class:`dashcli.core.errors.DashError` (exit 1) whose message is one line a user can act
on.
Messages carry URLs without their query string, because a query can hold an API key.
"""

from __future__ import annotations

from collections.abc import Mapping

from dashcli.core.errors import DashError


class SourceError(DashError):
    """A fetch failed; the message names the provider and what went wrong."""


class UpstreamError(SourceError):
    """The upstream could not be reached, timed out, or answered with an error status.

    The message is ``"{summary}: {where}"``; ``status`` and ``headers`` are those of the error
    answer (None when nothing was answered), so a source can read e.g. rate-limit headers, and
    :meth:`relabel` replaces ``where`` when the URL itself is a secret.
    """

    def __init__(
        self,
        summary: str,
        where: str = "",
        *,
        retryable: bool = False,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{summary}: {where}" if where else summary)
        self.summary = summary
        self.retryable = retryable
        self.status = status
        self.headers: Mapping[str, str] = headers or {}
        # Seconds the upstream asked to wait (Retry-After), already bounded; None if it did not.
        self.retry_after = retry_after

    def relabel(self, where: str) -> UpstreamError:
        """The same failure, naming ``where`` instead of the URL (for secret URLs)."""
        return UpstreamError(self.summary, where, retryable=self.retryable, status=self.status,
                             headers=self.headers, retry_after=self.retry_after)


class DataError(SourceError):
    """The upstream answered, but the data is not what the source expects; ``field`` says where."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class MissingSecretError(SourceError):
    """A required secret is not available from the configured secrets provider."""

    def __init__(self, key: str, provider: str) -> None:
        super().__init__(f"missing secret {key!r} (secrets provider: {provider})")
        self.key = key
