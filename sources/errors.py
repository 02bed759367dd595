"""Typed failures of a fetch: unreachable upstreams, bad answers, drifted data, missing secrets.

Each is a :class:`dashcli.errors.DashError` (exit 1) whose message is one line a user can act on.
Messages carry URLs without their query string, because a query can hold an API key.
"""

from __future__ import annotations

from dashcli.errors import DashError


class SourceError(DashError):
    """A fetch failed; the message names the provider and what went wrong."""


class UpstreamError(SourceError):
    """The upstream could not be reached, timed out, or answered with an error status."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


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
